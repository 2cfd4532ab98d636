"""Prospecting from the registry: a job's business context and query → registry search filters → leads.

`filters_for(context, query)` maps:
- industry focus → CNAE divisions of the sectors it names (`registry.sectors`); a term naming no sector is read
  like the query's words below ("Transportadoras" → 49). A focus naming nothing the registry knows gives None:
  no search (an unfiltered one would harvest any company);
- geographic focus → UFs (states, regions) and municípios (known cities, or any town named with its UF:
  "Campinas - SP", "Campinas/SP", "Campinas (SP)", by its IBGE code); "Brasil" means anywhere;
- the target market's headcount range ("50-1000 funcionários") → porte (ME up to 9, EPP 10-49, demais 50+);
- the job's query narrows: places it names replace the geographic focus; activities it names replace the
  industry focus — the agent server's words for a CNAE division (also in the plural: "transportadoras" → 49),
  sector names ("software"), or CNAE subclasses whose description shares a word stem ("cabeleireiros").
Always active head offices with an e-mail or phone (someone to contact).

`harvest_for_job(job, limit)` creates up to `limit` leads of the job's owner from the first matching
establishments they do not have yet (`registry.services.companies_to_leads`, queued for the pipeline) and
returns `(found, created, duplicates)` (zeros without a search); None when the registry holds no data (the caller
falls back to the bundled corpus).
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import F, Q

from business_context.selectors import context_as_agent_data, context_for
from leads.models import Lead, ProspectJob
from mcp_bridge.agent_server import geo
from mcp_bridge.agent_server.models import BusinessContextData
from mcp_bridge.agent_server.sector import KEYWORDS
from mcp_bridge.agent_server.seller import read_seller
from mcp_bridge.agent_server.taxonomy import sector_for_term
from mcp_bridge.agent_server.text import STOPWORDS, fold
from registry import ibge, selectors
from registry.cnae import CnaeFilter
from registry.models import Cnae, Company
from registry.sectors import divisions_for_focus
from registry.services import companies_to_leads

NATIONWIDE = {"brasil", "brazil", "br", "nacional", "todo o brasil"}
PORTE_BANDS = ((Company.Porte.ME, 1, 9), (Company.Porte.EPP, 10, 49), (Company.Porte.DEMAIS, 50, 10**9))
MIN_STEM = 6
TOWN_WITH_UF = re.compile(r"(?P<name>.+?)\s*(?:-|/|,|\()\s*(?P<uf>[A-Za-z]{2})\)?")


# The agent server's words for each CNAE division ('transportadora' → 49, 'laticinios' → 10).
_KEYWORD_DIVISIONS: dict[str, list[int]] = {}
for _division, _words in KEYWORDS.items():
    for _word in _words:
        _KEYWORD_DIVISIONS.setdefault(_word, []).append(int(_division))
PEOPLE_UNITS = ("funcionario", "colaborador", "empregado", "pessoa", "employee", "people", "staff")


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 4 and word.endswith("s") else word


def _town_with_uf(term: str) -> str:
    """The IBGE code of a town named with its UF ("Campinas - SP"); "" for anything else."""
    match = TOWN_WITH_UF.fullmatch(term.strip())
    found = ibge.find(match["name"], match["uf"]) if match else None
    return found.ibge if found else ""


def _places(terms: list[str]) -> tuple[list[str], list[str]]:
    """(UFs, municípios: names or IBGE codes) for geographic terms; nationwide terms add nothing."""
    ufs: list[str] = []
    towns: list[str] = []
    for term in terms:
        folded = fold(term).strip()
        if not folded or folded in NATIONWIDE:
            continue
        if term.strip().upper() in geo.STATES and len(term.strip()) == 2:
            ufs.append(term.strip().upper())
        elif folded in {fold(r) for r in geo.REGIONS} or folded in {"north", "northeast", "southeast", "south"}:
            ufs += [uf for uf in geo.STATES if geo.matches_geography(term, "", uf)]
        elif geo.uf_for_state_name(term):
            ufs.append(geo.uf_for_state_name(term))
        elif geo.uf_for_city(term):
            towns.append(term.strip())
        elif town := _town_with_uf(term):
            towns.append(town)
    return list(dict.fromkeys(ufs)), list(dict.fromkeys(towns))


def _scan_query(query: str) -> tuple[list[str], list[int], list[str]]:
    """(places, sector divisions, leftover words) named by a job's query, longest phrases first."""
    words = re.findall(r"[a-z0-9]+", fold(query))
    upper_ufs = {w.lower() for w in re.findall(r"\b[A-Z]{2}\b", query) if w in geo.STATES}
    places: list[str] = []
    divisions: list[int] = []
    leftover: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(4, len(words) - i), 0, -1):
            phrase = " ".join(words[i: i + n])
            if (phrase in upper_ufs or (geo.is_place(phrase) and len(phrase) > 2)) and phrase not in NATIONWIDE:
                places.append(phrase.upper() if len(phrase) == 2 else phrase)
                i += n
                break
            named = _KEYWORD_DIVISIONS.get(phrase) or _KEYWORD_DIVISIONS.get(_singular(phrase))
            sector = None if named else sector_for_term(phrase, exact=True) or sector_for_term(_singular(phrase), exact=True)
            if named:
                divisions += named
            elif sector is not None:
                divisions += divisions_for_focus([sector.label_pt])
            else:
                continue
            i += n
            break
        else:
            if words[i] not in STOPWORDS and len(words[i]) >= MIN_STEM and words[i] != "brasil":
                leftover.append(words[i])
            i += 1
    return places, divisions, leftover


def _activities(words: list[str]) -> list[CnaeFilter]:
    """CNAE subclasses whose description has a word starting like one of `words` (`restaurantes` →
    `Restaurantes e similares`)."""
    stems = {_singular(word)[:MIN_STEM] for word in words}
    found = []
    for code, description in Cnae.objects.values_list("code", "description"):
        described = set(re.findall(r"[a-z]+", fold(description)))
        if any(w.startswith(stem) for stem in stems for w in described) and len(code) == 7:
            found.append(CnaeFilter((int(code[:2]),), code))
    return found


def _porte(context: BusinessContextData) -> list[str]:
    """Porte for a headcount range in the target market; none for a range of something else (stores, revenue)."""
    target = read_seller(context).target
    if target is None or not target[2].startswith(PEOPLE_UNITS):
        return []
    low, high, _unit = target
    return [porte for porte, band_low, band_high in PORTE_BANDS if band_low <= high and low <= band_high]


def _named_activities(text: str) -> tuple[list[int], list[CnaeFilter]]:
    """(CNAE divisions, subclasses) the words of `text` name, as in a job's query; places are ignored."""
    _places_named, divisions, leftover = _scan_query(text)
    return divisions, _activities(leftover) if leftover else []


def _focus_activities(terms: list[str]) -> tuple[list[int], list[CnaeFilter]]:
    """(CNAE divisions, subclasses) of an industry focus: each term's sector (`Logística`), else its words as in a
    query (`Transportadoras` → 49, `Cabeleireiros` → 9602-5/01)."""
    divisions: list[int] = []
    activities: list[CnaeFilter] = []
    for term in terms:
        sector_divisions = divisions_for_focus([term])
        term_divisions, term_activities = ([], []) if sector_divisions else _named_activities(term)
        divisions += sector_divisions or term_divisions
        activities += term_activities
    return divisions, activities


def filters_for(context: dict[str, Any] | None, query: str) -> selectors.SearchFilters | None:
    """The registry search a prospecting job runs (see the module docstring); None when the industry focus names
    no activity the registry knows (searching without one would harvest any company: churches for a seller of
    rockets)."""
    ctx = BusinessContextData.model_validate(context or {})
    places, divisions, leftover = _scan_query(query or "")
    ufs, towns = _places(places or list(ctx.geographic_focus or []))
    activities = _activities(leftover) if leftover else []
    focus = [term for term in ctx.industry_focus or [] if term.strip()]
    if not divisions and not activities and focus:
        divisions, activities = _focus_activities(focus)
        if not divisions and not activities:
            return None
    cnae = [CnaeFilter((division,)) for division in dict.fromkeys(divisions)] + activities
    return selectors.SearchFilters(
        cnae=cnae, uf=ufs, municipio=towns, porte=_porte(ctx), matriz=True,
    )


def harvest_for_job(job: ProspectJob, limit: int) -> tuple[int, int, int] | None:
    """Create up to `limit` registry leads for `job` (see the module docstring); None without registry data."""
    if limit <= 0 or not selectors.holds_data():
        return None
    filters = filters_for(context_as_agent_data(context_for(job.owner)), job.search_query)
    if filters is None:
        return 0, 0, 0
    known = Lead.objects.filter(owner=job.owner).exclude(cnpj="").values("cnpj")
    reachable = Q(has_email=True) | Q(has_phone=True)
    queryset = selectors.search(filters).filter(reachable).exclude(cnpj__in=known)
    rows = selectors.lead_rows(queryset=queryset, limit=limit)
    result = companies_to_leads(owner=job.owner, rows=rows, process=True, job=job)
    if result.created:  # the job's count is what its owner's quota spends
        ProspectJob.objects.filter(pk=job.pk).update(leads_created=F("leads_created") + len(result.created))
        job.leads_created += len(result.created)
    return len(rows), len(result.created), len(result.duplicates)

