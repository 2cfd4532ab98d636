"""`/api/` JSON renderer (nellia/api/renderers.py): orjson's speed, DRF's bytes."""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import orjson
import pytest
from django.utils.translation import gettext_lazy
from rest_framework import renderers

from nellia.api.renderers import JSONRenderer, _has_small_float


@dataclass
class Point:
    x: int


SAO_PAULO = ZoneInfo("America/Sao_Paulo")
VALUES = [
    {"text": "Ação — “aspas” \u2028 linha \u2029 fim", "control": "a\x00b\x1f\x7f\n\t\"\\/", "emoji": "🚚"},
    [0.82, 1.0, -0.0, 0.1 + 0.2, 1e16, 123456789.125, 1e300, 0.0001],
    [1e-05, 0.000015, 2.5e-07, -3e-12],  # orjson spells these differently: DRF's bytes are kept
    {"value": "a string with :1e-5, in it"},
    1e-05,
    0.5,
    {"id": uuid.UUID("6d0f5b1e-4a2e-5b3c-9d8e-7f6a5b4c3d2e"), "revenue": Decimal("1500.00"), "tiny": Decimal("0.00001")},
    {"utc": datetime(2026, 11, 30, 12, 0, tzinfo=UTC), "local": datetime(2026, 11, 30, 9, 0, 0, 5, tzinfo=SAO_PAULO),
     "naive": datetime(2026, 1, 2, 3, 4, 5), "lmt": datetime(1900, 1, 1, tzinfo=SAO_PAULO), "day": date(2026, 1, 2)},
    {"lazy": gettext_lazy("This field is required."), "delta": timedelta(seconds=90), "set": {1}},
    {"big": 2**70, "negative": -(2**64)},
    {1: "int key", None: "none key"},
    {"nested": {"deep": [{"a": [None, True, False, {"b": []}]}]}, "empty": {}},
]


@pytest.mark.parametrize("data", VALUES)
def test_the_bytes_are_drfs(data):
    assert JSONRenderer().render(data) == renderers.JSONRenderer().render(data)


def test_what_drf_cannot_encode_fails_the_same():
    for renderer in (JSONRenderer(), renderers.JSONRenderer()):
        with pytest.raises(TypeError):
            renderer.render({"point": Point(1)})


def test_indented_output_is_drfs():
    data = {"a": [1, {"b": "ç"}]}
    for media_type in ("application/json; indent=4", "application/json"):
        assert JSONRenderer().render(data, media_type) == renderers.JSONRenderer().render(data, media_type)
    assert JSONRenderer().render(data, "application/json", {"indent": 2}) == renderers.JSONRenderer().render(
        data, "application/json", {"indent": 2}
    )


def test_only_numbers_orjson_spells_differently_are_sent_to_drf():
    assert _has_small_float(orjson.dumps({"a": [1e-05, 2]})) and _has_small_float(orjson.dumps([3e-07]))
    assert not _has_small_float(orjson.dumps({"id": "6d0f5b1e-4a2e-5b3c-9d8e-7f6a5b4c3d2e", "s": 0.82, "t": "e-mail"}))


def test_nothing_renders_nothing():
    assert JSONRenderer().render(None) == b""


def test_api_responses_use_it(api):
    response = api.get("/api/auth/profile")
    assert isinstance(response.accepted_renderer, JSONRenderer)
