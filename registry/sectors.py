"""CNAE divisions ↔ the agents' coarse sectors (`mcp_bridge.agent_server.taxonomy` keys).

Interim copy of the interface the agent server's `cnae` module provides (`sector_for_division`); the registry
switches to it once that module is on main.
"""

from __future__ import annotations

from mcp_bridge.agent_server.taxonomy import BY_KEY, focus_sectors

_RANGES: tuple[tuple[range, str], ...] = (
    (range(1, 4), "agribusiness"), (range(5, 10), "energy"), (range(10, 34), "industry"), (range(35, 36), "energy"),
    (range(36, 40), "industry"), (range(41, 44), "construction"), (range(45, 48), "retail"),
    (range(49, 54), "logistics"), (range(55, 57), "food_service"), (range(58, 61), "marketing"),
    (range(61, 62), "telecom"), (range(62, 64), "technology"), (range(64, 67), "financial_services"),
    (range(68, 69), "construction"), (range(69, 73), "professional_services"), (range(73, 74), "marketing"),
    (range(74, 83), "professional_services"), (range(85, 86), "education"), (range(86, 89), "health"),
)
DIVISION_SECTORS: dict[int, str] = {division: key for span, key in _RANGES for division in span}


def sector_for_division(division: int | None) -> str:
    """The sector key of a CNAE division ("" when no sector fits, e.g. public administration)."""
    return DIVISION_SECTORS.get(division or 0, "")


def sector_label(division: int | None) -> str:
    """The Portuguese sector label leads carry (`Logística e Transporte`), "" when none fits."""
    key = sector_for_division(division)
    return BY_KEY[key].label_pt if key in BY_KEY else ""


def divisions_for_focus(terms: list[str]) -> list[int]:
    """CNAE divisions of the sectors a business context's industry focus names (empty: no sector recognised)."""
    keys = {sector.key for sector in focus_sectors(terms)}
    return sorted(division for division, key in DIVISION_SECTORS.items() if key in keys)
