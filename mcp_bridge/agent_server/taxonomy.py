"""The sector taxonomy: one entry per sector with pt/en keywords, focus-term synonyms and typical challenges.

Maintained here, in one place, so intake, analysis, harvest and the corpus all agree on sector names.
Keywords are folded (no accents, lower case); a keyword hit in a lead's text counts towards that sector.
"""

from __future__ import annotations

from dataclasses import dataclass

from .text import contains_any, fold


@dataclass(frozen=True)
class Sector:
    key: str
    label_pt: str
    label_en: str
    keywords: tuple[str, ...]  # evidence in a company's own text (pt and en)
    synonyms: tuple[str, ...]  # how people name the sector in an industry focus or a search
    challenges_pt: tuple[str, ...]
    challenges_en: tuple[str, ...]

    def label(self, lang_pt: bool = True) -> str:
        return self.label_pt if lang_pt else self.label_en


SECTORS: tuple[Sector, ...] = (
    Sector("logistics", "Logística e Transporte", "Logistics and Transportation",
           ("transportadora", "transporte", "logistica", "logistico", "frota", "cargas", "armazem", "armazens",
            "armazenagem", "centro de distribuicao", "centros de distribuicao", "last mile", "3pl", "frete",
            "freight", "logistics", "trucking", "warehouse", "shipping", "cross-docking"),
           ("logistica", "logistics", "transporte", "transportes", "transportation", "supply chain", "frete"),
           ("prazos de entrega apertados", "custo de frete e combustível", "falta de visibilidade da operação"),
           ("tight delivery deadlines", "freight and fuel costs", "lack of operational visibility")),
    Sector("health", "Saúde", "Healthcare",
           ("clinica", "clinicas", "hospital", "saude", "medico", "medicos", "odontologico", "odontologia",
            "laboratorio", "exames", "consulta", "pacientes", "healthcare", "health", "clinic", "medical",
            "farmacia", "ortodontia"),
           ("saude", "health", "healthcare", "medicina", "hospitalar", "clinicas", "odontologia"),
           ("agenda ociosa e faltas de pacientes", "captação de convênios e pacientes", "margens pressionadas"),
           ("idle schedules and no-shows", "patient and insurer acquisition", "squeezed margins")),
    Sector("technology", "Tecnologia e Software", "Technology and Software",
           ("software", "saas", "plataforma", "sistemas", "tecnologia", "ti", "cloud", "nuvem", "erp", "crm",
            "ipaas", "api", "transformacao digital", "desenvolvimento", "startup", "technology", "platform",
            "integration", "aplicativo", "app", "dados", "data"),
           ("tecnologia", "technology", "tech", "software", "saas", "ti", "it", "tecnologia da informacao"),
           ("ciclo de vendas longo", "concorrência acirrada por contas", "geração de pipeline qualificado"),
           ("long sales cycles", "fierce competition for accounts", "building a qualified pipeline")),
    Sector("industry", "Indústria e Manufatura", "Industry and Manufacturing",
           ("industria", "industrial", "fabrica", "fabricamos", "fabricante", "manufatura", "metalurgica",
            "usinados", "estampados", "componentes", "usinagem", "plasticos", "embalagens", "quimica",
            "manufacturer", "manufacturing", "factory", "widgets", "producao", "frigorifico", "laticinios",
            "abatedouro", "textil", "moveleira", "siderurgica"),
           ("industria", "industry", "manufatura", "manufacturing", "industrial", "fabricantes"),
           ("vendas concentradas em poucos clientes", "prospecção de novos mercados", "custos de produção"),
           ("sales concentrated in few accounts", "opening new markets", "production costs")),
    Sector("retail", "Varejo e E-commerce", "Retail and E-commerce",
           ("varejo", "loja", "lojas", "e-commerce", "ecommerce", "supermercado", "atacado", "atacarejo",
            "moda", "calcados", "retail", "store", "marketplace", "shopping"),
           ("varejo", "retail", "e-commerce", "ecommerce", "comercio", "atacado"),
           ("giro de estoque", "margens apertadas", "concorrência com marketplaces"),
           ("inventory turnover", "tight margins", "competition from marketplaces")),
    Sector("food_service", "Alimentação e Food Service", "Food Service",
           ("padaria", "restaurante", "lanchonete", "bolos", "salgados", "paes", "confeitaria", "cafeteria",
            "pizzaria", "bar", "buffet", "alimentos", "bakery", "restaurant", "food"),
           ("alimentacao", "food service", "food", "restaurantes", "bares e restaurantes", "gastronomia"),
           ("custo de insumos", "movimento sazonal", "rotatividade de equipe"),
           ("ingredient costs", "seasonal demand", "staff turnover")),
    Sector("financial_services", "Serviços Financeiros", "Financial Services",
           ("fintech", "credito", "banco", "financeira", "recebiveis", "pagamentos", "seguros", "seguradora",
            "investimentos", "cooperativa de credito", "consorcio", "banco central", "financial", "payments",
            "insurance", "lending"),
           ("servicos financeiros", "financial services", "financas", "fintech", "fintechs", "bancos",
            "seguros", "finance"),
           ("custo de aquisição de clientes", "compliance regulatório", "ciclo de vendas longo"),
           ("customer acquisition cost", "regulatory compliance", "long sales cycles")),
    Sector("education", "Educação", "Education",
           ("escola", "faculdade", "universidade", "cursos", "ensino", "educacao", "alunos", "treinamento",
            "edtech", "education", "school", "training", "courses"),
           ("educacao", "education", "ensino", "edtech"),
           ("captação de alunos", "evasão", "sazonalidade de matrículas"),
           ("student acquisition", "dropout", "seasonal enrolment")),
    Sector("agribusiness", "Agronegócio", "Agribusiness",
           ("agricola", "agronegocio", "cooperativa", "cooperados", "soja", "milho", "cafe", "graos",
            "pecuaria", "fazenda", "insumos agricolas", "sementes", "agro", "agribusiness", "farming", "grain"),
           ("agronegocio", "agribusiness", "agro", "agricultura", "agriculture"),
           ("volatilidade de preços das commodities", "logística de escoamento", "crédito rural"),
           ("commodity price volatility", "crop logistics", "rural credit")),
    Sector("construction", "Construção e Imobiliário", "Construction and Real Estate",
           ("construtora", "construcao", "obras", "engenharia civil", "incorporadora", "imobiliaria",
            "empreendimentos", "materiais de construcao", "construction", "real estate", "building"),
           ("construcao", "construction", "construcao civil", "imobiliario", "real estate", "engenharia"),
           ("prazos de obra", "custo de materiais", "vendas de lançamentos"),
           ("project deadlines", "material costs", "selling new developments")),
    Sector("energy", "Energia", "Energy",
           ("energia", "solar", "fotovoltaica", "eolica", "distribuidora de energia", "geracao", "biogas",
            "combustiveis", "energy", "renewable", "power"),
           ("energia", "energy", "energia renovavel", "renewables", "utilities"),
           ("regulação do setor elétrico", "projetos de longo prazo", "educação do mercado"),
           ("power-sector regulation", "long project cycles", "market education")),
    Sector("professional_services", "Serviços Jurídicos e Contábeis", "Legal and Accounting Services",
           ("advocacia", "advogados", "escritorio de advocacia", "contabilidade", "contabil", "contadores",
            "auditoria", "consultoria tributaria", "juridico", "law firm", "accounting", "legal", "tax"),
           ("servicos juridicos", "servicos contabeis", "juridico", "contabil", "legal", "accounting",
            "servicos profissionais", "professional services", "servicos"),
           ("dependência de indicações", "horas não faturáveis", "diferenciação da concorrência"),
           ("reliance on referrals", "non-billable hours", "standing out from competitors")),
    Sector("telecom", "Telecomunicações", "Telecommunications",
           ("telecom", "telecomunicacoes", "provedor", "internet", "fibra optica", "banda larga", "isp",
            "telefonia", "conectividade", "broadband", "fiber"),
           ("telecom", "telecomunicacoes", "telecommunications", "provedores de internet", "isp"),
           ("churn de assinantes", "expansão de rede", "competição regional"),
           ("subscriber churn", "network expansion", "regional competition")),
    Sector("marketing", "Marketing e Comunicação", "Marketing and Communications",
           ("agencia", "marketing", "publicidade", "design", "branding", "identidade visual", "campanhas",
            "midia", "comunicacao", "social media", "advertising", "agency"),
           ("marketing", "publicidade", "advertising", "comunicacao", "agencias", "design"),
           ("dependência de poucos clientes", "precificação de projetos", "prospecção irregular"),
           ("reliance on a few clients", "project pricing", "irregular prospecting")),
    Sector("mining", "Mineração", "Mining",
           ("mineracao", "mineradora", "minerio", "extracao mineral", "pedreira", "lavra", "mining", "ore"),
           ("mineracao", "mining", "extracao mineral", "industria extrativa"),
           ("custo logístico do minério", "segurança operacional", "licenciamento ambiental"),
           ("ore logistics costs", "operational safety", "environmental licensing")),
    Sector("environment", "Saneamento e Resíduos", "Water, Sewage and Waste",
           ("saneamento", "residuos", "reciclagem", "tratamento de agua", "esgoto", "coleta de lixo",
            "aterro sanitario", "waste management", "recycling", "water utility"),
           ("saneamento", "residuos", "meio ambiente", "waste", "sanitation"),
           ("metas do marco do saneamento", "custo de coleta e transporte", "licenciamento ambiental"),
           ("sanitation targets", "collection and haulage costs", "environmental licensing")),
    Sector("hospitality", "Turismo e Hotelaria", "Hospitality and Travel",
           ("hotel", "hoteis", "pousada", "resort", "hospedagem", "turismo", "agencia de viagens",
            "hospitality", "travel agency", "tourism"),
           ("hotelaria", "turismo", "hospitality", "tourism", "travel"),
           ("sazonalidade da ocupação", "dependência de OTAs", "custo de operação"),
           ("seasonal occupancy", "reliance on booking platforms", "operating costs")),
    Sector("business_services", "Serviços Empresariais e Facilities", "Business Services and Facilities",
           ("limpeza", "limpeza industrial", "facilities", "terceirizacao", "terceirizados", "vigilancia",
            "seguranca patrimonial", "call center", "contact center", "teleatendimento",
            "posicoes de atendimento", "recrutamento", "locacao de mao de obra", "cleaning", "staffing",
            "outsourcing", "locadora de veiculos", "aluguel de equipamentos"),
           ("servicos empresariais", "facilities", "terceirizacao", "business services", "outsourcing",
            "call center", "contact center", "bpo"),
           ("rotatividade de pessoal", "margens de contrato apertadas", "cumprimento de SLA"),
           ("staff turnover", "thin contract margins", "meeting SLAs")),
    Sector("public_sector", "Setor Público e Terceiro Setor", "Public Sector and Non-profits",
           ("prefeitura", "secretaria municipal", "secretaria estadual", "governo", "autarquia", "ong",
            "sindicato", "associacao", "sem fins lucrativos", "fundacao", "government", "non-profit", "nonprofit"),
           ("setor publico", "governo", "public sector", "government", "terceiro setor", "ongs"),
           ("orçamento restrito", "processos de compra por licitação", "prestação de contas"),
           ("tight budgets", "public procurement rules", "accountability")),
    Sector("culture_leisure", "Cultura, Esporte e Lazer", "Culture, Sports and Leisure",
           ("academia de ginastica", "academias", "teatro", "museu", "clube", "esportes", "esportivo",
            "parque", "espetaculos", "cinema", "fitness", "gym", "sports"),
           ("cultura", "esporte", "lazer", "entretenimento", "fitness", "entertainment", "sports"),
           ("sazonalidade da frequência", "retenção de clientes", "custo fixo alto"),
           ("seasonal attendance", "member retention", "high fixed costs")),
    Sector("other", "Outros", "Other", (), (), (), ()),
)

BY_KEY: dict[str, Sector] = {s.key: s for s in SECTORS}
_FOLDED_LABELS = {fold(s.label_pt): s.key for s in SECTORS} | {fold(s.label_en): s.key for s in SECTORS}


def detect_sector(text: str) -> tuple[Sector | None, list[str]]:
    """The sector with the most keyword hits in the text (ties: taxonomy order), and the hits as evidence."""
    folded = fold(text)
    best: tuple[Sector | None, list[str]] = (None, [])
    for sector in SECTORS:
        hits = contains_any(folded, sector.keywords)
        if len(hits) > len(best[1]):
            best = (sector, hits)
    return best


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
