"""Classify a lead into a CNAE 2.x division from its own text; the coarse sector is the division's mapping.

Evidence, strongest first: a CNAE code written in the text ('CNAE 4930-2/02'), a CNPJ-registry activity line
('Atividade principal: Transporte rodoviário de carga'), then keywords of each division found in the company
name (weighted most: 'Transportes …', 'Cooperativa de Crédito …'), its tagline and its page. Keywords are folded
(no accents, lower case), in Portuguese and English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .cnae import DIVISIONS, division_for_cnae, division_name, sector_for_division
from .models import LeadData
from .taxonomy import BY_KEY, Sector, sector_for_term
from .text import contains_any, fold

KEYWORDS: dict[str, tuple[str, ...]] = {
    "01": ("agricola", "agricultura", "agropecuaria", "pecuaria", "fazenda", "fazendas", "soja", "milho", "graos",
           "lavoura", "lavouras", "safra", "rebanho", "gado de corte", "avicultura", "suinocultura", "hortifruti",
           "fruticultura", "plantio", "cana-de-acucar", "cafeicultura", "cooperativa agricola",
           "cooperativa agropecuaria", "cooperativa agroindustrial", "produtores rurais", "farming", "agribusiness",
           "crops", "cattle"),
    "02": ("florestal", "reflorestamento", "eucalipto", "silvicultura", "forestry"),
    "03": ("pesca", "aquicultura", "piscicultura", "tilapia", "carcinicultura", "fishing"),
    "05": ("carvao mineral",),
    "06": ("exploracao de petroleo", "petroleo e gas", "oil and gas", "offshore"),
    "07": ("minerio de ferro", "mineracao", "mineradora", "minerio", "mining"),
    "08": ("pedreira", "britas", "extracao de areia", "calcario", "granito", "quarry"),
    "09": ("apoio a extracao", "sondagem mineral"),
    "10": ("frigorifico", "laticinios", "abatedouro", "industria de alimentos", "fabrica de alimentos",
           "alimentos industrializados", "biscoitos", "massas alimenticias", "moinho", "processamento de carnes",
           "food processing", "food manufacturer", "graos processados"),
    "11": ("bebidas", "cervejaria", "refrigerantes", "destilaria", "vinicola", "agua mineral", "brewery"),
    "13": ("textil", "tecelagem", "fiacao", "malharia", "textile"),
    "14": ("confeccao", "confeccoes", "vestuario", "uniformes", "apparel"),
    "15": ("calcados", "couro", "curtume", "footwear"),
    "16": ("madeireira", "serraria", "compensados"),
    "17": ("celulose", "papel e celulose", "papelao ondulado", "pulp and paper"),
    "18": ("grafica", "impressao offset", "printing"),
    "19": ("refinaria", "biocombustiveis", "etanol", "biodiesel", "usina de acucar e etanol", "refinery"),
    "20": ("industria quimica", "produtos quimicos", "tintas", "fertilizantes", "cosmeticos", "resinas",
           "chemicals"),
    "21": ("farmaceutica", "medicamentos", "industria farmaceutica", "pharmaceutical"),
    "22": ("plasticos", "embalagens plasticas", "injecao plastica", "borracha", "pneus", "plastics"),
    "23": ("ceramica", "vidro", "cimento", "porcelanato", "artefatos de concreto", "glass"),
    "24": ("siderurgica", "siderurgia", "metalurgia", "fundicao", "aluminio", "aco laminado", "steel mill"),
    "25": ("metalurgica", "estampados", "usinados", "usinagem", "caldeiraria", "estruturas metalicas",
           "ferramentaria", "metal parts"),
    "26": ("eletronicos", "placas eletronicas", "equipamentos de informatica", "semicondutores", "electronics"),
    "27": ("materiais eletricos", "motores eletricos", "transformadores", "baterias", "iluminacao",
           "electrical equipment"),
    "28": ("maquinas e equipamentos", "fabricante de maquinas", "robos", "robotica", "robos industriais",
           "automacao industrial", "maquinas agricolas", "compressores", "robotics", "robots", "robotic",
           "industrial automation", "machinery", "cobots", "refrigeracao industrial", "camaras frias",
           "equipamentos industriais"),
    "29": ("autopecas", "montadora", "carrocerias", "implementos rodoviarios", "automotive parts", "automaker"),
    "30": ("aeronaves", "estaleiro", "embarcacoes", "vagoes", "aircraft", "shipyard"),
    "31": ("moveis", "moveleira", "moveis planejados", "furniture"),
    "32": ("joias", "brinquedos", "instrumentos odontologicos", "artigos esportivos", "toys"),
    "33": ("manutencao industrial", "manutencao de maquinas", "instalacao de maquinas", "industrial maintenance"),
    "35": ("energia eletrica", "comercializadora de energia", "comercializacao de energia", "mercado livre de energia",
           "geracao de energia", "energia solar", "usina solar", "usinas solares", "fotovoltaica", "fotovoltaico",
           "eolica", "eolico", "distribuidora de energia", "hidreletrica", "pch", "gas natural canalizado",
           "energia renovavel", "energy trading", "power generation", "utility", "electricity"),
    "36": ("tratamento de agua", "abastecimento de agua", "companhia de saneamento", "saneamento basico",
           "water utility"),
    "37": ("esgoto", "tratamento de esgoto", "sewage"),
    "38": ("coleta de lixo", "residuos solidos", "reciclagem", "aterro sanitario", "coleta seletiva",
           "gestao de residuos", "waste management", "recycling"),
    "39": ("descontaminacao", "remediacao ambiental"),
    "41": ("construtora", "incorporadora", "construcao de edificios", "empreendimentos residenciais",
           "obras residenciais", "construcao civil", "homebuilder"),
    "42": ("obras de infraestrutura", "pavimentacao", "terraplenagem", "construcao pesada", "rodovias",
           "obras de saneamento", "infrastructure works"),
    "43": ("instalacoes eletricas", "instalacoes hidraulicas", "impermeabilizacao", "demolicao",
           "instalacao de ar condicionado", "acabamentos"),
    "45": ("concessionaria de veiculos", "concessionaria", "revenda de veiculos", "oficina mecanica",
           "seminovos", "car dealership"),
    "46": ("atacado", "atacadista", "distribuidora", "distribuidor", "distribuicao de medicamentos",
           "distribuicao de alimentos", "representacao comercial", "insumos agricolas", "wholesale", "distributor"),
    "47": ("varejo", "varejista", "loja", "lojas", "supermercado", "supermercados", "farmacia", "drogaria",
           "drogarias", "farmacias", "rede de lojas", "rede de farmacias", "rede de supermercados", "e-commerce", "ecommerce", "loja virtual", "atacarejo", "magazine", "moda feminina",
           "materiais de construcao", "postos de combustivel", "pet shop", "retail", "store", "stores",
           "marketplace"),
    "49": ("transportadora", "transportes", "transporte rodoviario", "transporte de cargas", "cargas",
           "frete", "fretes", "caminhoes", "frota", "carretas", "onibus", "transporte de passageiros",
           "fretamento", "carga fracionada", "lotacao", "ferrovia", "ferroviaria", "transporte urbano",
           "trucking", "freight", "carrier"),
    "50": ("navegacao", "cabotagem", "transporte fluvial", "transporte maritimo", "balsas", "shipping line"),
    "51": ("aviacao", "companhia aerea", "taxi aereo", "transporte aereo", "airline"),
    "52": ("armazem", "armazens", "armazenagem", "armazens gerais", "centro de distribuicao",
           "centros de distribuicao", "operador logistico", "operadores logisticos", "3pl", "terminal portuario",
           "porto seco", "agenciamento de cargas", "despachante aduaneiro", "cross-docking", "fulfillment",
           "logistica integrada", "warehouse", "warehousing", "logistics"),
    "53": ("entregas expressas", "courier", "last mile", "motoboy", "encomendas", "delivery de encomendas"),
    "55": ("hotel", "hoteis", "pousada", "resort", "hospedagem", "hostel"),
    "56": ("restaurante", "restaurantes", "lanchonete", "padaria", "pizzaria", "buffet", "cafeteria",
           "confeitaria", "refeicoes coletivas", "cozinha industrial", "food service", "hamburgueria", "bar e",
           "restaurant", "bakery", "catering"),
    "58": ("editora", "jornal", "revista", "publishing"),
    "59": ("produtora de video", "audiovisual", "produtora audiovisual", "estudio de gravacao"),
    "60": ("emissora", "radio fm", "televisao", "broadcasting"),
    "61": ("telecom", "telecomunicacoes", "provedor de internet", "fibra optica", "banda larga", "isp",
           "telefonia", "operadora de telefonia", "broadband", "telecommunications"),
    "62": ("software", "saas", "desenvolvimento de sistemas", "sistemas de gestao", "erp", "consultoria em ti",
           "tecnologia da informacao", "outsourcing de ti", "ciberseguranca", "ipaas", "desenvolvimento de software",
           "fabrica de software", "crm", "software house", "it services", "cybersecurity"),
    "63": ("datacenter", "data center", "hospedagem de sites", "processamento de dados", "portal de noticias"),
    "64": ("banco", "bancos", "cooperativa de credito", "credito", "financeira", "fintech", "pagamentos",
           "meios de pagamento", "emprestimo", "emprestimos", "consorcio", "factoring", "fomento mercantil",
           "securitizadora", "recebiveis", "correspondente bancario", "cooperativa financeira", "sicredi", "sicoob",
           "bank", "lending", "payments"),
    "65": ("seguradora", "seguros", "resseguro", "previdencia privada", "plano de saude", "planos de saude",
           "operadora de saude", "insurance", "insurer"),
    "66": ("corretora de seguros", "corretora de valores", "gestora de recursos", "gestora de investimentos",
           "asset management", "insurance broker"),
    "68": ("imobiliaria", "corretagem de imoveis", "administracao de imoveis", "administradora de condominios",
           "locacao de imoveis", "shopping center", "real estate"),
    "69": ("advocacia", "advogados", "advogadas", "escritorio de advocacia", "sociedade de advogados", "direito",
           "juridico", "juridica", "contabilidade", "escritorio contabil", "contabil", "contadores", "auditoria",
           "pericia contabil", "assessoria contabil", "oab", "law firm", "attorneys", "accounting firm",
           "tributario", "trabalhista"),
    "70": ("consultoria empresarial", "consultoria em gestao", "consultoria de gestao", "assessoria empresarial",
           "management consulting", "holding"),
    "71": ("engenharia", "projetos de engenharia", "arquitetura", "escritorio de arquitetura", "laudos tecnicos",
           "ensaios", "analises tecnicas", "topografia", "inspecao tecnica", "engineering"),
    "72": ("pesquisa e desenvolvimento", "instituto de pesquisa", "biotecnologia", "research institute"),
    "73": ("agencia de publicidade", "publicidade", "marketing digital", "agencia de marketing",
           "pesquisa de mercado", "propaganda", "agencia", "advertising", "marketing agency"),
    "74": ("design", "fotografia", "traducao", "design grafico", "identidade visual", "branding"),
    "75": ("veterinaria", "clinica veterinaria", "hospital veterinario", "veterinario"),
    "77": ("locadora de veiculos", "aluguel de carros", "locacao de equipamentos", "aluguel de maquinas",
           "locacao de veiculos", "car rental"),
    "78": ("recrutamento", "recrutamento e selecao", "trabalho temporario", "headhunter", "locacao de mao de obra",
           "staffing"),
    "79": ("agencia de viagens", "turismo", "operadora de turismo", "viagens corporativas", "travel agency"),
    "80": ("vigilancia", "seguranca patrimonial", "seguranca privada", "escolta armada", "monitoramento de alarmes",
           "security services"),
    "81": ("limpeza", "limpeza industrial", "facilities", "conservacao", "zeladoria", "paisagismo", "jardinagem",
           "higienizacao", "dedetizacao", "cleaning services", "janitorial"),
    "82": ("call center", "contact center", "teleatendimento", "telemarketing", "cobranca", "posicoes de atendimento",
           "pas de atendimento", "bpo", "servicos administrativos", "organizacao de eventos", "feiras e eventos",
           "backoffice", "atendimento ao cliente terceirizado", "customer service outsourcing"),
    "84": ("prefeitura", "secretaria municipal", "secretaria estadual", "governo do estado", "autarquia",
           "camara municipal", "tribunal", "orgao publico", "government agency"),
    "85": ("escola", "escolas", "colegio", "faculdade", "universidade", "ensino", "educacao", "cursos",
           "alunos", "creche", "idiomas", "edtech", "ensino superior", "ensino fundamental", "ensino medio",
           "school", "university", "college", "students"),
    "86": ("hospital", "hospitais", "clinica", "clinicas", "saude", "medico", "medicos", "laboratorio de analises",
           "exames", "diagnostico por imagem", "odontologia", "odontologica", "odontologico", "consultorio",
           "pacientes", "fisioterapia", "leitos", "pronto atendimento", "ortodontia", "healthcare", "clinic",
           "patients", "medical"),
    "87": ("casa de repouso", "residencial geriatrico", "ilpi", "home care"),
    "88": ("assistencia social", "ong", "projeto social", "instituto social", "sem fins lucrativos", "nonprofit"),
    "90": ("teatro", "espetaculos", "companhia de danca", "producao de shows"),
    "91": ("museu", "patrimonio cultural", "biblioteca", "zoologico"),
    "92": ("loteria", "apostas", "cassino"),
    "93": ("academia de ginastica", "academias", "clube", "esportes", "fitness", "parque de diversoes", "crossfit",
           "gym"),
    "94": ("associacao", "sindicato", "federacao", "igreja", "entidade de classe", "conselho regional",
           "association"),
    "95": ("assistencia tecnica", "conserto de celulares", "reparacao de computadores"),
    "96": ("salao de beleza", "barbearia", "lavanderia", "estetica", "funeraria", "banho e tosa"),
    "97": ("servicos domesticos", "diarista"),
    "99": ("organismo internacional", "embaixada", "consulado"),
}
# Coarse sector named on the lead (or in an industry focus) → the division that represents it.
_REPRESENTATIVE = {"logistics": "49", "health": "86", "technology": "62", "industry": "25", "retail": "47",
                   "food_service": "56", "financial_services": "64", "education": "85", "agribusiness": "01",
                   "construction": "41", "energy": "35", "professional_services": "69", "telecom": "61",
                   "marketing": "73", "mining": "07", "environment": "38", "hospitality": "55",
                   "business_services": "82", "public_sector": "84", "culture_leisure": "93"}
_CNAE_IN_TEXT = re.compile(r"cnae[^0-9\n]{0,40}(\d{2}\.?\d{2}-?\d(?:\s*/\s*\d{2})?|\d{7}|\d{4}-\d)")
_ACTIVITY_LINE = re.compile(r"(?:atividade\s+(?:economica\s+)?principal|atividade\s+principal|main\s+activity)"
                            r"\s*[:\-–]\s*([^\n|.;]{4,160})")
_WEIGHTS = (("name", 3.0), ("description", 2.0), ("text", 1.0))
HEAD_BONUS = 1.5  # the first business word of a name or tagline is its kind ('Distribuidora de bebidas')
# A kind of company named without its trade ('Indústria Beta', 'manufacturer of widgets'): coarse sector only.
_GENERIC = (("industry", ("industria", "industrial", "industrias", "fabrica", "fabricante", "fabricamos", "manufatura",
                          "manufacturer", "manufacturing", "factory")),)
_PATTERNS = {division: re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(k) for k in sorted(words, key=len, reverse=True))
                                  + r")(?![a-z0-9])") for division, words in KEYWORDS.items()}


@dataclass(frozen=True)
class Classification:
    division: str  # '' when nothing points to one
    sector: Sector | None
    evidence: list[str]

    @property
    def division_name(self) -> str:
        return division_name(self.division)


def _keyword_scores(text: str, weight: float, scores: dict[str, float], evidence: dict[str, list[str]],
                    head: bool = False) -> None:
    """Add each division's keyword hits in `text`; with `head`, the earliest hit counts HEAD_BONUS times more."""
    folded = fold(text)
    first: tuple[int, str] | None = None
    for division, pattern in _PATTERNS.items():
        hits = list(dict.fromkeys(m.group(0) for m in pattern.finditer(folded)))
        if not hits:
            continue
        scores[division] = scores.get(division, 0.0) + weight * sum(1 + 0.5 * h.count(" ") for h in hits)
        evidence.setdefault(division, []).extend(h for h in hits if h not in evidence[division])
        start = pattern.search(folded).start()  # type: ignore[union-attr]
        if head and (first is None or start < first[0]):
            first = (start, division)
    if first is not None:
        scores[first[1]] += weight * (HEAD_BONUS - 1)


def classify(lead: LeadData, text: str) -> Classification:
    """The lead's CNAE division, its coarse sector and the evidence (code, activity line or keywords)."""
    folded = fold(text)
    for m in _CNAE_IN_TEXT.finditer(folded):
        division = division_for_cnae(re.sub(r"\s", "", m.group(1)))
        if division:
            return Classification(division, BY_KEY[sector_for_division(division)], [f"CNAE {m.group(1)}"])
    scores: dict[str, float] = {}
    evidence: dict[str, list[str]] = {}
    activity = _ACTIVITY_LINE.search(folded)
    if activity:
        _keyword_scores(activity.group(1), 10.0, scores, evidence)
    parts = {"name": lead.company_name, "description": lead.description, "text": text}
    for part, weight in _WEIGHTS:
        _keyword_scores(parts[part], weight, scores, evidence, head=part != "text")
    if scores:
        order = {code: i for i, code in enumerate(DIVISIONS)}
        division = max(scores, key=lambda d: (scores[d], -order[d]))
        return Classification(division, BY_KEY[sector_for_division(division)], evidence[division])
    for key, words in _GENERIC:
        if hits := contains_any(folded, words):
            return Classification("", BY_KEY[key], hits)
    named = sector_for_term(lead.company_sector) if lead.company_sector else None
    if named and named.key in _REPRESENTATIVE:
        return Classification(_REPRESENTATIVE[named.key], named, [lead.company_sector])
    return Classification("", named, [])
