from __future__ import annotations

import json

from mcp_bridge.agent_server import geo
from mcp_bridge.agent_server.corpus_build import CORPUS_PATH, build
from mcp_bridge.agent_server.extraction import extract, is_valid_cnpj, website_key
from mcp_bridge.agent_server.harvest import load_corpus


def test_committed_corpus_is_what_the_script_generates() -> None:
    assert json.loads(CORPUS_PATH.read_text(encoding="utf-8")) == build()


def test_corpus_invariants() -> None:
    corpus = load_corpus()
    assert len(corpus) >= 220
    assert all(is_valid_cnpj(c["cnpj"]) for c in corpus)
    assert len({c["company_sector"] for c in corpus}) >= 10
    assert {geo.region_of(c["state"]) for c in corpus} == set(geo.REGIONS)
    assert len({website_key(c["website"]) for c in corpus}) == len(corpus)
    assert sum(c["website"].endswith(".com.br") for c in corpus) > len(corpus) / 2
    assert len({c["company_size"] for c in corpus}) == 5
    for c in corpus:
        assert c["contact_email"].endswith("@" + website_key(c["website"]))


def test_descriptions_are_mineable_by_intake() -> None:
    for c in load_corpus()[:40]:
        facts = extract(c["description"], reference_year=2025)
        assert facts.emails == [c["contact_email"]]
        assert facts.state == c["state"] and facts.employees == c["employees"]
        assert facts.founded_year is not None and facts.phones
