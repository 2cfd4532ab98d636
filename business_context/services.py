"""Writes of business contexts: one validation for the API, the admin and scripts; every save bumps `version`
and is kept in the context's history (django-simple-history: who, when, the whole context)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from business_context.models import BusinessContext

REQUIRED_TEXT_FIELDS = ("business_description", "product_service_description", "target_market", "value_proposition")
OPTIONAL_TEXT_FIELDS = ("ideal_customer", "competitive_advantage")
LIST_FIELDS = ("pain_points", "competitors", "industry_focus", "geographic_focus")
EDITABLE_FIELDS = (*REQUIRED_TEXT_FIELDS, *OPTIONAL_TEXT_FIELDS, *LIST_FIELDS, "language", "is_active")
DEFAULTS: dict[str, Any] = {
    "ideal_customer": "",
    "competitive_advantage": "",
    "pain_points": [],
    "competitors": [],
    "industry_focus": [],
    "geographic_focus": ["Brasil"],
    "language": "pt-BR",
    "is_active": True,
}
MAX_TEXT_LENGTH = 5000
MAX_LIST_ITEMS = 50
MAX_ITEM_LENGTH = 200
LANGUAGE_MAX_LENGTH = 10


def _clean_list(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise ValueError("Expected a list of strings.")
    items: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise ValueError("Expected a list of strings.")
        item = item.strip()
        if not item:
            continue
        if len(item) > MAX_ITEM_LENGTH:
            raise ValueError(f"Each item may have at most {MAX_ITEM_LENGTH} characters.")
        if item not in items:
            items.append(item)
    if len(items) > MAX_LIST_ITEMS:
        raise ValueError(f"At most {MAX_LIST_ITEMS} items.")
    return items


def validate_context_data(data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Clean `data` (strip texts, drop blank list items); a full update gets the defaults for what is missing.

    Raises ValidationError with a message list per field. Shared by the API serializer, the admin form and
    `save_context`.
    """
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(data) - set(EDITABLE_FIELDS))
    for name in unknown:
        errors[name] = ["This field cannot be set."]
    cleaned: dict[str, Any] = {} if partial else dict(DEFAULTS)
    for name in REQUIRED_TEXT_FIELDS + OPTIONAL_TEXT_FIELDS:
        if name not in data:
            if not partial and name in REQUIRED_TEXT_FIELDS:
                errors[name] = ["This field is required."]
            continue
        value = data[name]
        if value is not None and not isinstance(value, str):
            errors[name] = ["Not a valid string."]
            continue
        value = (value or "").strip()
        if name in REQUIRED_TEXT_FIELDS and not value:
            errors[name] = ["This field may not be blank."]
        elif len(value) > MAX_TEXT_LENGTH:
            errors[name] = [f"Ensure this field has no more than {MAX_TEXT_LENGTH} characters."]
        else:
            cleaned[name] = value
    for name in LIST_FIELDS:
        if name not in data:
            continue
        try:
            cleaned[name] = _clean_list(data[name])
        except ValueError as exc:
            errors[name] = [str(exc)]
    if "geographic_focus" in cleaned and not cleaned["geographic_focus"]:
        cleaned["geographic_focus"] = list(DEFAULTS["geographic_focus"])
    if "language" in data:
        language = data["language"]
        language = language.strip() if isinstance(language, str) else language
        if language in (None, ""):
            cleaned["language"] = DEFAULTS["language"]
        elif not isinstance(language, str) or len(language) > LANGUAGE_MAX_LENGTH:
            errors["language"] = [f"A language tag such as pt-BR (at most {LANGUAGE_MAX_LENGTH} characters)."]
        else:
            cleaned["language"] = language
    if "is_active" in data:
        if isinstance(data["is_active"], bool):
            cleaned["is_active"] = data["is_active"]
        else:
            errors["is_active"] = ["Must be a boolean."]
    if errors:
        raise ValidationError(errors)
    return cleaned


def save_context(*, owner: Any, data: dict[str, Any], partial: bool) -> BusinessContext:
    """Create or replace (`partial=False`) or update (`partial=True`) `owner`'s context; bumps `version`.

    A partial save of a user without a context must still carry every required field.
    """
    cleaned = validate_context_data(data, partial=partial)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                ctx = BusinessContext.objects.select_for_update().filter(owner=owner).first()
                if ctx is None:
                    if partial:  # creating: the required fields must be there
                        cleaned = validate_context_data({**data}, partial=False)
                    ctx = BusinessContext(owner=owner, version=1, **cleaned)
                    ctx.save(force_insert=True)
                    return ctx
                for name, value in cleaned.items():
                    setattr(ctx, name, value)
                ctx.version += 1  # the row is locked: no concurrent save can read the same version
                ctx.save()
                return ctx
        except IntegrityError:  # a concurrent first save won: update that one instead
            continue
    raise RuntimeError("Could not save the business context.")  # pragma: no cover
