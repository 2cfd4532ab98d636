"""The seller, read once from the business context into typed pieces the agents compose from.

What the seller sells, its value, the pains it solves, its ideal customer's roles, its differentiator and
competitors — each kept only when it can be used in the outreach language (a field written in the other
language is rephrased from its structure, e.g. a known pain by its rule label, or left out).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from . import triggers as trg
from .grammar import Phrase, fits_language, language_of, lower_first, sentence
from .memo import by_content
from .models import BusinessContextData
from .roles import EN_ROLE_WORDS, PT_ROLE_WORDS, ROLE_WORDS, Function, function_of, seniority
from .taxonomy import Sector
from .text import STOPWORDS, contains_any, fold, is_portuguese, join_items, pick, sentences, tokens, words

_OFFER_LEAD_IN = re.compile(
    r"^(?:n[oó]s\s+)?(?:oferecemos|vendemos|fornecemos|fabricamos|prestamos|desenvolvemos|comercializamos|"
    r"oferece|vende|fornece|fabrica|presta|we\s+(?:offer|sell|provide|build|make)|offers|sells|provides)\s+",
    re.IGNORECASE)
_CLAUSE_END = re.compile(r"[.;:!?(]|\s[–—-]\s|,\s|\s(?:que|which|that|who|com o qual|para que)\s", re.IGNORECASE)
_ROLE_SPLIT = re.compile(r"\s+(?:or|ou|and|e)\s+|/|,|;")
_RANGE_RE = re.compile(
    r"(?:(\d[\d.]*)\s*(?:-|–|a|to|ate)\s*(\d[\d.]*)|(?:a partir de|acima de|mais de|from|over|at least|minimo de)"
    r"\s*(\d[\d.]*))\s*(?:mil\s+)?([a-z]+(?:\s+de\s+[a-z]+)?)")


# Words of a commercial challenge (winning and keeping customers), folded: not the lead's problem for a seller that
# does not sell to sales teams.
_COMMERCIAL_WORDS = ("venda", "vendas", "cliente", "clientes", "prospeccao", "mercado", "mercados", "captacao",
                     "concorrencia", "competicao", "churn", "indicacoes", "lancamentos", "assinantes", "sales",
                     "selling", "accounts", "market", "markets", "acquisition", "competition", "competitors",
                     "customer", "clients", "referrals", "prospecting", "retention")


@dataclass(frozen=True)
class Role:
    title: str  # as the outreach language names it
    function: Function | None
    weight: float  # seniority 0..1


OFFERED_ITEMS = 3  # of a longer list of what the seller sells, a message names this many: a sentence, not a catalogue


@dataclass(frozen=True)  # read_seller shares one between calls: never changed once read
class Seller:
    lang_pt: bool
    language: str
    name: str = ""
    offer: Phrase | None = None
    value: str = ""  # whole sentences, in the outreach language ('Oferecemos …' around a noun-phrase value)
    value_verb: str = ""  # the value as an infinitive phrase ('reduzir a conta de energia em 25%'), when so written
    value_noun: str = ""  # the value as a noun phrase ('redução de custos com combustível'), when so written
    offer_items: list[Phrase] = field(default_factory=list)  # what it sells, item by item
    differentiator: str = ""
    pains: list[Phrase] = field(default_factory=list)
    pain_rules: list[trg.Signal] = field(default_factory=list)  # known rules behind the seller's pains
    roles: list[Role] = field(default_factory=list)
    competitors: list[str] = field(default_factory=list)
    target: tuple[int, int, str] | None = None  # (low, high, unit) of the ideal customer's size
    domain_stems: frozenset[str] = frozenset()  # stems of what the seller sells: its domain, not a pain

    def offer_for(self, lead_text: str = "", most: int | None = OFFERED_ITEMS) -> str:
        """What the seller sells, as this lead should read it: the items of its list as 'A, B e C' — the first
        as written (it may carry the head the others share: 'distribuição de resinas, anestésicos …'), then those
        sharing most words with the lead's text — at most `most` in all (None: every item); the offer phrase
        when it is no list, "" when nothing is known."""
        if len(self.offer_items) < 2:
            return self.offer.noun if self.offer else ""
        first, *rest = self.offer_items
        if len(rest) > 1 and lead_text:
            lead = stems(lead_text)
            rest = sorted(rest, key=lambda item: -len(stems(item.text) & lead))  # stable: ties as written
        return join_items([first.noun, *(item.noun for item in rest[: None if most is None else most - 1])],
                          self.lang_pt)

    @property
    def sells_to_sales_teams(self) -> bool:
        """Its ideal customer is a sales role: a lead's sales motion (hiring sellers) is then a reason to buy."""
        return any(r.function is not None and r.function.key == "sales" for r in self.roles)

    def sector_challenges(self, sector: Sector | None) -> list[str]:
        """A sector's typical challenges that matter to this seller: those sharing words with what it sells and
        solves (any non-commercial one when it names no pains), commercial ones (selling, prospecting, churn)
        whenever it sells to sales teams; the closest first."""
        if sector is None:
            return []
        mine = self.domain_stems | stems(" ".join([p.text for p in self.pains] + [self.value]))

        def matters(challenge: str) -> bool:
            if contains_any(fold(challenge), _COMMERCIAL_WORDS):
                return self.sells_to_sales_teams
            return not self.pains or bool(stems(challenge) & mine)

        found = [c for c in (sector.challenges_pt if self.lang_pt else sector.challenges_en) if matters(c)]
        return sorted(found, key=lambda c: -len(stems(c) & mine))

    def pains_for(self, lead_rules: set[str]) -> list[Phrase]:
        """The seller's pains, those the lead shows first."""
        shown = [p for p, r in zip(self.pains, self._rules_by_pain(), strict=True) if r and r.key in lead_rules]
        return shown + [p for p in self.pains if p not in shown]

    def _rules_by_pain(self) -> list[trg.Signal | None]:
        return [next((r for r in self.pain_rules if r.label(self.lang_pt).lower() == p.text.lower()
                      or trg.matches(r, p.text)), None) for p in self.pains]


def brand(ctx: BusinessContextData) -> str:
    """The seller's name: the first words of the business description when they read like a name ('Nellia is …')."""
    m = re.match(r"\s*(?:A |O )?([A-Z][\w&.-]+(?: [A-Z][\w&.-]+)?)\s+(?:is|é|e|atua|oferece|fornece|vende|presta|"
                 r"fabrica|desenvolve)\b", ctx.business_description or "")
    return m.group(1) if m else ""


def offer_phrase(ctx: BusinessContextData, lang_pt: bool) -> Phrase | None:
    """What the seller sells as a short noun phrase ('rastreadores e plataforma de telemetria para frotas')."""
    text = " ".join((ctx.product_service_description or "").split())
    if not text or not fits_language(text, lang_pt):
        return None
    text = _OFFER_LEAD_IN.sub("", text)
    cut = _CLAUSE_END.search(text)
    head = (text[: cut.start()] if cut else text).strip(" ,")
    words = head.split()
    if len(words) > 12:
        head = " ".join(words[:12]).rstrip(",;")
    if len(head) < 4:
        return None
    return Phrase(lower_first(head), lang_pt)


# Where the list of what the seller sells ends: a clause, or a comma opening an adjunct (', com entrega em 24 h').
_LIST_END = re.compile(r"[.;:!?(]|\s[–—-]\s|\s(?:que|which|that|who|para que)\s|,\s+(?:com|sem|para|with|for)\s",
                       re.IGNORECASE)


def offer_items(ctx: BusinessContextData, lang_pt: bool) -> list[Phrase]:
    """The items of what the seller sells ('auditoria energética, retrofit de motores, e monitoramento' → three
    phrases; 'Software de contabilidade com conciliação bancária, apuração de impostos e geração do SPED' → the
    software and two more), each a noun phrase — the first may carry the head the others share, so it may be
    longer; empty when the description is not such a list."""
    text = _OFFER_LEAD_IN.sub("", " ".join((ctx.product_service_description or "").split()))
    if not text or not fits_language(text, lang_pt):
        return []
    cut = _LIST_END.search(text)
    listed = text[: cut.start()] if cut else text
    items = [re.sub(r"^(?:e|and)\s+", "", i.strip(" ,")) for i in listed.split(",")]
    if len(items) > 1 and not re.search(r",\s+(?:e|and)\s", listed):
        # 'a, b e c': the first ' e ' of the last part joins the items ('autoclaves e equipamentos para
        # consultórios e clínicas'); an item with its own ' e ' is written before ', e' (handled above).
        items[-1:] = re.split(r"\s+(?:e|and)\s+", items[-1], maxsplit=1)
    phrases = [Phrase(lower_first(i), lang_pt) for n, i in enumerate(items) if i and len(i.split()) <= (12 if n == 0 else 6)]
    return phrases if len(phrases) == len(items) and not any(p.is_verbal for p in phrases) else []


def _value(ctx: BusinessContextData, lang_pt: bool) -> tuple[str, str]:
    """(whole sentences, infinitive phrase): a value written as an infinitive phrase ('Reduzir a conta de energia
    em 25%') is not a sentence — it reads 'Ajudamos nossos clientes a reduzir …' and is kept to compose with."""
    parts = [s.strip() for s in re.split(r"(?<=[.!?])\s+", ctx.value_proposition or "")
             if s.strip() and fits_language(s, lang_pt)]
    if len(parts) == 1 and Phrase(parts[0], lang_pt).is_verbal:
        verb = lower_first(parts[0].rstrip(".!"))
        return sentence(pick(lang_pt, f"Ajudamos nossos clientes a {verb}", f"We help our customers {verb}")), verb
    return " ".join(sentence(s) for s in parts), ""


# First words of a value written as a sentence ('Nossos clientes reduzem …'), and finite verbs that make one.
_SENTENCE_STARTS = frozenset(["nossos", "nossas", "nosso", "nossa", "os", "as", "o", "a", "com", "aqui", "somos",
                              "voce", "voces", "seus", "suas", "seu", "sua", "em", "para", "quem", "clientes",
                              "empresas", "ajudamos", "oferecemos", "entregamos", "garantimos", "reduzimos"])
_FINITE_VERBS = frozenset(["sao", "esta", "estao", "tem", "reduz", "reduzem", "ajuda", "ajudam", "garante",
                           "garantem", "economiza", "economizam", "ganha", "ganham", "aumenta", "aumentam", "corta",
                           "cortam", "paga", "pagam", "conseguem", "consegue", "pode", "podem", "recebem", "fecham"])


def noun_value(value: str, lang_pt: bool) -> str:
    """The value as a noun phrase to compose with ('Redução de custos com combustível.' → 'redução de custos com
    combustível'); "" when it is a sentence with its own verb, a verb phrase, or not Portuguese."""
    text = " ".join(value.split()).rstrip(".!")
    raw = re.findall(r"[\wÀ-ÿ]+", text.lower())
    words = [fold(w) for w in raw]
    if not lang_pt or not words or "." in text or Phrase(text, lang_pt).is_verbal or words[0] in _SENTENCE_STARTS:
        return ""
    if "é" in raw or any(w in _FINITE_VERBS or w.endswith(("amos", "emos", "imos")) for w in words):
        return ""
    return lower_first(text)


def _pains(ctx: BusinessContextData, lang_pt: bool) -> tuple[list[Phrase], list[trg.Signal]]:
    """The seller's pains as phrases of the outreach language: as written when in that language, a known pain
    by its rule label when written in the other one, left out otherwise."""
    phrases: list[Phrase] = []
    rules: list[trg.Signal] = []
    for pain, rule in trg.context_pains(ctx.pain_points):
        rules += [rule] if rule else []
        lang = language_of(pain)
        if (lang is not None and (lang == "pt") == lang_pt) or (lang is None and rule is None):
            phrases.append(Phrase(lower_first(pain.strip(" .")), lang_pt))
        elif rule:
            phrases.append(Phrase(rule.label(lang_pt).lower(), lang_pt))
    unique = list({fold(p.text): p for p in phrases}.values())
    return unique, list(dict.fromkeys(rules))


_CUSTOMER_START = re.compile(r"\s+(?:at|em|in|na|no|nas|nos|para|for)\s+|\s+(?:de|of)\s+(?:uma?s?|a|an|empresas|"
                             r"companies|negocios|businesses)\b", re.IGNORECASE)
_DE_PLURAL = re.compile(r"\s+(?:de|of)\s+([\wÀ-ÿ-]+s)\b", re.IGNORECASE)


def _role_title(part: str) -> str:
    """A role without its customer clause: 'gestor de frota de transportadoras' → 'gestor de frota'."""
    title = part.strip(" .")
    m = _CUSTOMER_START.search(title)
    title = title[: m.start()] if m else title
    for m in _DE_PLURAL.finditer(title):
        if function_of(m.group(1)) is None:
            return title[: m.start()].strip()
    return title.strip()


def _title_fits(title: str, lang_pt: bool) -> bool:
    """A role title may be quoted as written: it is in the outreach language, or neutral ('CFO') and without role
    words of the other language ('Commercial Director' is English)."""
    lang = language_of(title)
    if lang is not None:
        return (lang == "pt") == lang_pt
    return not contains_any(fold(title), EN_ROLE_WORDS if lang_pt else PT_ROLE_WORDS)


def _roles(ctx: BusinessContextData, lang_pt: bool) -> list[Role]:
    """Role names in the ideal customer ('Diretor de operações ou gestor de frota de transportadoras')."""
    roles: list[Role] = []
    for part in _ROLE_SPLIT.split(ctx.ideal_customer or ""):
        title = _role_title(part)
        if not title or not contains_any(fold(title), ROLE_WORDS):
            continue
        function = function_of(title)
        if not _title_fits(title, lang_pt):
            if function is None:
                continue
            title = function.title_pt if lang_pt else function.title_en
        roles.append(Role(title[:1].upper() + title[1:], function, seniority(title) or 0.5))
    return list({fold(r.title): r for r in roles}.values())


# Size classes named in words ('fábricas de médio porte'), in employees as profile.py classes them.
_PORTE = {"micro": (1, 9), "pequen": (10, 49), "medi": (50, 249), "grande": (250, 999)}
_PORTE_RE = re.compile(r"(micro|pequen|medi|grande)[a-z]*(?:\s+(?:e|ou|a)\s+(micro|pequen|medi|grande)[a-z]*)?\s+porte")


def _target(ctx: BusinessContextData) -> tuple[int, int, str] | None:
    """The ideal customer's size range: a written range ('de 20 a 500 funcionários'), else size classes named in
    words ('médio porte', 'pequeno e médio porte') as employee ranges."""
    folded = fold(f"{ctx.target_market} {ctx.ideal_customer}")
    m = _RANGE_RE.search(folded)
    if not m:
        words = _PORTE_RE.search(folded)
        if not words:
            return None
        ranges = [_PORTE[w] for w in words.groups() if w]
        return min(r[0] for r in ranges), max(r[1] for r in ranges), "funcionarios"
    if m.group(3):
        low, high = int(m.group(3).replace(".", "")), 10**9
    else:
        low, high = int(m.group(1).replace(".", "")), int(m.group(2).replace(".", ""))
    return low, high, m.group(4)


@by_content(kept=64)  # a context per seller the server serves at once, comfortably
def read_seller(ctx: BusinessContextData) -> Seller:
    lang_pt = is_portuguese(ctx.language)
    pains, rules = _pains(ctx, lang_pt)
    value, value_verb = _value(ctx, lang_pt)
    value_noun = noun_value(value, lang_pt)
    if value_noun:  # 'Redução de custos com combustível.' is no sentence to follow another one
        value = sentence(f"Oferecemos {value_noun}")
    differentiator = ctx.competitive_advantage if fits_language(ctx.competitive_advantage, lang_pt) else ""
    return Seller(
        lang_pt=lang_pt, language=ctx.language or "pt-BR", name=brand(ctx), offer=offer_phrase(ctx, lang_pt),
        value=value, value_verb=value_verb, value_noun=value_noun, offer_items=offer_items(ctx, lang_pt), differentiator=sentence(differentiator), pains=pains, pain_rules=rules,
        roles=_roles(ctx, lang_pt), competitors=[c.strip() for c in ctx.competitors if c.strip()],
        target=_target(ctx), domain_stems=frozenset(stems(ctx.product_service_description)),
    )


_GENERIC_PAIN_WORDS = frozenset(["falta", "excesso", "excessivo", "excessiva", "tempo", "custo", "custos", "alto",
                                 "alta", "baixa", "baixo", "elevado", "elevada", "problemas", "dificuldade", "gestao",
                                 "controle", "processos", "empresa", "empresas", "equipe", "lack", "high", "poor",
                                 "manual", "cost", "costs", "time", "team"])


def stems(text: str) -> set[str]:
    """Five-letter stems of a text's distinctive words (so 'fecha' meets 'fechamento', 'frota' 'frotas')."""
    return {w[:5] for w in tokens(text, min_len=5) if w not in _GENERIC_PAIN_WORDS}


# A line that only gives contact details (e-mail, phone, 'Contato:') never shows a pain.
_CONTACT_LINE = re.compile(r"@|\b(?:contato|contact|fale conosco|tel|telefone|fone|whatsapp|e-mail|email)\b|"
                           r"\(?\d{2}\)?\s?\d{4,5}-?\d{4}", re.IGNORECASE)
_WINDOW = 8  # the pain's words must sit this close together (in words) inside one sentence


def word_form(word: str) -> str:
    """A folded word without its number and gender ending ('multas'/'multa', 'motores'/'motor', 'sanitário'/
    'sanitárias', 'operações'/'operação'), so inflections meet — never a prefix ('conta' is not 'contato')."""
    w = word[:-1] if len(word) > 3 and word.endswith("s") else word
    w = w[:-2] + "ao" if w.endswith("oe") else w[:-1] if len(w) > 4 and w.endswith("e") and w[-2] in "rlsz" else w
    return w[:-1] if len(w) > 3 and w[-1] in "aoe" else w


@lru_cache(maxsize=32)  # every pain of the seller is looked for in the same lead text, in every stage
def _sentence_forms(text: str) -> tuple[tuple[str, list[str]], ...]:
    """(sentence, its words' forms) for each sentence of `text` that is not a contact line."""
    return tuple((line, [word_form(x) for x in words(line)]) for line in sentences(text)
                 if not _CONTACT_LINE.search(line))


def pain_quote(pain: Phrase, text: str, domain: frozenset[str] = frozenset()) -> str:
    """The sentence of `text` that states `pain`: enough of the pain's content words, as whole words, close together
    in one sentence that is not a contact line, at least one of them more than a generic or domain word. '' if none."""
    content = [w for w in words(pain.text) if len(w) >= 3 and w not in STOPWORDS and w not in ("nao", "not")]
    if not content:
        return ""
    need = len(content) if len(content) == 1 else max(2, -(-len(content) // 2))
    for line, forms in _sentence_forms(text):
        hits = {w: forms.index(word_form(w)) if word_form(w) in forms else -1 for w in content}
        found = [w for w in content if hits[w] >= 0]
        if len(found) < need or not any(w not in _GENERIC_PAIN_WORDS and w[:5] not in domain for w in found):
            continue
        positions = sorted(hits[w] for w in found)
        if any(positions[k + need - 1] - positions[k] <= _WINDOW for k in range(len(positions) - need + 1)):
            return line
    return ""


def pains_shown(seller: Seller, text: str) -> list[tuple[Phrase, str]]:
    """The seller's pains the lead's own text really states, each with the sentence that states it (see
    pain_quote: a page saying 'frota' does not show 'falta de visibilidade da frota', 'Contato:' is not 'conta')."""
    shown = [(pain, pain_quote(pain, text, seller.domain_stems)) for pain in seller.pains]
    return [(pain, quote) for pain, quote in shown if quote]
