"""CNAE divisions ↔ the agents' coarse sectors, through the agent server's CNAE table (`agent_server.cnae`)."""

from __future__ import annotations

from mcp_bridge.agent_server.cnae import DIVISIONS, sector_for_division
from mcp_bridge.agent_server.taxonomy import BY_KEY, focus_sectors


def sector_label(division: int | None) -> str:
    """The Portuguese sector label leads carry (`Logística e Transporte`); "" when no taxonomy sector fits."""
    key = sector_for_division(f"{division:02d}") if division is not None else ""
    return BY_KEY[key].label_pt if key in BY_KEY else ""


def divisions_for_focus(terms: list[str]) -> list[int]:
    """CNAE divisions of the sectors a business context's industry focus names (empty: no sector recognised)."""
    keys = {sector.key for sector in focus_sectors(terms)}
    return sorted(int(code) for code, division in DIVISIONS.items() if division.sector in keys)
