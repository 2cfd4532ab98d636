"""CNAE 2.3 codes as the registry stores them (7-digit subclasses) and as people filter by them.

A filter value names one level of the hierarchy: section letter `H`, division `49`, group `493`, class `4930-2` or
`49302`, subclass `4930-2/02` or `4930202`. Every level is a prefix of the subclass code, except the section,
which is a range of divisions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mcp_bridge.agent_server import cnae

# Section letter -> its divisions, from the agent server's table of the 87 CNAE 2.x divisions.
SECTIONS: dict[str, tuple[int, ...]] = {
    letter: tuple(int(code) for code, division in cnae.DIVISIONS.items() if division.section == letter)
    for letter in cnae.SECTIONS
}
DIVISIONS: frozenset[int] = frozenset(int(code) for code in cnae.DIVISIONS)
_NON_DIGITS = re.compile(r"[\s./-]")


@dataclass(frozen=True)
class CnaeFilter:
    """One parsed filter value: the divisions it spans and, below division level, the subclass prefix."""

    divisions: tuple[int, ...]
    prefix: str = ""  # "" for a section or a division


def parse_cnae_filter(value: str) -> CnaeFilter:
    """`H`, `49`, `493`, `4930-2`, `49302`, `4930202` → CnaeFilter; ValueError for anything else."""
    text = (value or "").strip().upper()
    if text in SECTIONS:
        return CnaeFilter(SECTIONS[text])
    digits = _NON_DIGITS.sub("", text)
    if not digits.isdigit() or len(digits) not in (2, 3, 5, 7):
        raise ValueError(f"'{value}' is not a CNAE section, division, group, class or subclass.")
    division = int(digits[:2])
    if division not in DIVISIONS:
        raise ValueError(f"'{value}': there is no CNAE division {digits[:2]}.")
    return CnaeFilter((division,), "" if len(digits) == 2 else digits)


def division_of(code: str) -> int | None:
    """The division (first two digits) of a subclass code, or None for a blank or malformed one."""
    digits = (code or "").strip()[:2]
    return int(digits) if len(digits) == 2 and digits.isdigit() else None


def format_subclass(code: str) -> str:
    """`4930202` → `4930-2/02`."""
    return f"{code[:4]}-{code[4]}/{code[5:]}" if len(code) == 7 else code
