"""The JSON renderer of `/api/`: DRF's output, byte for byte, encoded by orjson where orjson writes the same bytes.

DRF's `JSONRenderer` runs the standard library's encoder (~0.15 ms for a page of 20 leads, ~7 ms for 100 with
their JSON columns); orjson (already a dependency: the `/api/v1/` renderer and the JSON parser) takes a tenth
of that. What orjson would write differently is sent to DRF's renderer instead, so the bytes never change:
- types orjson does not encode natively (Decimal, datetimes, dates, lazy strings...) go through DRF's
  `JSONEncoder.default`, as with DRF; integers beyond 64 bits and non-string keys fall back;
- floats below 1e-4, which orjson spells `0.00001` / `1e-7` and Python `1e-05` / `1e-07`: any such spelling in
  the output (or a string that looks like one) falls back;
- U+2028/U+2029 are escaped as DRF does;
- indented output (`Accept: application/json; indent=4`) is DRF's.
One difference is kept: a NaN or infinite float is `null` where DRF fails the request (500).
"""

import re
from collections.abc import Mapping
from typing import Any

import orjson
from rest_framework import renderers
from rest_framework.utils.encoders import JSONEncoder

_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
# orjson's spelling of a number below 1e-4 (Python's repr differs there) where compact JSON has a value; also
# matches text that merely looks alike (only the speed differs then).
_SMALL_FLOAT = re.compile(rb"[:,\[]-?(?:\d+(?:\.\d+)?e-[1-9]|0\.0000[1-9])")
_default = JSONEncoder().default


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Mapping[str, Any] | None = None) -> bytes:
        if (
            data is None
            or not self.compact
            or self.ensure_ascii
            or self.get_indent(accepted_media_type or "", renderer_context or {}) is not None
        ):
            return super().render(data, accepted_media_type, renderer_context)
        try:
            body = orjson.dumps(data, default=_default, option=_OPTIONS)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        if _SMALL_FLOAT.search(body):
            return super().render(data, accepted_media_type, renderer_context)
        return body.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
