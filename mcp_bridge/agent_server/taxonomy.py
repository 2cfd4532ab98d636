"""The sector taxonomy: one entry per coarse sector with focus-term synonyms and typical challenges (pt/en).

Maintained here, in one place, so intake, analysis, harvest and the corpus all agree on sector names.
A lead's sector is the coarse mapping of its CNAE division (cnae.py, sector.py); synonyms are folded (no accents,
lower case) and name a sector in an industry focus or a search.
"""

from __future__ import annotations

from dataclasses import dataclass

from .text import contains_any, fold


@dataclass(frozen=True)
class Sector:
    key: str
    label_pt: str
    label_en: str
    synonyms: tuple[str, ...]  # how people name the sector in an industry focus or a search
    challenges_pt: tuple[str, ...]
    challenges_en: tuple[str, ...]

    def label(self, lang_pt: bool = True) -> str:
        return self.label_pt if lang_pt else self.label_en

    @property
    def themes(self) -> tuple[str, ...]:
        """Words of what companies of this sector deal with day to day (to tell which of a seller's pains weighs
        on them most)."""
        return THEMES.get(self.key, ())

    def named(self, lang_pt: bool = True) -> str:
        """'setor Saúde', 'Setor Público e Terceiro Setor' (not 'setor Setor …') / 'Healthcare sector'."""
        if not lang_pt:
            return f"{self.label_en} sector"
        return self.label_pt if fold(self.label_pt).startswith("setor") else f"setor {self.label_pt}"


SECTORS: tuple[Sector, ...] = (
    Sector("logistics", "Logística e Transporte", "Logistics and Transportation",
           ("logistica", "logistics", "transporte", "transportes", "transportadora", "transportadoras",
            "transportation", "supply chain", "frete"),
           ("prazos de entrega apertados", "custo de frete e combustível", "falta de visibilidade da operação"),
           ("tight delivery deadlines", "freight and fuel costs", "lack of operational visibility")),
    Sector("health", "Saúde", "Healthcare",
           ("saude", "health", "healthcare", "medicina", "hospitalar", "clinicas", "odontologia"),
           ("agenda ociosa e faltas de pacientes", "captação de convênios e pacientes", "margens pressionadas"),
           ("idle schedules and no-shows", "patient and insurer acquisition", "squeezed margins")),
    Sector("technology", "Tecnologia e Software", "Technology and Software",
           ("tecnologia", "technology", "tech", "software", "saas", "ti", "it", "tecnologia da informacao"),
           ("rotatividade de clientes (churn)", "contratação de talentos técnicos", "custo de infraestrutura em nuvem"),
           ("customer churn", "hiring technical talent", "cloud infrastructure costs")),
    Sector("industry", "Indústria e Manufatura", "Industry and Manufacturing",
           ("industria", "industry", "manufatura", "manufacturing", "industrial", "fabricantes"),
           ("vendas concentradas em poucos clientes", "prospecção de novos mercados", "custos de produção"),
           ("sales concentrated in few accounts", "opening new markets", "production costs")),
    Sector("retail", "Varejo e E-commerce", "Retail and E-commerce",
           ("varejo", "retail", "e-commerce", "ecommerce", "comercio", "atacado"),
           ("giro de estoque", "margens apertadas", "concorrência com marketplaces"),
           ("inventory turnover", "tight margins", "competition from marketplaces")),
    Sector("food_service", "Alimentação e Food Service", "Food Service",
           ("alimentacao", "food service", "food", "restaurantes", "bares e restaurantes", "gastronomia"),
           ("custo de insumos", "movimento sazonal", "rotatividade de equipe"),
           ("ingredient costs", "seasonal demand", "staff turnover")),
    Sector("financial_services", "Serviços Financeiros", "Financial Services",
           ("servicos financeiros", "financial services", "financas", "fintech", "fintechs", "bancos",
            "seguros", "finance"),
           ("custo de aquisição de clientes", "compliance regulatório", "ciclo de vendas longo"),
           ("customer acquisition cost", "regulatory compliance", "long sales cycles")),
    Sector("education", "Educação", "Education",
           ("educacao", "education", "ensino", "edtech"),
           ("captação de alunos", "evasão", "sazonalidade de matrículas"),
           ("student acquisition", "dropout", "seasonal enrolment")),
    Sector("agribusiness", "Agronegócio", "Agribusiness",
           ("agronegocio", "agribusiness", "agro", "agricultura", "agriculture"),
           ("volatilidade de preços das commodities", "logística de escoamento", "crédito rural"),
           ("commodity price volatility", "crop logistics", "rural credit")),
    Sector("construction", "Construção e Imobiliário", "Construction and Real Estate",
           ("construcao", "construction", "construcao civil", "imobiliario", "real estate", "engenharia"),
           ("prazos de obra", "custo de materiais", "vendas de lançamentos"),
           ("project deadlines", "material costs", "selling new developments")),
    Sector("energy", "Energia", "Energy",
           ("energia", "energy", "energia renovavel", "renewables", "utilities"),
           ("regulação do setor elétrico", "projetos de longo prazo", "educação do mercado"),
           ("power-sector regulation", "long project cycles", "market education")),
    Sector("professional_services", "Serviços Jurídicos e Contábeis", "Legal and Accounting Services",
           ("servicos juridicos", "servicos contabeis", "juridico", "contabil", "legal", "accounting",
            "servicos profissionais", "professional services", "servicos"),
           ("dependência de indicações", "horas não faturáveis", "diferenciação da concorrência"),
           ("reliance on referrals", "non-billable hours", "standing out from competitors")),
    Sector("telecom", "Telecomunicações", "Telecommunications",
           ("telecom", "telecomunicacoes", "telecommunications", "provedores de internet", "isp"),
           ("churn de assinantes", "expansão de rede", "competição regional"),
           ("subscriber churn", "network expansion", "regional competition")),
    Sector("marketing", "Marketing e Comunicação", "Marketing and Communications",
           ("marketing", "publicidade", "advertising", "comunicacao", "agencias", "design"),
           ("dependência de poucos clientes", "precificação de projetos", "prospecção irregular"),
           ("reliance on a few clients", "project pricing", "irregular prospecting")),
    Sector("mining", "Mineração", "Mining",
           ("mineracao", "mining", "extracao mineral", "industria extrativa"),
           ("custo logístico do minério", "segurança operacional", "licenciamento ambiental"),
           ("ore logistics costs", "operational safety", "environmental licensing")),
    Sector("environment", "Saneamento e Resíduos", "Water, Sewage and Waste",
           ("saneamento", "residuos", "meio ambiente", "waste", "sanitation"),
           ("metas do marco do saneamento", "custo de coleta e transporte", "licenciamento ambiental"),
           ("sanitation targets", "collection and haulage costs", "environmental licensing")),
    Sector("hospitality", "Turismo e Hotelaria", "Hospitality and Travel",
           ("hotelaria", "turismo", "hospitality", "tourism", "travel"),
           ("sazonalidade da ocupação", "dependência de OTAs", "custo de operação"),
           ("seasonal occupancy", "reliance on booking platforms", "operating costs")),
    Sector("business_services", "Serviços Empresariais e Facilities", "Business Services and Facilities",
           ("servicos empresariais", "facilities", "terceirizacao", "business services", "outsourcing",
            "call center", "contact center", "bpo"),
           ("rotatividade de pessoal", "margens de contrato apertadas", "cumprimento de SLA"),
           ("staff turnover", "thin contract margins", "meeting SLAs")),
    Sector("public_sector", "Setor Público e Terceiro Setor", "Public Sector and Non-profits",
           ("setor publico", "governo", "public sector", "government", "terceiro setor", "ongs"),
           ("orçamento restrito", "processos de compra por licitação", "prestação de contas"),
           ("tight budgets", "public procurement rules", "accountability")),
    Sector("culture_leisure", "Cultura, Esporte e Lazer", "Culture, Sports and Leisure",
           ("cultura", "esporte", "lazer", "entretenimento", "fitness", "entertainment", "sports"),
           ("sazonalidade da frequência", "retenção de clientes", "custo fixo alto"),
           ("seasonal attendance", "member retention", "high fixed costs")),
    Sector("other", "Outros", "Other", (), (), ()),
)

THEMES: dict[str, tuple[str, ...]] = {
    "logistics": ("frota", "veiculos", "rotas", "entregas", "combustivel", "motoristas", "cargas", "caminhoes",
                  "rastreamento", "fleet", "fuel", "delivery", "routes", "drivers"),
    "health": ("sanitarias", "sanitaria", "higiene", "higienizacao", "infeccao", "auditorias", "pacientes", "leitos",
               "anvisa", "convenios", "glosas", "patients", "hygiene", "audits"),
    "industry": ("linha", "linhas", "producao", "paradas", "maquinas", "manutencao", "fabrica", "planta",
                 "auditorias", "qualidade", "production", "downtime", "maintenance"),
    "retail": ("lojas", "estoque", "margens", "entregas", "distribuicao", "impostos", "stores", "inventory"),
    "food_service": ("higiene", "sanitarias", "cozinha", "insumos", "desperdicio", "refeicoes", "anvisa"),
    "professional_services": ("horas", "prazos", "fechamento", "obrigacoes", "fiscais", "planilhas", "retrabalho"),
    "financial_services": ("compliance", "risco", "auditorias", "conciliacao", "regulatorio", "fraudes"),
    "agribusiness": ("safra", "colheita", "frota", "maquinas", "combustivel", "armazenagem", "escoamento", "graos"),
    "business_services": ("contratos", "rotatividade", "equipes", "turnover", "margem"),
    "technology": ("churn", "escala", "nuvem", "integracao"),
    "education": ("matriculas", "evasao", "alunos"),
    "construction": ("obras", "prazos", "materiais", "canteiro"),
    "energy": ("regulacao", "manutencao", "usinas", "medicao"),
}

BY_KEY: dict[str, Sector] = {s.key: s for s in SECTORS}
_FOLDED_LABELS = {fold(s.label_pt): s.key for s in SECTORS} | {fold(s.label_en): s.key for s in SECTORS}


def sector_for_term(term: str, *, exact: bool = False) -> Sector | None:
    """Sector named by a focus term or label ('Logística', 'Serviços Financeiros', 'tech').

    Unless exact, a longer phrase containing a synonym ('logística reversa') also names the sector.
    """
    folded = fold(term).strip()
    if folded in _FOLDED_LABELS:
        return BY_KEY[_FOLDED_LABELS[folded]]
    for sector in SECTORS:
        if folded in sector.synonyms or folded == sector.key.replace("_", " "):
            return sector
    if exact:
        return None
    for sector in SECTORS:  # 'Logística' inside 'Logística e Transporte'-like phrases
        if contains_any(folded, sector.synonyms):
            return sector
    return None


def focus_sectors(terms: list[str]) -> list[Sector]:
    """Sectors named by a business context's industry focus, in the order given."""
    found = [s for t in terms if (s := sector_for_term(t))]
    return list(dict.fromkeys(found))
