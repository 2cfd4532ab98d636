"""Lead import: parse a file (CSV or JSON, including the harvester's output), validate row by row, insert in batches.

One service for every presentation: `POST /api/leads/import`, `manage.py import_leads`, the admin import.

- Parsing (`parse_upload`, `parse_payload`): UTF-8 (with or without BOM), falling back to Windows-1252/Latin-1;
  `;`, `,` or tab separators (csv.Sniffer on a sample, then a count on the header line); quoted newlines. Header
  names are matched case-insensitively with a few aliases (`empresa`, `site`, `url`, ...). A file without a
  `company_name` column (or alias) is rejected before anything is written (`ImportRejectedError`).
- Validation (`clean_row`): each row gets the checks of `POST /api/leads` (website normalisation, non-blank name,
  non-negative revenue, each model field's own validation). Not the DRF serializer itself: measured at ~200 µs
  per row (its surrogate-character check walks every character of the text fields) against ~40 µs here, which
  decides whether 100k rows import in seconds or minutes. Rows that fail are reported as `{row, fields}` (`row`:
  1-based position among the data rows, header not counted, at most 1000 listed); valid rows are kept.
- Dedupe: by site (`leads.websites.site_key`), against the owner's existing leads and within the file (first
  one wins).
  Rows without a website are never duplicates.
- Writes, in one transaction: PostgreSQL `COPY` of the validated rows (no model instances); SQLite `bulk_create`
  in batches of `BATCH_SIZE`. A concurrent insert of the same website counts as a duplicate instead of failing
  the import (`ON CONFLICT DO NOTHING`). Websites are normalised here, since neither path calls `Lead.save()`.
- Events: for up to `PER_LEAD_EVENT_LIMIT` (50) created leads one `lead.created` event per lead, as the API
  create publishes; above that ONE `metrics.updated` event for the owner (clients reload their lists), never
  thousands of per-lead events. Cached metrics are invalidated either way.
- `process=True` enqueues every created lead through the pipeline (`leads.hooks.process_leads`) after the commit.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from psycopg import errors as psycopg_errors

from leads.events import publish_lead_created
from leads.exporting import restore_cell
from leads.fields import INPUT_FIELDS, TEXT_MAX_LENGTHS
from leads.hooks import leads_changed, process_leads
from leads.models import Lead
from leads.websites import normalize_website, site_key
from nellia.search import flush_pending_index_entries

BATCH_SIZE = 2000
PER_LEAD_EVENT_LIMIT = 50
MAX_REPORTED_ERRORS = 1000
ANALYZE_AFTER_ROWS = 10_000
REQUIRED_COLUMNS = ("company_name",)
# Columns an import may set; everything else in a file (an export's id, status, scores...) is ignored.
IMPORT_FIELDS = INPUT_FIELDS
ALIASES = {
    "name": "company_name",
    "company": "company_name",
    "empresa": "company_name",
    "nome": "company_name",
    "razao_social": "company_name",
    "site": "website",
    "url": "website",
    "descricao": "description",
    "setor": "company_sector",
    "sector": "company_sector",
    "email": "contact_email",
    "e-mail": "contact_email",
    "telefone": "contact_phone",
    "phone": "contact_phone",
    "region": "market_region",
    "regiao": "market_region",
}


class ImportRejectedError(Exception):
    """The whole input is unusable (bad type, undecodable, missing required columns): nothing is written."""

    def __init__(self, detail: str, code: str = "invalid_import", *, unsupported_type: bool = False):
        super().__init__(detail)
        self.detail = detail
        self.code = code
        self.unsupported_type = unsupported_type


@dataclass
class ImportReport:
    created: int = 0
    duplicates: int = 0
    failed: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    lead_ids: list[uuid.UUID] = field(default_factory=list)
    queued: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The API body `{created, duplicates, failed, errors: [{row, fields}]}` (+ `queued` when processing)."""
        return {"created": self.created, "duplicates": self.duplicates, "failed": self.failed, "errors": self.errors}

    def add_error(self, row: int, fields: dict[str, list[str]]) -> None:
        self.failed += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append({"row": row, "fields": fields})


# --- parsing --------------------------------------------------------------------------------------------------

def _column(name: Any) -> str:
    # Leading underscores dropped: `_source`, `_facts`, `_invalid` are set by services, never by a file.
    key = str(name or "").strip().lstrip("\ufeff").strip().lower().replace(" ", "_").lstrip("_")
    key = key.translate(str.maketrans("ãáàâçéêíóôõú", "aaaaceeiooou"))
    return ALIASES.get(key, key)


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")  # what Brazilian Excel writes; a superset of Latin-1's printable range
    except UnicodeDecodeError:
        return content.decode("latin-1")


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    # A few KB cut at a line end: csv.Sniffer's regexes are slow on big samples.
    sample = text[:8192]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t|")
    except csv.Error:
        header = sample.split("\n", 1)[0]
        counts = {sep: header.count(sep) for sep in (";", ",", "\t")}
        best = max(counts, key=lambda sep: counts[sep])

        class Fallback(csv.excel):
            delimiter = best if counts[best] else ","

        return Fallback


def parse_csv(text: str) -> list[dict[str, Any]]:
    """Rows of a CSV text with a header row (columns normalised); raises ImportRejectedError."""
    if not text.strip():
        raise ImportRejectedError("The file is empty.", "empty_file")
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    try:
        header = [_column(name) for name in next(reader)]
        rows = [
            dict(zip(header, map(restore_cell, values), strict=False)) for values in reader if any(v.strip() for v in values)
        ]
    except csv.Error as exc:
        raise ImportRejectedError(f"The CSV file could not be read: {exc}.", "invalid_csv") from None
    _require_columns(set(header))
    return rows


def _require_columns(columns: set[str]) -> None:
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise ImportRejectedError(f"Missing required column(s): {', '.join(missing)}.", "missing_columns")


def _company_from_harvest(site: dict[str, Any]) -> str:
    title = str(((site.get("google_search_data") or {}).get("title")) or "").strip()
    if title:
        # "Acme Ltda | Transporte de cargas" / "Acme – Home": keep the name part.
        name = re.split(r"\s+[|–—-]\s+|\s*\|\s*", title, maxsplit=1)[0].strip()
        if name:
            return name
    host = (urlsplit(str(site.get("url") or "")).hostname or "").lower()
    host = host.removeprefix("www.")
    return host.split(".")[0].replace("-", " ").title() if host else ""


def parse_harvest(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows from the harvester's output `{original_query, sites_data: [...]}`."""
    rows: list[dict[str, Any]] = []
    for site in data.get("sites_data") or []:
        if not isinstance(site, dict):
            rows.append({})
            continue
        search = site.get("google_search_data") or {}
        rows.append(
            {
                "company_name": _company_from_harvest(site),
                "website": site.get("url") or "",
                "description": search.get("snippet") or "",
                "source_text": site.get("extracted_text_content") or "",
                "_source": Lead.Source.HARVEST,
            }
        )
    return rows


def parse_payload(data: Any) -> list[dict[str, Any]]:
    """Rows from decoded JSON: an array of objects or the harvester's object; raises ImportRejectedError."""
    if isinstance(data, dict) and "sites_data" in data:
        return parse_harvest(data)
    if isinstance(data, dict) and isinstance(data.get("leads"), list):
        data = data["leads"]
    if not isinstance(data, list):
        raise ImportRejectedError("Expected a JSON array of leads or the harvester's {sites_data: [...]}.", "invalid_json")
    rows = [{_column(k): v for k, v in item.items()} if isinstance(item, dict) else {"_invalid": item} for item in data]
    if rows and not any(name in row for row in rows for name in REQUIRED_COLUMNS):
        _require_columns(set())
    return rows


def _looks_like_json(content: bytes) -> bool:
    head = content[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] in (b"[", b"{")


JSON_TYPES = ("application/json", "text/json")
CSV_TYPES = ("text/csv", "text/plain", "application/csv", "application/vnd.ms-excel", "text/x-csv", "")
CSV_EXTENSIONS = (".csv", ".txt", ".tsv")


def parse_upload(content: bytes, *, filename: str = "", content_type: str = "") -> list[dict[str, Any]]:
    """Rows of an uploaded CSV or JSON file. Raises ImportRejectedError (`unsupported_type` for other file types)."""
    name = filename.lower()
    ctype = (content_type or "").split(";")[0].strip().lower()
    is_json = name.endswith(".json") or ctype in JSON_TYPES
    is_csv = name.endswith(CSV_EXTENSIONS) or (not name and ctype in CSV_TYPES)
    if not is_json and not is_csv:
        if "." in name or ctype not in (*CSV_TYPES, "application/octet-stream"):
            raise ImportRejectedError("Upload a CSV (.csv) or JSON (.json) file.", "unsupported_file_type",
                                 unsupported_type=True)
        is_json = _looks_like_json(content)
    if b"\x00" in content[:4096]:
        raise ImportRejectedError("This is a binary file; upload a CSV or JSON file.", "unsupported_file_type",
                             unsupported_type=True)
    text = _decode(content)
    if is_json:
        try:
            return parse_payload(json.loads(text))
        except json.JSONDecodeError as exc:
            raise ImportRejectedError(f"Invalid JSON: {exc.msg} (line {exc.lineno}).", "invalid_json") from None
    return parse_csv(text)


# --- validation and insert ------------------------------------------------------------------------------------

def _revenue(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):  # an int to Python, never a revenue
        raise ValidationError({"annual_revenue": ["Enter a number."]})
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    text = re.sub(r"[^\d,.\-]", "", str(value))
    if "," in text:  # Brazilian format: 1.234.567,89
        text = text.replace(".", "").replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValidationError({"annual_revenue": ["Enter a number."]}) from None


_MODEL_FIELDS = Lead._meta.concrete_fields
_POSITION = {f.attname: i for i, f in enumerate(_MODEL_FIELDS)}
# Per-row defaults: constants copied, callables (uuid4, dict, list) called for each row.
_DEFAULTS = [None if f.has_default() and callable(f.default) else f.get_default() for f in _MODEL_FIELDS]
_DEFAULT_FACTORIES = [(i, f.default) for i, f in enumerate(_MODEL_FIELDS) if f.has_default() and callable(f.default)]
_BY_NAME = {f.name: f for f in _MODEL_FIELDS}
_VALIDATED = {name: _BY_NAME[name] for name in IMPORT_FIELDS}  # concrete fields (get_field's type has relations)


_ID, _KEY = _POSITION["id"], _POSITION["website_key"]


def _convert(name: str, raw: Any) -> Any:
    if name == "annual_revenue":
        value = _revenue(raw)
        if value is not None and value < 0:
            raise ValidationError({name: ["Ensure this value is greater than or equal to 0."]})
        return value
    if name == "website":
        try:
            return normalize_website(None if raw is None else str(raw))
        except ValueError as exc:
            raise ValidationError({name: [str(exc)]}) from None
    text = "" if raw is None else str(raw).strip()
    limit = TEXT_MAX_LENGTHS.get(name)
    if limit is not None and len(text) > limit:
        raise ValidationError({name: [f"Ensure this field has no more than {limit} characters."]})
    return text


def clean_row(*, owner: Any, row: dict[str, Any], source: str = Lead.Source.IMPORT) -> list[Any]:
    """The validated column values of an import row, in model field order; raises ValidationError.

    The checks of `POST /api/leads` (`LeadSerializer` + `leads.services.create_lead`): website normalisation,
    a non-blank name, a non-negative revenue, then each model field's own validation (`Field.clean`: lengths,
    e-mail, decimal digits) — what `Model.clean_fields` runs, applied directly to the fields the row sets.
    Plain values, no model instance: at 100k rows `Lead.__init__` alone would cost seconds.
    """
    if "_invalid" in row:
        raise ValidationError({"non_field_errors": ["Expected an object with the lead's fields."]})
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, field_ in _VALIDATED.items():
        if name not in row and name != "company_name":
            continue
        try:
            value = _convert(name, row.get(name))
            if not (field_.blank and value in field_.empty_values):
                value = field_.clean(value, None)
            values[name] = value
        except ValidationError as exc:
            errors[name] = exc.message_dict[name] if hasattr(exc, "error_dict") else exc.messages
    if errors:
        raise ValidationError(errors)
    args = _DEFAULTS.copy()
    for index, factory in _DEFAULT_FACTORIES:
        args[index] = factory()
    args[_POSITION["owner_id"]] = getattr(owner, "pk", owner)
    args[_POSITION["source"]] = row.get("_source") or source
    for name, value in values.items():
        args[_POSITION[name]] = value
    # Facts a service vouches for (e.g. the registry's CNPJ): set as given, never read from a file.
    for name, value in row.get("_facts", {}).items():
        args[_POSITION[name]] = value
    args[_KEY] = site_key(args[_POSITION["website"]])
    return args


def build_lead(*, owner: Any, row: dict[str, Any], source: str = Lead.Source.IMPORT) -> Lead:
    """An unsaved, validated Lead from an import row (`clean_row`); raises ValidationError with field errors."""
    # Every field, positionally; the plugin checks a starred list as the value of `id`.
    return Lead(*clean_row(owner=owner, row=row, source=source))  # type: ignore[misc]


_JOB = _POSITION["prospect_job_id"]
_CREATED, _UPDATED = _POSITION["created_at"], _POSITION["updated_at"]
_JSON = [i for i, f in enumerate(_MODEL_FIELDS) if f.get_internal_type() == "JSONField"]


def _existing_keys(owner: Any, keys: set[str]) -> set[str]:
    found: set[str] = set()
    ordered = sorted(keys)
    for start in range(0, len(ordered), 1000):
        chunk = ordered[start : start + 1000]
        # `exclude(website_key="")` repeats the unique index's predicate so PostgreSQL can use that partial index.
        found.update(
            Lead.objects.filter(owner=owner, website_key__in=chunk)
            .exclude(website_key="")
            .order_by()
            .values_list("website_key", flat=True)
        )
    return found


def _insert(rows: list[list[Any]], progress: Callable[[int], None] | None) -> set[uuid.UUID]:
    """Insert `rows` (clean_row values), skipping any that conflict (a concurrent insert of the same website);
    returns the created ids."""
    if not rows:
        return set()
    now = timezone.now()
    for values in rows:
        values[_CREATED] = values[_UPDATED] = now
    if connection.vendor == "postgresql":
        return _insert_copy(rows, progress)
    created: set[uuid.UUID] = set()
    for batch in _chunks(rows, BATCH_SIZE):
        Lead.objects.bulk_create([Lead(*values) for values in batch], ignore_conflicts=True)
        created.update(Lead.objects.filter(pk__in=[values[_ID] for values in batch]).values_list("id", flat=True))
        if progress:
            progress(len(batch))
    return created


def _copy(cursor: Any, table: str, rows: list[list[Any]], progress: Callable[[int], None] | None) -> None:
    columns = ", ".join(connection.ops.quote_name(f.column) for f in _MODEL_FIELDS)
    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for count, values in enumerate(rows, start=1):
            row = values.copy()
            for index in _JSON:
                if row[index] is not None:
                    row[index] = json.dumps(row[index])
            copy.write_row(row)
            if progress and count % BATCH_SIZE == 0:
                progress(BATCH_SIZE)
    if progress:
        progress(len(rows) % BATCH_SIZE)


def _insert_copy(rows: list[list[Any]], progress: Callable[[int], None] | None) -> set[uuid.UUID]:
    """PostgreSQL: `COPY` straight into the table (the rows are already deduplicated). Only when a concurrent
    insert made one of them conflict: `COPY` into a temporary table, then `INSERT ... ON CONFLICT DO NOTHING`.

    `bulk_create` spends ~0.3 ms per row building SQL parameters for 37 columns; COPY streams the rows.
    """
    table = connection.ops.quote_name(Lead._meta.db_table)
    with connection.cursor() as cursor:
        try:
            with transaction.atomic():  # a savepoint: a conflict rolls back only this attempt
                _copy(cursor, table, rows, progress)
            if len(rows) >= ANALYZE_AFTER_ROWS:
                # Fresh statistics, or the planner keeps estimating the owner has a handful of leads.
                cursor.execute(f"ANALYZE {table}")
                flush_pending_index_entries(Lead._meta.db_table)  # the search indexes' batched entries
            return {values[_ID] for values in rows}
        except (IntegrityError, psycopg_errors.IntegrityError):
            pass
        columns = ", ".join(connection.ops.quote_name(f.column) for f in _MODEL_FIELDS)
        cursor.execute(f"CREATE TEMPORARY TABLE nellia_import (LIKE {table}) ON COMMIT DROP")
        _copy(cursor, "nellia_import", rows, None)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM nellia_import ON CONFLICT DO NOTHING RETURNING id"
        )
        created = {row[0] for row in cursor.fetchall()}
        cursor.execute("DROP TABLE nellia_import")
    return created


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def import_leads(
    *,
    owner: Any,
    rows: Iterable[dict[str, Any]],
    process: bool = False,
    source: str = Lead.Source.IMPORT,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Validate `rows` one by one, insert the valid, non-duplicate ones for `owner`; see the module docstring.

    `progress(n)` is called as rows are validated, n rows at a time (for a progress bar of len(rows)).
    """
    report = ImportReport()
    valid: list[list[Any]] = []
    seen: set[str] = set()
    index = 0
    for index, row in enumerate(rows, start=1):
        try:
            values = clean_row(owner=owner, row=row, source=source)
        except ValidationError as exc:
            fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
            report.add_error(index, fields)
        else:
            key = values[_KEY]
            if key and key in seen:
                report.duplicates += 1
            else:
                if key:
                    seen.add(key)
                valid.append(values)
        if progress and index % 1000 == 0:
            progress(1000)
    if progress:
        progress(index % 1000)
    existing = _existing_keys(owner, seen)
    fresh = [values for values in valid if not values[_KEY] or values[_KEY] not in existing]
    report.duplicates += len(valid) - len(fresh)

    with transaction.atomic():
        created = _insert(fresh, None)
        report.lead_ids = [values[_ID] for values in fresh if values[_ID] in created]
        report.duplicates += len(fresh) - len(report.lead_ids)
        report.created = len(report.lead_ids)
        if report.created:
            _publish_created(owner, fresh, set(report.lead_ids))
    if process and report.lead_ids:
        report.queued = len(process_leads(report.lead_ids))  # in file order
    return report


def _publish_created(owner: Any, rows: list[list[Any]], created_ids: set[uuid.UUID]) -> None:
    if len(created_ids) <= PER_LEAD_EVENT_LIMIT:
        for values in rows:
            if values[_ID] in created_ids:
                publish_lead_created(
                    owner_id=owner.pk, lead_id=values[_ID], company_name=values[_POSITION["company_name"]],
                    status=values[_POSITION["status"]], processing_stage=values[_POSITION["processing_stage"]],
                    source=values[_POSITION["source"]],
                    job_id=str(values[_JOB]) if values[_JOB] else None,  # a prospecting job's harvest
                )
        leads_changed(owner.pk, "no")
    else:
        leads_changed(owner.pk, "always")


__all__ = [
    "IMPORT_FIELDS",
    "ImportRejectedError",
    "ImportReport",
    "build_lead",
    "clean_row",
    "import_leads",
    "parse_csv",
    "parse_payload",
    "parse_upload",
]
