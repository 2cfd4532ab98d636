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
# orjson spells a number below 1e-4 unlike Python: `0.00001` / `1e-7` for `1e-05` / `1e-07`. Two scans find them:
# an exponent `e-N` ending a token (compact JSON: `,`, `]`, `}` or the end follow a number; in a UUID a hex digit
# does), and `0.0000<digit>`. Each starts with a literal, which the regex engine searches fast (~0.3 ms for 1 MB;
# one pattern with a character class first took ~2 ms for 500 KB). Text that merely looks alike ("e-5," in a
# string) only sends the body to DRF's renderer.
_SMALL_FLOAT_SPELLINGS = (re.compile(rb"e-[1-9][0-9]{0,2}(?:[,\]}]|$)"), re.compile(rb"0\.0000[1-9]"))


def _has_small_float(body: bytes) -> bool:
    return any(pattern.search(body) for pattern in _SMALL_FLOAT_SPELLINGS)


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
        if _has_small_float(body):
            return super().render(data, accepted_media_type, renderer_context)
        return body.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
