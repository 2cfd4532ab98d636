"""Writes of the website enrichment: a lead's site text into its source text, the visit into its enrichment data."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from django.conf import settings

from enrichment.website import fetch_site
from leads.models import Lead

SECTION = "\n\n--- Texto do site "


def enrich_many(leads: list[Lead]) -> None:
    """Read each lead's website (cached per site; the sites visited side by side) and store what was found,
    replacing an earlier visit's text.

    `source_text` keeps what it had before the site section; `enrichment_data["website"]` records the visit
    (status, pages, error) — a site that is down is recorded like that, the lead goes on. Saved with a queryset
    update (no event: intake, which runs next, publishes the lead's changes)."""
    leads = [lead for lead in leads if lead.website] if settings.ENRICHMENT_ENABLED else []
    sites = list(dict.fromkeys(lead.website for lead in leads))
    if len(sites) > 1:
        with ThreadPoolExecutor(max_workers=min(len(sites), 8), thread_name_prefix="site-visit") as pool:
            visits = dict(zip(sites, pool.map(fetch_site, sites), strict=True))
    else:
        visits = {site: fetch_site(site) for site in sites}
    for lead in leads:
        visit = visits[lead.website]
        text = (lead.source_text or "").split(SECTION, 1)[0]
        if visit.text:
            text = f"{text}{SECTION}{lead.website} ---\n{visit.text}".lstrip("\n")
        data = {**(lead.enrichment_data or {}), "website": visit.facts()}
        Lead.objects.filter(pk=lead.pk).update(source_text=text, enrichment_data=data)
        lead.source_text, lead.enrichment_data = text, data
