"""Offline intake: normalise the lead's own fields and mine its text for contacts and company facts."""

from __future__ import annotations

from .extraction import clean_text, extract, find_emails, find_phones, normalise_website
from .models import EnrichmentData, IntakeOutput, LeadUpdates, StageInput
from .profile import lead_text


def _first_sentence_summary(text: str, limit: int = 280) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def run_intake(data: StageInput, reference_year: int | None = None) -> IntakeOutput:
    lead = data.lead
    facts = extract(lead_text(lead), reference_year, lead.company_name)
    own_email = find_emails(lead.contact_email)
    own_phone = find_phones(lead.contact_phone)
    updates = LeadUpdates(
        company_name=" ".join(lead.company_name.split()),
        website=normalise_website(lead.website),
        contact_email=(own_email or facts.emails or [""])[0],
        contact_phone=(own_phone or facts.phones or [""])[0],
        market_region=facts.market_region or lead.market_region.strip(),
        description=_first_sentence_summary(clean_text(lead.description) or clean_text(lead.source_text)),
    )
    enrichment = EnrichmentData(
        emails=facts.emails, phones=facts.phones, cnpj=facts.cnpj, city=facts.city, state=facts.state,
        employees=facts.employees, founded_year=facts.founded_year,
        language="en" if facts.language == "en" else "pt", social_profiles=facts.social_profiles,
    )
    return IntakeOutput(lead_updates=updates, enrichment_data=enrichment)
