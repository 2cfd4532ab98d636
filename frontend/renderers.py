"""The one renderer of `/api/v1/`: wraps successful bodies in the envelope and encodes JSON fast (orjson)."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import orjson
from rest_framework.renderers import BaseRenderer

_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)  # lazy translation strings, Promise objects


def dumps(data: Any) -> bytes:
    """JSON bytes for `data` (UUIDs as strings, aware datetimes as ISO 8601, Decimals as numbers)."""
    return orjson.dumps(data, default=_default, option=_OPTIONS)


def encoded(data: Any) -> orjson.Fragment:
    """`data` as JSON now, embedded as it is when the body is rendered: a big body is then built and encoded
    with the cyclic GC paused and its objects are freed before the GC is back on (`frontend.views.leads`).
    String keys only (as JSON columns have): without `OPT_NON_STR_KEYS`, orjson encodes twice as fast."""
    return orjson.Fragment(orjson.dumps(data, default=_default, option=orjson.OPT_UTC_Z))


def envelope(data: Any) -> dict[str, Any]:
    return {"success": True, "data": data}


class FrontendRenderer(BaseRenderer):
    """ENV routes (a view's `envelope = True`, the default) get `{"success": true, "data": …}`; RAW routes
    (`envelope = False`), error bodies and empty (204) bodies are rendered as they are."""

    media_type = "application/json"
    format = "json"
    charset = None

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Mapping[str, Any] | None = None
    ) -> bytes:
        context = renderer_context or {}
        response = context.get("response")
        if response is not None and response.status_code == 204:
            return b""
        if data is None and response is None:
            return b""
        wrap = getattr(context.get("view"), "envelope", False)
        if response is not None and (response.status_code >= 400 or getattr(response, "exception", False)):
            wrap = False
        return dumps(envelope(data) if wrap else data)
