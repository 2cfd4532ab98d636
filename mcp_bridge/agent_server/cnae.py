"""CNAE 2.x (IBGE/CONCLA) divisions and their mapping to the coarse sectors of taxonomy.py.

The 87 divisions (two-digit code, official Portuguese name, section A–U) are public data from the published
CNAE 2.3 structure. The coarse sector is what the frontend filters on; it is a mapping of the division, never
guessed separately. `division_for_cnae` accepts any level of a code as written on a CNPJ card or in a text:
subclass '4930202' / '4930-2/02', class '4930-2' / '49.30-2', group '49.3', division '49'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Division:
    code: str  # two digits, '01'..'99'
    section: str  # 'A'..'U'
    name: str  # official Portuguese name
    sector: str  # coarse sector key of taxonomy.py


SECTIONS: dict[str, str] = {
    "A": "Agricultura, pecuária, produção florestal, pesca e aquicultura",
    "B": "Indústrias extrativas",
    "C": "Indústrias de transformação",
    "D": "Eletricidade e gás",
    "E": "Água, esgoto, atividades de gestão de resíduos e descontaminação",
    "F": "Construção",
    "G": "Comércio; reparação de veículos automotores e motocicletas",
    "H": "Transporte, armazenagem e correio",
    "I": "Alojamento e alimentação",
    "J": "Informação e comunicação",
    "K": "Atividades financeiras, de seguros e serviços relacionados",
    "L": "Atividades imobiliárias",
    "M": "Atividades profissionais, científicas e técnicas",
    "N": "Atividades administrativas e serviços complementares",
    "O": "Administração pública, defesa e seguridade social",
    "P": "Educação",
    "Q": "Saúde humana e serviços sociais",
    "R": "Artes, cultura, esporte e recreação",
    "S": "Outras atividades de serviços",
    "T": "Serviços domésticos",
    "U": "Organismos internacionais e outras instituições extraterritoriais",
}

_RAW: tuple[tuple[str, str, str, str], ...] = (
    ("01", "A", "Agricultura, pecuária e serviços relacionados", "agribusiness"),
    ("02", "A", "Produção florestal", "agribusiness"),
    ("03", "A", "Pesca e aquicultura", "agribusiness"),
    ("05", "B", "Extração de carvão mineral", "mining"),
    ("06", "B", "Extração de petróleo e gás natural", "energy"),
    ("07", "B", "Extração de minerais metálicos", "mining"),
    ("08", "B", "Extração de minerais não metálicos", "mining"),
    ("09", "B", "Atividades de apoio à extração de minerais", "mining"),
    ("10", "C", "Fabricação de produtos alimentícios", "industry"),
    ("11", "C", "Fabricação de bebidas", "industry"),
    ("12", "C", "Fabricação de produtos do fumo", "industry"),
    ("13", "C", "Fabricação de produtos têxteis", "industry"),
    ("14", "C", "Confecção de artigos do vestuário e acessórios", "industry"),
    ("15", "C", "Preparação de couros e fabricação de artefatos de couro, artigos para viagem e calçados",
     "industry"),
    ("16", "C", "Fabricação de produtos de madeira", "industry"),
    ("17", "C", "Fabricação de celulose, papel e produtos de papel", "industry"),
    ("18", "C", "Impressão e reprodução de gravações", "industry"),
    ("19", "C", "Fabricação de coque, de produtos derivados do petróleo e de biocombustíveis", "energy"),
    ("20", "C", "Fabricação de produtos químicos", "industry"),
    ("21", "C", "Fabricação de produtos farmoquímicos e farmacêuticos", "industry"),
    ("22", "C", "Fabricação de produtos de borracha e de material plástico", "industry"),
    ("23", "C", "Fabricação de produtos de minerais não metálicos", "industry"),
    ("24", "C", "Metalurgia", "industry"),
    ("25", "C", "Fabricação de produtos de metal, exceto máquinas e equipamentos", "industry"),
    ("26", "C", "Fabricação de equipamentos de informática, produtos eletrônicos e ópticos", "industry"),
    ("27", "C", "Fabricação de máquinas, aparelhos e materiais elétricos", "industry"),
    ("28", "C", "Fabricação de máquinas e equipamentos", "industry"),
    ("29", "C", "Fabricação de veículos automotores, reboques e carrocerias", "industry"),
    ("30", "C", "Fabricação de outros equipamentos de transporte, exceto veículos automotores", "industry"),
    ("31", "C", "Fabricação de móveis", "industry"),
    ("32", "C", "Fabricação de produtos diversos", "industry"),
    ("33", "C", "Manutenção, reparação e instalação de máquinas e equipamentos", "industry"),
    ("35", "D", "Eletricidade, gás e outras utilidades", "energy"),
    ("36", "E", "Captação, tratamento e distribuição de água", "environment"),
    ("37", "E", "Esgoto e atividades relacionadas", "environment"),
    ("38", "E", "Coleta, tratamento e disposição de resíduos; recuperação de materiais", "environment"),
    ("39", "E", "Descontaminação e outros serviços de gestão de resíduos", "environment"),
    ("41", "F", "Construção de edifícios", "construction"),
    ("42", "F", "Obras de infraestrutura", "construction"),
    ("43", "F", "Serviços especializados para construção", "construction"),
    ("45", "G", "Comércio e reparação de veículos automotores e motocicletas", "retail"),
    ("46", "G", "Comércio por atacado, exceto veículos automotores e motocicletas", "retail"),
    ("47", "G", "Comércio varejista", "retail"),
    ("49", "H", "Transporte terrestre", "logistics"),
    ("50", "H", "Transporte aquaviário", "logistics"),
    ("51", "H", "Transporte aéreo", "logistics"),
    ("52", "H", "Armazenamento e atividades auxiliares dos transportes", "logistics"),
    ("53", "H", "Correio e outras atividades de entrega", "logistics"),
    ("55", "I", "Alojamento", "hospitality"),
    ("56", "I", "Alimentação", "food_service"),
    ("58", "J", "Edição e edição integrada à impressão", "marketing"),
    ("59", "J", "Atividades cinematográficas, produção de vídeos e de programas de televisão; gravação de som "
     "e edição de música", "marketing"),
    ("60", "J", "Atividades de rádio e de televisão", "marketing"),
    ("61", "J", "Telecomunicações", "telecom"),
    ("62", "J", "Atividades dos serviços de tecnologia da informação", "technology"),
    ("63", "J", "Atividades de prestação de serviços de informação", "technology"),
    ("64", "K", "Atividades de serviços financeiros", "financial_services"),
    ("65", "K", "Seguros, resseguros, previdência complementar e planos de saúde", "financial_services"),
    ("66", "K", "Atividades auxiliares dos serviços financeiros, seguros, previdência complementar e planos de "
     "saúde", "financial_services"),
    ("68", "L", "Atividades imobiliárias", "construction"),
    ("69", "M", "Atividades jurídicas, de contabilidade e de auditoria", "professional_services"),
    ("70", "M", "Atividades de sedes de empresas e de consultoria em gestão empresarial", "professional_services"),
    ("71", "M", "Serviços de arquitetura e engenharia; testes e análises técnicas", "construction"),
    ("72", "M", "Pesquisa e desenvolvimento científico", "technology"),
    ("73", "M", "Publicidade e pesquisa de mercado", "marketing"),
    ("74", "M", "Outras atividades profissionais, científicas e técnicas", "marketing"),
    ("75", "M", "Atividades veterinárias", "health"),
    ("77", "N", "Aluguéis não imobiliários e gestão de ativos intangíveis não financeiros", "business_services"),
    ("78", "N", "Seleção, agenciamento e locação de mão de obra", "business_services"),
    ("79", "N", "Agências de viagens, operadores turísticos e serviços de reservas", "hospitality"),
    ("80", "N", "Atividades de vigilância, segurança e investigação", "business_services"),
    ("81", "N", "Serviços para edifícios e atividades paisagísticas", "business_services"),
    ("82", "N", "Serviços de escritório, de apoio administrativo e outros serviços prestados principalmente às "
     "empresas", "business_services"),
    ("84", "O", "Administração pública, defesa e seguridade social", "public_sector"),
    ("85", "P", "Educação", "education"),
    ("86", "Q", "Atividades de atenção à saúde humana", "health"),
    ("87", "Q", "Atividades de atenção à saúde humana integradas com assistência social, prestadas em "
     "residências coletivas e particulares", "health"),
    ("88", "Q", "Serviços de assistência social sem alojamento", "public_sector"),
    ("90", "R", "Atividades artísticas, criativas e de espetáculos", "culture_leisure"),
    ("91", "R", "Atividades ligadas ao patrimônio cultural e ambiental", "culture_leisure"),
    ("92", "R", "Atividades de exploração de jogos de azar e apostas", "culture_leisure"),
    ("93", "R", "Atividades esportivas e de recreação e lazer", "culture_leisure"),
    ("94", "S", "Atividades de organizações associativas", "public_sector"),
    ("95", "S", "Reparação e manutenção de equipamentos de informática e comunicação e de objetos pessoais e "
     "domésticos", "other"),
    ("96", "S", "Outras atividades de serviços pessoais", "other"),
    ("97", "T", "Serviços domésticos", "other"),
    ("99", "U", "Organismos internacionais e outras instituições extraterritoriais", "public_sector"),
)

DIVISIONS: dict[str, Division] = {code: Division(code, section, name, sector) for code, section, name, sector in _RAW}

# '4930202', '4930-2/02', '4930-2', '49.30-2', '49.30-2-02', '493', '49.3', '49'
_CODE_RE = re.compile(r"^\s*(\d{2})(?:\.?(\d)(?:(\d)(?:-?(\d)(?:[/-]?(\d{2}))?)?)?)?\s*$")


def division_for_cnae(code: str) -> str | None:
    """The two-digit division of a CNAE code at any level, or None when it is not a CNAE code."""
    match = _CODE_RE.match(code or "")
    if not match or match.group(1) not in DIVISIONS:
        return None
    return match.group(1)


def division_name(division: str) -> str:
    """Official Portuguese name of a division ('49' → 'Transporte terrestre'); '' when unknown."""
    found = DIVISIONS.get(division)
    return found.name if found else ""


def sector_for_division(division: str) -> str:
    """Coarse sector key (taxonomy.py) of a division or of any CNAE code; 'other' when unknown."""
    code = division_for_cnae(division)
    return DIVISIONS[code].sector if code else "other"
