"""One lead's facts, gathered once and shared by analysis, persona, strategy, message and chat."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import triggers as trg
from .extraction import Extraction, clean_text, domain_of, extract
from .memo import by_content
from .models import BusinessContextData, EnrichmentData, LeadData
from .sector import classify
from .taxonomy import Sector
from .text import fold

SIZE_ORDER = ("micro", "small", "medium", "large", "enterprise")
SIZE_NAMES_PT = {"micro": "micro", "small": "pequeno", "medium": "médio", "large": "grande", "enterprise": "muito grande"}


@dataclass(frozen=True)
class Measure:
    """One kind of size evidence: how it is written, its unit names and the upper bound (exclusive) of each class
    from micro to large (anything above is enterprise)."""

    key: str
    pattern: re.Pattern[str]
    unit_pt: str
    unit_en: str
    limits: tuple[float, float, float, float]
    target_units: tuple[str, ...]  # folded words a seller's target range uses for this unit
    sectors: tuple[str, ...] = ()  # coarse sectors where companies usually have this (empty: every company)

    def usual_for(self, sector_key: str) -> bool:
        return not self.sectors or sector_key in self.sectors

    def size_class(self, value: float) -> str:
        return next((label for limit, label in zip(self.limits, SIZE_ORDER, strict=False) if value < limit),
                    "enterprise")

    def typical(self, size: str) -> float:
        """A typical value of this measure for a size class (to compare a lead known by another measure)."""
        index = SIZE_ORDER.index(size)
        low = self.limits[index - 1] if index else self.limits[0] / 2
        high = self.limits[index] if index < 4 else self.limits[3] * 4
        return (low * high) ** 0.5


_N = r"(\d{1,3}(?:[.,]\d{3})+|\d+(?:,\d{1,2})?)(\s*mil\b)?"
MEASURES: tuple[Measure, ...] = (
    Measure("employees", re.compile(_N + r"\s*\+?\s*(?:colaborador(?:es|as)?|funcionarios?|empregados?|"
                                    r"profissionais|pessoas|employees|staff|people|professionals)\b"),
            "colaboradores", "employees", (10, 50, 250, 1000),
            ("colaboradores", "funcionarios", "employees", "empregados", "pessoas")),
    Measure("vehicles", re.compile(_N + r"\s*(?:veiculos|caminhoes|carretas|cavalos mecanicos|onibus|vans|"
                                   r"utilitarios|vehicles|trucks)\b"),
            "veículos", "vehicles", (5, 30, 100, 500), ("veiculos", "caminhoes", "vehicles", "trucks"),
            ("logistics", "retail", "agribusiness", "construction", "mining", "environment", "business_services",
             "energy", "telecom", "food_service")),
    Measure("units", re.compile(_N + r"\s*(?:filiais|unidades|clinicas|lojas|centros de distribuicao|fabricas|"
                                r"escritorios|agencias|pontos de venda|restaurantes|hospitais|escolas|branches|stores|"
                                r"offices|plants)\b"),
            "unidades", "sites", (2, 3, 10, 50), ("unidades", "lojas", "filiais", "stores", "sites", "branches")),
    Measure("beds", re.compile(_N + r"\s*(?:leitos|beds)\b"), "leitos", "beds", (10, 50, 150, 500),
            ("leitos", "beds"), ("health", "hospitality")),
    Measure("students", re.compile(_N + r"\s*(?:alunos|estudantes|students)\b"), "alunos", "students",
            (100, 500, 2000, 10000), ("alunos", "estudantes", "students"), ("education",)),
    Measure("seats", re.compile(_N + r"\s*(?:posicoes de atendimento|posicoes|pas de atendimento|"
                                r"estacoes de atendimento|seats|workstations)\b"),
            "posições de atendimento", "seats", (10, 50, 300, 1000), ("posicoes", "pas", "seats"),
            ("business_services", "telecom", "financial_services")),
    Measure("members", re.compile(_N + r"\s*(?:cooperados|associados|members)\b"), "associados", "members",
            (20, 100, 1000, 20000), ("cooperados", "associados", "members"),
            ("financial_services", "agribusiness", "public_sector")),
    Measure("revenue", re.compile(r"(?:faturamento|receita|revenue)[^.\n\d]{0,30}(\d+(?:[.,]\d+)?)"
                                  r"(\s*(?:mil|milhoes|milhao|mi|bilhoes|bilhao|bi|million|billion))\b"),
            "de faturamento", "revenue", (360e3, 4.8e6, 90e6, 300e6), ("milhoes", "faturamento", "million")),
)
MEASURE_BY_KEY = {m.key: m for m in MEASURES}
_MULTIPLIER = {"mil": 1e3, "milhao": 1e6, "milhoes": 1e6, "mi": 1e6, "million": 1e6, "bilhao": 1e9, "bilhoes": 1e9,
               "bi": 1e9, "billion": 1e9}
NO_SIZE_EVIDENCE_PT = "sem dado de porte"
_MASCULINE_NAME_HEADS = frozenset(["hospital", "banco", "grupo", "colegio", "instituto", "escritorio", "laboratorio",
                                   "hotel", "frigorifico", "supermercado", "shopping", "centro", "sindicato",
                                   "restaurante", "consultorio", "estudio", "studio", "atacadao", "mercadao", "posto",
                                   "clube", "condominio", "armazem", "curso", "servico", "sistema", "complexo",
                                   "mercado", "emporio", "bar", "cafe", "acougue", "salao", "atelie", "magazine",
                                   "buffet", "bistro", "boteco", "sacolao", "hortifruti", "bazar", "espaco", "ponto",
                                   "deposito", "laticinio", "moinho", "estaleiro", "cartorio", "consorcio", "auto"])
_FEMININE_NAME_HEADS = frozenset(["cantina", "padaria", "pizzaria", "clinica", "farmacia", "drogaria", "loja",
                                  "casa", "escola", "faculdade", "construtora", "transportadora", "distribuidora",
                                  "cooperativa", "associacao", "fabrica", "industria", "oficina", "academia",
                                  "confeitaria", "lanchonete", "churrascaria", "sorveteria", "livraria", "papelaria"])
# Where the name stands for an implied masculine noun ('o restaurante', 'o hotel', 'o supermercado', 'o banco',
# 'o hospital', 'o colégio'): CNAE classes (registry leads) and divisions (restaurants, hotels).
_MASCULINE_CNAE_CLASSES = ("4711", "4712", "5611", "5510", "6421", "6422", "6423", "8610", "8513", "8520")
_MASCULINE_DIVISIONS = ("55", "56")
_NAME_ARTICLE = re.compile(r"^(?:a|o|as|os)\s+", re.IGNORECASE)
_REGISTRY_ACTIVITY = re.compile(r"Atividade principal \(CNAE ([\d./-]+)\):[ \t]*([^\n]+)")
_LEGAL_SUFFIX = re.compile(r"[\s,-]+(?:ltda|s/?a|s\.a|eireli|me|epp|inc|llc|ltd|gmbh|corp)\.?$", re.IGNORECASE)
_MICRO_CUES = ("de bairro", "consultorio", "dra. ", "dr. ", "autonomo", "microempresa", "mei ")


def _number(raw: str, scale: str | None) -> float:
    """'1.200' → 1200, '1,2' + 'mil' → 1200, '45' + 'milhões' → 45e6."""
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", raw):
        value = float(re.sub(r"[.,]", "", raw))
    else:
        value = float(raw.replace(",", "."))
    return value * _MULTIPLIER.get((scale or "").strip(), 1)


def find_measures(text: str, employees: int | None = None) -> dict[str, float]:
    """Largest value of each size measure found in the text ('200 veículos', '2.000 posições de atendimento')."""
    folded = fold(text)
    found: dict[str, float] = {}
    for measure in MEASURES:
        values = [_number(m.group(1), m.group(2)) for m in measure.pattern.finditer(folded)]
        values = [v for v in values if 0 < v < 1e13]
        if values:
            found[measure.key] = max(values)
    if employees:
        found["employees"] = employees
    return found


def format_measure(key: str, value: float, lang_pt: bool) -> str:
    """'200 veículos', 'R$ 45 milhões de faturamento' / '200 vehicles'."""
    measure = MEASURE_BY_KEY[key]
    if key == "revenue":
        millions = value / 1e6
        amount = f"{millions:.0f}" if millions >= 10 else f"{millions:.1f}".replace(".", "," if lang_pt else ".")
        return f"R$ {amount} {'milhões de faturamento' if lang_pt else 'million revenue'}"
    number = f"{int(value):,}".replace(",", "." if lang_pt else ",")
    return f"{number} {measure.unit_pt if lang_pt else measure.unit_en}"


@dataclass(frozen=True)  # build_profile shares one between calls: never changed once built
class LeadProfile:
    lead: LeadData
    text: str
    facts: Extraction
    sector: Sector | None
    sector_evidence: list[str]
    division: str
    size: str
    size_reason_pt: str
    size_reason_en: str
    triggers: list[tuple[trg.Signal, str]] = field(default_factory=list)
    pains: list[tuple[trg.Signal, str]] = field(default_factory=list)
    measures: dict[str, float] = field(default_factory=dict)

    def size_text(self, lang_pt: bool) -> str:
        """'grande (900 colaboradores)' / 'large (900 employees)'."""
        if lang_pt:
            return f"{SIZE_NAMES_PT[self.size]} ({self.size_reason_pt})"
        return f"{self.size} ({self.size_reason_en})"

    @property
    def name(self) -> str:
        return self.lead.company_name or domain_of(self.lead.website) or "a empresa"

    @property
    def has_size_evidence(self) -> bool:
        return self.size_reason_pt != NO_SIZE_EVIDENCE_PT

    @property
    def short_name(self) -> str:
        """The name as people say it, without the legal suffix: 'Metalúrgica Forte S.A.' → 'Metalúrgica Forte'."""
        short = _LEGAL_SUFFIX.sub("", self.name).strip(" ,-")
        return short or self.name

    def named(self, preposition: str = "") -> str:
        """The company with its article, after an optional 'de'/'em'/'a'/'com': 'a TransLog', 'do Hospital X',
        'a Lojas Vitória', 'do Boticário' (for 'O Boticário').

        The article agrees with the name's head noun ('o Supermercado …', 'as Lojas …', 'a Cantina …'); a name
        with its own article keeps it; otherwise the implied noun decides: 'o restaurante', 'o hotel', 'o banco'
        for those CNAE activities, else 'a empresa'."""
        name = self.short_name
        own = _NAME_ARTICLE.match(name)
        if own:
            article, name = own.group(0).strip().lower(), name[own.end():]
        else:
            article = self._article(name)
        contracted = {"": article, "com": f"com {article}", "de": "d" + article, "em": "n" + article,
                      "a": {"o": "ao", "os": "aos", "a": "à", "as": "às"}[article]}
        return f"{contracted[preposition]} {name}"

    def _article(self, name: str) -> str:
        # A plural head names the company, not its shops: 'a Lojas Renner', 'a Laticínios Serra Verde' (the verb
        # stays singular).
        head = fold(name.split(" ", 1)[0])
        if head in _FEMININE_NAME_HEADS:
            return "a"
        if head in _MASCULINE_NAME_HEADS:
            return "o"
        cnae = re.sub(r"\D", "", self.registry_activity[0])
        if (cnae and cnae.startswith(_MASCULINE_CNAE_CLASSES)) or (not cnae and self.division in _MASCULINE_DIVISIONS):
            return "o"
        return "a"

    @property
    def registry_activity(self) -> tuple[str, str]:
        """(CNAE code, description) of the registry's main activity line ('Atividade principal (CNAE 4930-2/02):
        Transporte rodoviário de carga, …'); empty strings when the lead did not come from the registry."""
        m = _REGISTRY_ACTIVITY.search(self.lead.source_text)
        return (m.group(1), m.group(2).strip(" .")) if m else ("", "")

    @property
    def domain(self) -> str:
        return domain_of(self.lead.website) or (domain_of(self.facts.emails[0]) if self.facts.emails else "")


def classify_size(employees: int) -> str:
    return MEASURE_BY_KEY["employees"].size_class(employees)


def estimate_size(measures: dict[str, float], text: str) -> tuple[str, str, str]:
    """Size class and its evidence (pt, en): the largest class any measure gives, else small-business cues."""
    if measures:
        key, value = max(measures.items(), key=lambda kv: (SIZE_ORDER.index(MEASURE_BY_KEY[kv[0]].size_class(kv[1])),
                                                           kv[0] == "employees"))
        return MEASURE_BY_KEY[key].size_class(value), format_measure(key, value, True), format_measure(key, value, False)
    if any(cue in fold(text) for cue in _MICRO_CUES):
        return "micro", "negócio local de unidade única", "single-site local business"
    return "small", NO_SIZE_EVIDENCE_PT, "no size evidence"


def lead_text(lead: LeadData) -> str:
    return clean_text("\n".join(p for p in (lead.company_name, lead.description, lead.source_text) if p))


@by_content(kept=64)  # the leads in flight: each stage after intake builds the same lead's profile
def build_profile(lead: LeadData, enrichment: EnrichmentData | None = None, reference_year: int | None = None) -> LeadProfile:
    """Facts from intake's enrichment when the pipeline already ran it, else extracted now."""
    text = lead_text(lead)
    facts = Extraction(**enrichment.model_dump()) if enrichment else extract(text, reference_year, lead.company_name)
    if not facts.emails and lead.contact_email:
        facts.emails = [lead.contact_email.lower()]
    found = classify(lead, text)
    measures = find_measures(text, facts.employees)
    size, reason_pt, reason_en = estimate_size(measures, text)
    if lead.company_size in SIZE_ORDER and not facts.employees:
        size, reason_pt, reason_en = lead.company_size, "porte informado no lead", "size given on the lead"
    return LeadProfile(
        lead=lead, text=text, facts=facts, sector=found.sector, sector_evidence=found.evidence,
        division=found.division, size=size, size_reason_pt=reason_pt, size_reason_en=reason_en, measures=measures,
        triggers=trg.detect(trg.TRIGGERS, text), pains=trg.detect(trg.PAINS, text),
    )


def context_or_default(ctx: BusinessContextData | None) -> BusinessContextData:
    return ctx or BusinessContextData()
