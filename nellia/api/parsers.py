"""The JSON parser of both presentations (`/api/` and `/api/v1/`).

DRF's parser uses the standard library, which accepts what later fails inside the view: lone surrogates (they
cannot be encoded for a cache key or the database), `NaN`/`Infinity` (PostgreSQL's jsonb rejects them), NUL
characters (PostgreSQL text cannot hold them) and nesting deep enough to hit the recursion limit. orjson rejects
the first two while parsing; this parser rejects the others before any view code sees the data. Each is a 400
`parse_error`.
"""

from typing import Any

import orjson
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32


def check_json_value(value: Any, max_depth: int = MAX_DEPTH) -> None:
    """Raise ParseError if `value` nests deeper than `max_depth` or a string or key contains a NUL character."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise ParseError("JSON parse error - NUL characters are not allowed.")
            continue
        if not isinstance(item, dict | list):
            continue
        if depth > max_depth:
            raise ParseError(f"JSON parse error - nested deeper than {max_depth} levels.")
        if isinstance(item, dict):
            stack.extend((key, depth) for key in item)
            stack.extend((child, depth + 1) for child in item.values())
        else:
            stack.extend((child, depth + 1) for child in item)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        try:
            data = orjson.loads(stream.read())
        except orjson.JSONDecodeError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        check_json_value(data)
        return data
