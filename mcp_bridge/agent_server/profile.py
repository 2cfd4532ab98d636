"""One lead's facts, gathered once and shared by analysis, persona, strategy, message and chat."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import triggers as trg
from .extraction import Extraction, clean_text, domain_of, extract
from .models import BusinessContextData, EnrichmentData, LeadData
from .taxonomy import Sector, detect_sector, sector_for_term
from .text import fold

SIZE_ORDER = ("micro", "small", "medium", "large", "enterprise")
# Upper bounds (exclusive) of each class by headcount, SEBRAE-style for services.
SIZE_LIMITS = ((10, "micro"), (50, "small"), (250, "medium"), (1000, "large"))
SIZE_NAMES_PT = {"micro": "micro", "small": "pequeno", "medium": "médio", "large": "grande", "enterprise": "muito grande"}
TYPICAL_HEADCOUNT = {"micro": 5, "small": 25, "medium": 120, "large": 500, "enterprise": 2000}

_UNITS_RE = re.compile(r"(\d{1,3}(?:\.\d{3})*|\d+) (?:filiais|unidades|clinicas|lojas|centros de distribuicao|fabricas|escritorios|branches|stores|offices)")
_MEMBERS_RE = re.compile(r"(\d{1,3}(?:\.\d{3})+|\d+) (?:cooperados|associados|members)")
_MICRO_CUES = ("de bairro", "consultorio", "dra. ", "dr. ", "autonomo", "microempresa", "mei ")


@dataclass
class LeadProfile:
    lead: LeadData
    text: str
    facts: Extraction
    sector: Sector | None
    sector_evidence: list[str]
    size: str
    size_reason_pt: str
    size_reason_en: str
    triggers: list[tuple[trg.Signal, str]] = field(default_factory=list)
    pains: list[tuple[trg.Signal, str]] = field(default_factory=list)

    def size_text(self, lang_pt: bool) -> str:
        """'grande (900 colaboradores)' / 'large (900 employees)'."""
        if lang_pt:
            return f"{SIZE_NAMES_PT[self.size]} ({self.size_reason_pt})"
        return f"{self.size} ({self.size_reason_en})"

    @property
    def name(self) -> str:
        return self.lead.company_name or domain_of(self.lead.website) or "a empresa"

    @property
    def domain(self) -> str:
        return domain_of(self.lead.website) or (domain_of(self.facts.emails[0]) if self.facts.emails else "")


def classify_size(employees: int) -> str:
    return next((label for limit, label in SIZE_LIMITS if employees < limit), "enterprise")


def estimate_size(employees: int | None, text: str) -> tuple[str, str, str]:
    """Size class and the evidence used (pt, en): headcount first, then units/members, then small-business cues."""
    if employees:
        return classify_size(employees), f"{employees} colaboradores", f"{employees} employees"
    folded = fold(text)
    units = [int(n.replace(".", "")) for n in _UNITS_RE.findall(folded)]
    members = [int(n.replace(".", "")) for n in _MEMBERS_RE.findall(folded)]
    if units and max(units) >= 10:
        return "large", f"{max(units)} unidades", f"{max(units)} sites"
    if members and max(members) >= 1000:
        return "large", f"{max(members)} associados", f"{max(members)} members"
    if units and max(units) >= 3:
        return "medium", f"{max(units)} unidades", f"{max(units)} sites"
    if any(cue in folded for cue in _MICRO_CUES):
        return "micro", "negócio local de unidade única", "single-site local business"
    return "small", "sem dado de porte", "no size evidence"


def lead_text(lead: LeadData) -> str:
    return clean_text("\n".join(p for p in (lead.company_name, lead.description, lead.source_text) if p))


def build_profile(lead: LeadData, enrichment: EnrichmentData | None = None, reference_year: int | None = None) -> LeadProfile:
    """Facts from intake's enrichment when the pipeline already ran it, else extracted now."""
    text = lead_text(lead)
    facts = Extraction(**enrichment.model_dump()) if enrichment else extract(text, reference_year)
    if not facts.emails and lead.contact_email:
        facts.emails = [lead.contact_email.lower()]
    detected, evidence = detect_sector(text)
    sector = detected or (sector_for_term(lead.company_sector) if lead.company_sector else None)
    size, reason_pt, reason_en = estimate_size(facts.employees, text)
    if lead.company_size in SIZE_ORDER and not facts.employees:
        size, reason_pt, reason_en = lead.company_size, "porte informado no lead", "size given on the lead"
    return LeadProfile(
        lead=lead, text=text, facts=facts, sector=sector, sector_evidence=evidence, size=size,
        size_reason_pt=reason_pt, size_reason_en=reason_en,
        triggers=trg.detect(trg.TRIGGERS, text), pains=trg.detect(trg.PAINS, text),
    )


def context_or_default(ctx: BusinessContextData | None) -> BusinessContextData:
    return ctx or BusinessContextData()
