"""Writes of the website enrichment: a lead's site text into its source text, the visit into its enrichment data."""

from __future__ import annotations

from django.conf import settings

from enrichment.website import fetch_site
from leads.models import Lead

SECTION = "\n\n--- Texto do site "


def enrich_from_website(lead: Lead) -> None:
    """Read `lead`'s website (cached per site) and store what was found, replacing an earlier visit's text.

    `source_text` keeps what it had before the site section; `enrichment_data["website"]` records the visit
    (status, pages, error) — a site that is down is recorded like that, the lead goes on. Saved with a queryset
    update (no event: intake, which runs next, publishes the lead's changes)."""
    if not lead.website or not settings.ENRICHMENT_ENABLED:
        return
    visit = fetch_site(lead.website)
    text = (lead.source_text or "").split(SECTION, 1)[0]
    if visit.text:
        text = f"{text}{SECTION}{lead.website} ---\n{visit.text}".lstrip("\n")
    data = {**(lead.enrichment_data or {}), "website": visit.facts()}
    Lead.objects.filter(pk=lead.pk).update(source_text=text, enrichment_data=data)
    lead.source_text, lead.enrichment_data = text, data
