"""IBGE's municipality codes (7 digits) against the Receita's own (TOM/SIAFI, 4 digits: what the CNPJ files and
the registry's `Municipio.code` use), from the shipped `data/municipios_ibge.csv` (source and license in
`data/README.md`). The import and migration 0003 copy the IBGE code onto `Municipio.ibge_code`; the search checks
a 7-digit `municipio` against this list (an official code, whether or not the registry holds its town).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from mcp_bridge.agent_server.text import fold

DATA_FILE = Path(__file__).parent / "data" / "municipios_ibge.csv"
IBGE_LENGTH = 7
RECEITA_LENGTH = 4  # TOM


@dataclass(frozen=True)
class IbgeMunicipio:
    ibge: str
    tom: str  # "" where the source's code is unreliable (see data/README.md)
    name: str
    uf: str


@cache
def municipios() -> tuple[IbgeMunicipio, ...]:
    """Every municipality of the shipped file, in IBGE code order."""
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple(IbgeMunicipio(row["ibge"], row["tom"], row["nome"], row["uf"]) for row in csv.DictReader(handle))


@cache
def ibge_by_tom() -> dict[str, str]:
    """Receita (TOM) code → IBGE code."""
    return {m.tom: m.ibge for m in municipios() if m.tom}


@cache
def _ibge_codes() -> frozenset[str]:
    return frozenset(m.ibge for m in municipios())


@cache
def _by_name_and_uf() -> dict[tuple[str, str], IbgeMunicipio]:
    return {(fold(m.name), m.uf): m for m in municipios()}


def is_ibge_code(value: str) -> bool:
    """Whether `value` is a municipality's IBGE code. Checked against the list, not the check digit: nine
    official codes do not follow IBGE's check-digit rule."""
    return value in _ibge_codes()


def find(name: str, uf: str) -> IbgeMunicipio | None:
    """The municipality called `name` (accents and case ignored) in `uf`."""
    return _by_name_and_uf().get((fold(name).strip(), uf.upper()))
