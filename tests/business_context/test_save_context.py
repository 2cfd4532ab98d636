import pytest
from django.core.exceptions import ValidationError

from business_context.services import save_context, validate_context_data

pytestmark = pytest.mark.django_db
FULL = {
    "business_description": "a",
    "product_service_description": "b",
    "target_market": "c",
    "value_proposition": "d",
}


def test_save_context_versions(user):
    ctx = save_context(owner=user, data=FULL, partial=False)
    assert ctx.version == 1
    ctx = save_context(owner=user, data={"language": "es"}, partial=True)
    assert (ctx.version, ctx.language, ctx.business_description) == (2, "es", "a")
    ctx = save_context(owner=user, data=FULL, partial=False)
    assert (ctx.version, ctx.language) == (3, "pt-BR")  # replace resets to defaults


def test_partial_first_save_needs_the_required_fields(user):
    with pytest.raises(ValidationError):
        save_context(owner=user, data={"language": "es"}, partial=True)
    assert save_context(owner=user, data=FULL, partial=True).version == 1


def test_validation_rules():
    with pytest.raises(ValidationError) as info:
        validate_context_data({**FULL, "unknown": 1, "language": "x" * 20, "industry_focus": ["ok", 3]}, partial=False)
    assert set(info.value.message_dict) == {"unknown", "language", "industry_focus"}
    assert validate_context_data({"geographic_focus": None}, partial=True) == {"geographic_focus": ["Brasil"]}
