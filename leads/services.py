"""Writes of leads: create, update, delete. Each normalises, enforces per-owner dedupe and publishes its event."""

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from leads.events import job_id_for_events, publish_lead_created, publish_lead_deleted, publish_lead_updated
from leads.fields import TEXT_INPUT_FIELDS
from leads.hooks import leads_changed
from leads.models import Lead
from leads.selectors import find_duplicate_id
from leads.websites import normalize_website

# Fields a service caller may never set through `data`.
PROTECTED_FIELDS = frozenset({"id", "owner", "created_at", "updated_at"})
# Model fields that may be set through `data` (foreign keys by object or by `<name>_id`).
SETTABLE_FIELDS = frozenset(
    {field.name for field in Lead._meta.concrete_fields} | {"prospect_job_id"}
) - PROTECTED_FIELDS


class DuplicateLead(Exception):  # noqa: N818 (name fixed by the team contract)
    """The owner already has a lead with this website; `existing_id` is that lead's id."""

    def __init__(self, existing_id: uuid.UUID, website: str = ""):
        self.existing_id = existing_id
        self.website = website
        super().__init__(f"A lead with the website {website or '(this website)'} already exists.")


class AlreadyProcessing(Exception):  # noqa: N818 (a fixed cross-team name)
    """The lead is already queued or processing."""

    code = "already_processing"

    def __init__(self, lead: Lead):
        self.lead = lead
        super().__init__(f"Lead {lead.pk} is already {lead.status}.")


def normalized_website(raw: Any) -> str:
    """`normalize_website` raising a field ValidationError instead of ValueError."""
    try:
        return normalize_website(raw if raw is None else str(raw))
    except ValueError as exc:
        raise ValidationError({"website": [str(exc)]}) from None


def _clean_data(data: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - SETTABLE_FIELDS)
    if unknown:
        raise ValidationError({name: ["This field cannot be set."] for name in unknown})
    cleaned = dict(data)
    if "website" in cleaned:
        cleaned["website"] = normalized_website(cleaned["website"])
    for text_field in TEXT_INPUT_FIELDS:
        if text_field in cleaned:
            cleaned[text_field] = "" if cleaned[text_field] is None else str(cleaned[text_field]).strip()
    return cleaned


def _full_clean(lead: Lead) -> None:
    # Field validators and choices; dedupe is checked explicitly (and by the database constraint).
    lead.full_clean(exclude=["owner", "prospect_job"], validate_unique=False, validate_constraints=False)


def _notify_metrics(user_id: uuid.UUID) -> None:
    transaction.on_commit(lambda: leads_changed(user_id, "throttled"))


def _save_unique(lead: Lead, **save_kwargs: Any) -> None:
    """Save `lead`; a concurrent insert of the same website surfaces as DuplicateLead, not IntegrityError."""
    try:
        with transaction.atomic():
            lead.save(**save_kwargs)
    except IntegrityError:
        existing = find_duplicate_id(owner=lead.owner_id, website=lead.website, exclude_id=lead.pk)
        if existing is None:
            raise
        raise DuplicateLead(existing, lead.website) from None


def create_lead(*, owner: User, data: dict[str, Any], source: str = "api") -> Lead:
    """Create a lead of `owner` from model field values in `data`.

    Raises ValidationError (field errors) for invalid values and DuplicateLead when `owner` already has a lead
    with the same normalised website. Publishes `lead.created`.
    """
    cleaned = _clean_data(data)
    cleaned.setdefault("source", source)
    lead = Lead(owner=owner, **cleaned)
    _full_clean(lead)
    existing = find_duplicate_id(owner=owner, website=lead.website)
    if existing is not None:
        raise DuplicateLead(existing, lead.website)
    with transaction.atomic():
        _save_unique(lead, force_insert=True)
        publish_lead_created(
            owner_id=lead.owner_id, lead_id=lead.id, company_name=lead.company_name, status=lead.status,
            processing_stage=lead.processing_stage, source=lead.source, job_id=job_id_for_events(lead),
        )
        _notify_metrics(lead.owner_id)
    return lead


def update_lead(*, lead: Lead, data: dict[str, Any]) -> Lead:
    """Set the model fields in `data` on `lead` and save only what changed. Publishes `lead.updated` if anything did.

    Raises ValidationError for invalid values and DuplicateLead when the new website is already used by another
    lead of the same owner.
    """
    cleaned = _clean_data(data)
    changed = []
    for name, value in cleaned.items():
        attname = "prospect_job_id" if name == "prospect_job_id" else name
        if getattr(lead, attname) != value:
            setattr(lead, attname, value)
            changed.append("prospect_job" if name == "prospect_job_id" else name)
    if not changed:
        return lead
    _full_clean(lead)
    if "website" in changed:
        existing = find_duplicate_id(owner=lead.owner_id, website=lead.website, exclude_id=lead.pk)
        if existing is not None:
            raise DuplicateLead(existing, lead.website)
    with transaction.atomic():
        _save_unique(lead, update_fields=[*changed, "updated_at"])
        publish_lead_updated(lead, changed)
        _notify_metrics(lead.owner_id)
    return lead


def delete_lead(*, lead: Lead) -> None:
    """Delete `lead` (and its stage runs). Publishes `lead.deleted`."""
    lead_id, owner_id = lead.id, lead.owner_id
    with transaction.atomic():
        lead.delete()
        publish_lead_deleted(owner_id=owner_id, lead_id=lead_id)
        _notify_metrics(owner_id)
