"""Brazilian geography used to read and filter locations: regions, states (UF), major cities, phone area codes."""

from __future__ import annotations

from .text import fold

# UF -> (state name, region)
STATES: dict[str, tuple[str, str]] = {
    "AC": ("Acre", "Norte"), "AP": ("Amapá", "Norte"), "AM": ("Amazonas", "Norte"), "PA": ("Pará", "Norte"),
    "RO": ("Rondônia", "Norte"), "RR": ("Roraima", "Norte"), "TO": ("Tocantins", "Norte"),
    "AL": ("Alagoas", "Nordeste"), "BA": ("Bahia", "Nordeste"), "CE": ("Ceará", "Nordeste"),
    "MA": ("Maranhão", "Nordeste"), "PB": ("Paraíba", "Nordeste"), "PE": ("Pernambuco", "Nordeste"),
    "PI": ("Piauí", "Nordeste"), "RN": ("Rio Grande do Norte", "Nordeste"), "SE": ("Sergipe", "Nordeste"),
    "DF": ("Distrito Federal", "Centro-Oeste"), "GO": ("Goiás", "Centro-Oeste"),
    "MT": ("Mato Grosso", "Centro-Oeste"), "MS": ("Mato Grosso do Sul", "Centro-Oeste"),
    "ES": ("Espírito Santo", "Sudeste"), "MG": ("Minas Gerais", "Sudeste"), "RJ": ("Rio de Janeiro", "Sudeste"),
    "SP": ("São Paulo", "Sudeste"),
    "PR": ("Paraná", "Sul"), "RS": ("Rio Grande do Sul", "Sul"), "SC": ("Santa Catarina", "Sul"),
}

REGIONS = ("Norte", "Nordeste", "Centro-Oeste", "Sudeste", "Sul")

# English and common alternative spellings of regions, folded.
_REGION_ALIASES = {
    "north": "Norte", "northeast": "Nordeste", "centro oeste": "Centro-Oeste", "center-west": "Centro-Oeste",
    "midwest": "Centro-Oeste", "central-west": "Centro-Oeste", "southeast": "Sudeste", "south": "Sul",
}

# City -> UF, for cities named without their state ("Escritórios em São Paulo e Porto Alegre").
CITIES: dict[str, str] = {
    "Rio Branco": "AC", "Macapá": "AP", "Manaus": "AM", "Belém": "PA", "Santarém": "PA", "Marabá": "PA",
    "Porto Velho": "RO", "Ji-Paraná": "RO", "Boa Vista": "RR", "Palmas": "TO", "Araguaína": "TO",
    "Maceió": "AL", "Salvador": "BA", "Feira de Santana": "BA", "Vitória da Conquista": "BA",
    "Fortaleza": "CE", "Juazeiro do Norte": "CE", "São Luís": "MA", "Imperatriz": "MA",
    "João Pessoa": "PB", "Campina Grande": "PB", "Recife": "PE", "Caruaru": "PE", "Petrolina": "PE",
    "Teresina": "PI", "Natal": "RN", "Mossoró": "RN", "Aracaju": "SE",
    "Brasília": "DF", "Goiânia": "GO", "Anápolis": "GO", "Rio Verde": "GO", "Cuiabá": "MT", "Rondonópolis": "MT",
    "Sinop": "MT", "Campo Grande": "MS", "Dourados": "MS",
    "Vitória": "ES", "Vila Velha": "ES", "Serra": "ES", "Belo Horizonte": "MG", "Uberlândia": "MG",
    "Contagem": "MG", "Juiz de Fora": "MG", "Rio de Janeiro": "RJ", "Niterói": "RJ", "Duque de Caxias": "RJ",
    "São Paulo": "SP", "Campinas": "SP", "Guarulhos": "SP", "Santos": "SP", "Sorocaba": "SP",
    "Ribeirão Preto": "SP", "São José dos Campos": "SP", "Barueri": "SP",
    "Curitiba": "PR", "Londrina": "PR", "Maringá": "PR", "Cascavel": "PR", "Porto Alegre": "RS",
    "Caxias do Sul": "RS", "Pelotas": "RS", "Florianópolis": "SC", "Joinville": "SC", "Blumenau": "SC",
    "Chapecó": "SC",
}

# Phone area code (DDD) -> UF; first digit groups follow Anatel's numbering plan.
_DDD_RANGES: dict[str, tuple[int, ...]] = {
    "SP": (11, 12, 13, 14, 15, 16, 17, 18, 19), "RJ": (21, 22, 24), "ES": (27, 28),
    "MG": (31, 32, 33, 34, 35, 37, 38), "PR": (41, 42, 43, 44, 45, 46), "SC": (47, 48, 49),
    "RS": (51, 53, 54, 55), "DF": (61,), "GO": (62, 64), "TO": (63,), "MT": (65, 66), "MS": (67,),
    "AC": (68,), "RO": (69,), "BA": (71, 73, 74, 75, 77), "SE": (79,), "PE": (81, 87), "AL": (82,),
    "PB": (83,), "RN": (84,), "CE": (85, 88), "PI": (86, 89), "PA": (91, 93, 94), "AM": (92, 97),
    "RR": (95,), "AP": (96,), "MA": (98, 99),
}
DDD_TO_UF: dict[int, str] = {ddd: uf for uf, codes in _DDD_RANGES.items() for ddd in codes}
UF_TO_DDD: dict[str, int] = {uf: codes[0] for uf, codes in _DDD_RANGES.items()}

# CEP (postal code) ranges by their first five digits, Correios' allocation per state.
_CEP_RANGES: tuple[tuple[int, int, str], ...] = (
    (1000, 19999, "SP"), (20000, 28999, "RJ"), (29000, 29999, "ES"), (30000, 39999, "MG"), (40000, 48999, "BA"),
    (49000, 49999, "SE"), (50000, 56999, "PE"), (57000, 57999, "AL"), (58000, 58999, "PB"), (59000, 59999, "RN"),
    (60000, 63999, "CE"), (64000, 64999, "PI"), (65000, 65999, "MA"), (66000, 68899, "PA"), (68900, 68999, "AP"),
    (69000, 69299, "AM"), (69300, 69399, "RR"), (69400, 69899, "AM"), (69900, 69999, "AC"), (70000, 72799, "DF"),
    (72800, 72999, "GO"), (73000, 73699, "DF"), (73700, 76799, "GO"), (76800, 76999, "RO"), (77000, 77999, "TO"),
    (78000, 78899, "MT"), (79000, 79999, "MS"), (80000, 87999, "PR"), (88000, 89999, "SC"), (90000, 99999, "RS"),
)

UF_TO_CEP: dict[str, tuple[int, int]] = {}  # each state's first range
for _low, _high, _uf in _CEP_RANGES:
    UF_TO_CEP.setdefault(_uf, (_low, _high))

_FOLDED_STATE_NAMES = {fold(name): uf for uf, (name, _) in STATES.items()}
_FOLDED_CITIES = {fold(city): uf for city, uf in CITIES.items()}
_FOLDED_REGIONS = {fold(r): r for r in REGIONS} | _REGION_ALIASES


def region_of(uf: str) -> str:
    return STATES.get(uf.upper(), ("", ""))[1]


def state_name(uf: str) -> str:
    return STATES.get(uf.upper(), ("", ""))[0]


def uf_for_state_name(name: str) -> str:
    return _FOLDED_STATE_NAMES.get(fold(name).strip(), "")


def uf_for_cep(prefix: str) -> str:
    """UF of a CEP from its first five digits ('95010' → 'RS'); '' when out of range."""
    digits = int("".join(ch for ch in prefix if ch.isdigit())[:5] or 0)
    return next((uf for low, high, uf in _CEP_RANGES if low <= digits <= high), "")


def uf_for_city(city: str) -> str:
    return _FOLDED_CITIES.get(fold(city).strip(), "")


def is_place(term: str) -> bool:
    """Whether a term names a Brazilian region, state (name or upper-case UF) or known city."""
    folded = fold(term).strip()
    return term.strip() in STATES or folded in _FOLDED_REGIONS or folded in _FOLDED_STATE_NAMES or folded in _FOLDED_CITIES


def matches_geography(term: str, city: str, uf: str) -> bool:
    """Whether a geographic-focus term ('Brasil', 'SP', 'Nordeste', 'Minas Gerais', 'Recife') covers a place."""
    folded = fold(term).strip()
    if not folded:
        return False
    if folded in ("brasil", "brazil", "br", "nacional", "todo o brasil"):
        return bool(uf)
    uf = uf.upper()
    if folded.upper() == uf:
        return True
    if folded in _FOLDED_REGIONS:
        return _FOLDED_REGIONS[folded] == region_of(uf)
    if folded in _FOLDED_STATE_NAMES:
        return _FOLDED_STATE_NAMES[folded] == uf
    return bool(city) and fold(city) == folded
