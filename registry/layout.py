"""The published layout of the Receita Federal's open CNPJ data (dados abertos do CNPJ, "Metadados" dictionary).

Files are `;`-separated, every field double-quoted, Latin-1 (ISO-8859-1), no header line; dates are `YYYYMMDD` or
`0`/blank; capital has a decimal comma. One zip per part (`Empresas0.zip` … `Empresas9.zip`, `Estabelecimentos0-9`,
`Socios0-9`) and one per reference table (`Cnaes.zip`, `Municipios.zip`, ...), each holding one CSV whose name
carries the kind: `K3241.K03200Y0.D51213.EMPRECSV`, `...ESTABELE`, `...SOCIOCSV`, `F.K03200$W.SIMPLES.CSV.D51213`,
`F.K03200$Z.D51213.CNAECSV`, `MUNICCSV`, `NATJUCSV`, `MOTICSV`, `PAISCSV`, `QUALSCSV`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ENCODING = "latin-1"
DELIMITER = ";"


@dataclass(frozen=True)
class FileKind:
    key: str  # companies, establishments, ...
    marker: str  # how the CSV's name shows its kind
    zip_stem: str  # Empresas, Estabelecimentos, ... (parts numbered 0-9 when `parts`)
    columns: tuple[str, ...]
    parts: bool = False
    reference: bool = False


REFERENCE_COLUMNS = ("codigo", "descricao")

COMPANIES = FileKind(
    "companies", "EMPRECSV", "Empresas",
    ("cnpj_basico", "razao_social", "natureza_juridica", "qualificacao_responsavel", "capital_social", "porte",
     "ente_federativo"),
    parts=True,
)
ESTABLISHMENTS = FileKind(
    "establishments", "ESTABELE", "Estabelecimentos",
    ("cnpj_basico", "cnpj_ordem", "cnpj_dv", "matriz_filial", "nome_fantasia", "situacao", "situacao_data",
     "motivo", "cidade_exterior", "pais", "inicio_atividade", "cnae_principal", "cnaes_secundarios",
     "tipo_logradouro", "logradouro", "numero", "complemento", "bairro", "cep", "uf", "municipio", "ddd1",
     "telefone1", "ddd2", "telefone2", "ddd_fax", "fax", "email", "situacao_especial", "situacao_especial_data"),
    parts=True,
)
SIMPLES = FileKind(
    "simples", "SIMPLES", "Simples",
    ("cnpj_basico", "opcao_simples", "simples_desde", "simples_ate", "opcao_mei", "mei_desde", "mei_ate"),
)
PARTNERS = FileKind(
    "partners", "SOCIOCSV", "Socios",
    ("cnpj_basico", "tipo", "nome", "documento", "qualificacao", "data_entrada", "pais", "representante_documento",
     "representante_nome", "representante_qualificacao", "faixa_etaria"),
    parts=True,
)
CNAES = FileKind("cnaes", "CNAECSV", "Cnaes", REFERENCE_COLUMNS, reference=True)
MUNICIPIOS = FileKind("municipios", "MUNICCSV", "Municipios", REFERENCE_COLUMNS, reference=True)
NATUREZAS = FileKind("naturezas", "NATJUCSV", "Naturezas", REFERENCE_COLUMNS, reference=True)
MOTIVOS = FileKind("motivos", "MOTICSV", "Motivos", REFERENCE_COLUMNS, reference=True)
PAISES = FileKind("paises", "PAISCSV", "Paises", REFERENCE_COLUMNS, reference=True)
QUALIFICACOES = FileKind("qualificacoes", "QUALSCSV", "Qualificacoes", REFERENCE_COLUMNS, reference=True)

REFERENCE_KINDS = (CNAES, MUNICIPIOS, NATUREZAS, MOTIVOS, PAISES, QUALIFICACOES)
# Load order: reference tables first, companies before the establishments that join them.
KINDS = (*REFERENCE_KINDS, COMPANIES, ESTABLISHMENTS, SIMPLES, PARTNERS)
BY_KEY = {kind.key: kind for kind in KINDS}

MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_DATE_CODE = re.compile(r"\.D(\d)(\d{2})(\d{2})(?:\.|$)")


def kind_of(name: str) -> FileKind | None:
    """The kind of a published file from its (zip or CSV) name; None for anything else."""
    upper = name.upper().rsplit("/", 1)[-1]
    for kind in KINDS:
        if kind.marker in upper:
            return kind
    stem = re.sub(r"\d*\.ZIP$", "", upper)
    return next((kind for kind in KINDS if kind.zip_stem.upper() == stem), None)


def csv_name(kind: FileKind, month: str, part: int = 0) -> str:
    """The CSV's name inside its zip, as published, for `month` ("YYYY-MM"): the `D` code is the year's last
    digit, then month and day of the extraction (written here as day 13)."""
    date_code = f"D{month[3]}{month[5:7]}13"
    if kind is SIMPLES:
        return f"F.K03200$W.SIMPLES.CSV.{date_code}"
    if kind.reference:
        return f"F.K03200$Z.{date_code}.{kind.marker}"
    return f"K3241.K03200Y{part}.{date_code}.{kind.marker}"


def zip_name(kind: FileKind, part: int = 0) -> str:
    return f"{kind.zip_stem}{part}.zip" if kind.parts else f"{kind.zip_stem}.zip"


def month_from_name(name: str) -> str | None:
    """`...D51213...` → "2025-12" (the decade is the current one's, as the code only keeps the year's last digit)."""
    match = _DATE_CODE.search(name.upper())
    if not match:
        return None
    year_digit, month, _day = match.groups()
    return f"202{year_digit}-{month}"
