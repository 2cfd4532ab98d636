"""Offline prospecting over the bundled corpus (data/corpus.json, built by corpus_build.py).

Ranking, deterministic and accent/case-insensitive:
1. geographic filter: a company must match one geographic-focus term ('Brasil' matches all; else UF, state
   name, city or region); exclude_websites are skipped (compared by host without 'www.', scheme ignored);
2. companies matching more words of the search query come first (a word matches when it is in the name,
   description, sector or city, names the company's sector (pt/en synonyms), or names its place);
3. then by relevance = 0.45 sector in industry focus + 0.25 overlap of pain points/target market/query words with
   the description + 0.15 size inside the target range + 0.15 growth trigger in the description;
4. ties by company name.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from . import geo
from .corpus_build import CORPUS_PATH
from .extraction import website_key
from .models import BusinessContextData, Candidate, HarvestInput, HarvestOutput
from .profile import MEASURE_BY_KEY
from .seller import read_seller
from .taxonomy import BY_KEY, focus_sectors, sector_for_term
from .text import STOPWORDS, fold, tokens
from .triggers import TRIGGERS, detect


@cache
def load_corpus() -> tuple[dict[str, Any], ...]:
    return tuple(json.loads(CORPUS_PATH.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class _Ranked:
    query_hits: int
    relevance: float
    company: dict[str, Any]
    reasons: list[str]

    def sort_key(self) -> tuple[int, float, str]:
        return (-self.query_hits, -self.relevance, fold(self.company["company_name"]))


HEADCOUNT_UNITS = MEASURE_BY_KEY["employees"].target_units


def _query_hits(query: str, company: dict[str, Any]) -> list[str]:
    """Phrases of the operator's query that this company matches.

    Longest phrases first: a phrase naming a sector or a place ('rio grande do sul', 'serviços financeiros')
    is consumed whole and matches only that sector or place; other words match the company's own text.
    """
    words = re.findall(r"[a-z0-9]+", fold(query))
    upper_ufs = {w.lower() for w in re.findall(r"\b[A-Z]{2}\b", query) if w in geo.STATES}
    haystack = tokens(f"{company['company_name']} {company['description']} {company['company_sector']} "
                      f"{company['city']}", min_len=2)
    hits: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(4, len(words) - i), 0, -1):
            phrase = " ".join(words[i: i + n])
            sector = sector_for_term(phrase, exact=True)
            place = geo.is_place(phrase) and (len(phrase) > 2 or phrase in upper_ufs) and phrase not in ("brasil", "brazil")
            if sector or place:
                if (sector and sector.key == company["sector_key"]) or (
                        place and geo.matches_geography(phrase.upper() if n == 1 and len(phrase) == 2 else phrase,
                                                        company["city"], company["state"])):
                    hits.append(phrase)
                i += n
                break
        else:
            if words[i] in haystack and words[i] not in STOPWORDS:
                hits.append(words[i])
            i += 1
    return hits


def _rank(company: dict[str, Any], ctx: BusinessContextData, query: str) -> _Ranked:
    reasons: list[str] = []
    focus = focus_sectors(ctx.industry_focus)
    sector = BY_KEY[company["sector_key"]]
    relevance = 0.0
    if sector in focus:
        relevance += 0.45
        reasons.append(f"setor {sector.label_pt} no foco")
    wanted = tokens(" ".join([*ctx.pain_points, ctx.target_market, ctx.ideal_customer, query]))
    shared = sorted(wanted & tokens(company["description"]))
    if shared:
        relevance += min(0.25, 0.05 * len(shared))
        reasons.append(f"termos em comum: {', '.join(shared[:5])}")
    target = read_seller(ctx).target
    if target and target[2].startswith(HEADCOUNT_UNITS) and target[0] <= company["employees"] <= target[1]:
        relevance += 0.15
        reasons.append(f"{company['employees']} colaboradores, dentro do público-alvo")
    signals = [s for s, _ in detect(TRIGGERS, company["description"]) if s.growth]
    if signals:
        relevance += 0.15
        reasons.append(f"sinal: {signals[0].label_pt.lower()}")
    hits = _query_hits(query, company)
    if hits:
        reasons.insert(0, f"busca: {', '.join(hits)}")
    reasons.append(f"localização: {company['city']}/{company['state']} ({geo.region_of(company['state'])})")
    return _Ranked(len(hits), round(min(1.0, relevance), 4), company, reasons)


def harvest(data: HarvestInput) -> HarvestOutput:
    ctx = data.business_context or BusinessContextData()
    excluded = {website_key(w) for w in data.exclude_websites if w.strip()}
    query = data.user_search_query.strip()
    ranked = sorted(
        (_rank(c, ctx, query) for c in load_corpus()
         if website_key(c["website"]) not in excluded
         and geo.in_focus(ctx.geographic_focus, c["city"], c["state"])),
        key=_Ranked.sort_key,
    )
    fields = ("company_name", "website", "company_sector", "city", "state", "description", "contact_email", "cnpj")
    return HarvestOutput(candidates=[
        Candidate(**{f: r.company[f] for f in fields}, relevance=r.relevance, match_reasons=r.reasons)
        for r in ranked[: data.max_results]
    ])
