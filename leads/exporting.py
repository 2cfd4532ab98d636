"""Lead export: a queryset streamed as CSV or JSON, row by row, without loading it into memory.

The rows are `.values()` dicts read with `iterator(chunk_size)`; nothing builds model instances. The CSV is UTF-8
with a BOM (spreadsheets then show accents right; `leads.importing` reads it back) and has the import's column
names, so an export can be imported again (round trip).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet

from leads.fields import INPUT_FIELDS, RESULT_FIELDS, SCORE_FIELDS
from leads.models import Lead

CHUNK_SIZE = 2000
FORMATS = ("csv", "json")
FLAT_FIELDS = (
    "id",
    *INPUT_FIELDS,
    "source",
    "status",
    "processing_stage",
    "progress",
    "board_stage",
    *SCORE_FIELDS,
    "qualification_tier",
    "last_error",
    "created_at",
    "updated_at",
    "processed_at",
)
# The JSON export also carries what the pipeline produced.
JSON_FIELDS = (*FLAT_FIELDS, *(name for name in RESULT_FIELDS if name not in FLAT_FIELDS))
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def _rows(queryset: QuerySet[Lead], fields: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    return queryset.values(*fields).iterator(chunk_size=CHUNK_SIZE)


# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV Injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralize_cell(text: str) -> str:
    """OWASP's advice: a leading `'` makes a formula-like cell text; `leads.importing` removes it again."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def restore_cell(text: str) -> str:
    """The inverse of `neutralize_cell`, for CSV files read back by the import."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES) else text


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, str):
        return neutralize_cell(value)
    return value


def export_csv(queryset: QuerySet[Lead]) -> Iterator[str]:
    """The CSV text in pieces: a BOM and the header, then one chunk of rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(FLAT_FIELDS)
    yield "\ufeff" + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for count, row in enumerate(_rows(queryset, FLAT_FIELDS), start=1):
        writer.writerow([_csv_value(row[name]) for name in FLAT_FIELDS])
        if count % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def export_json(queryset: QuerySet[Lead]) -> Iterator[str]:
    """A JSON array in pieces, one lead object per line."""
    encoder = DjangoJSONEncoder(ensure_ascii=False)
    yield "["
    separator = "\n"
    for row in _rows(queryset, JSON_FIELDS):
        yield separator + encoder.encode(row)
        separator = ",\n"
    yield "\n]\n"


def export_leads(queryset: QuerySet[Lead], fmt: str) -> Iterator[str]:
    """Stream `queryset` in `fmt` (csv|json); the queryset's ordering is kept."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}.")
    return export_csv(queryset) if fmt == "csv" else export_json(queryset)
