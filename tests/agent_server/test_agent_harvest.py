from __future__ import annotations

from typing import Any

from mcp_bridge.agent_server import agents
from mcp_bridge.agent_server.geo import region_of
from mcp_bridge.agent_server.models import HarvestOutput
from mcp_bridge.agent_server.text import fold


def harvest(ctx: dict[str, Any] | None, query: str = "", max_results: int = 10, exclude: list[str] | None = None
            ) -> HarvestOutput:
    return agents.harvest_leads({"business_context": ctx, "user_search_query": query, "max_results": max_results,
                                 "exclude_websites": exclude or []})


def test_ranking_prefers_the_industry_focus(business_context: dict) -> None:
    out = harvest(business_context, max_results=20)
    assert len(out.candidates) == 20
    focus = {"Tecnologia e Software", "Logística e Transporte", "Indústria e Manufatura", "Serviços Financeiros", "Saúde"}
    assert all(c.company_sector in focus for c in out.candidates)
    scores = [c.relevance for c in out.candidates]
    assert scores == sorted(scores, reverse=True)
    assert all(c.match_reasons for c in out.candidates)


def test_query_matches_come_first_accent_and_case_insensitive(business_context: dict) -> None:
    plain = harvest(business_context, "logistica NORDESTE", 5)
    accented = harvest(business_context, "Logística nordeste", 5)
    assert plain == accented
    top = plain.candidates[0]
    assert top.company_sector == "Logística e Transporte" and region_of(top.state) == "Nordeste"
    erp = harvest(business_context, "ERP", 3).candidates
    assert all("erp" in c.description.lower() for c in erp)


def test_geographic_focus_filters(business_context: dict) -> None:
    for focus, check in ((["Sul"], lambda c: region_of(c.state) == "Sul"), (["BA"], lambda c: c.state == "BA"),
                         (["Minas Gerais"], lambda c: c.state == "MG"), (["Recife"], lambda c: c.city == "Recife"),
                         (["Brasil", "Goiás"], lambda c: c.state == "GO")):  # "Brasil" beside a state adds nothing
        out = harvest({**business_context, "geographic_focus": focus}, max_results=50)
        assert out.candidates and all(check(c) for c in out.candidates), focus


def test_exclusions_ties_and_limits(business_context: dict) -> None:
    first = harvest(business_context, max_results=3).candidates
    known = [first[0].website.replace("https://www.", "http://").upper() + "/"]
    again = harvest(business_context, max_results=3, exclude=known).candidates
    assert first[0].website not in {c.website for c in again}
    assert again[0] == first[1]
    assert harvest(business_context, max_results=0).candidates == []
    tied = [c for c in harvest(business_context, max_results=200).candidates if c.relevance == first[1].relevance]
    assert len(tied) > 1
    assert [fold(c.company_name) for c in tied] == sorted(fold(c.company_name) for c in tied)  # ties by name


def test_harvest_without_context_is_deterministic() -> None:
    assert harvest(None, max_results=5) == harvest(None, max_results=5)
    assert len(harvest(None, max_results=500).candidates) >= 220
