"""Loading the published CNPJ files into the registry (`manage.py registry_import`, `seed_demo`, the bench).

- Sources: zips (every member whose name shows a kind), extracted CSVs, or directories of them; any subset.
- Parsing streams each file (never whole in memory): Latin-1, `;`, quoted fields; NUL bytes dropped; a line with
  the wrong number of fields, a malformed CNPJ or an unreadable quote is rejected and reported with its line
  number (`FileReport.rejected_lines`); dates `YYYYMMDD` or `0`/blank (an impossible date becomes empty);
  capital with a decimal comma.
- Writes, one transaction per file: PostgreSQL `COPY` into a temporary staging table, then one
  `INSERT ... ON CONFLICT DO UPDATE ... WHERE <something changed>`, so the same month twice changes nothing and a
  new month rewrites what changed (and `month`). SQLite (demo scale): batched `bulk_create(update_conflicts=True)`.
  A first load into an empty table drops its secondary indexes and rebuilds them at the end (much faster);
  `DeferredIndex` remembers them so an interrupted load gets them back on the next run.
- Resumable per file: `ImportedFile` records each (name, size, month); a file already done is skipped.
- Disappearance: `mark_removed(kind, month)` sets `removed_month` on rows that a complete month did not contain
  (the command calls it for directory imports, which hold a whole month).
- Partners (sócios) are loaded only with REGISTRY_STORE_PARTNERS on; a natural person's CPF is kept masked.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any, cast

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from registry import layout
from registry.cnae import division_of
from registry.ibge import ibge_by_tom
from registry.layout import FileKind
from registry.models import (
    Cnae,
    Company,
    DeferredIndex,
    Establishment,
    ImportedFile,
    Motivo,
    Municipio,
    NaturezaJuridica,
    Pais,
    Partner,
    Qualificacao,
    Simples,
)

SQLITE_BATCH = 2000
MAX_REPORTED_REJECTS = 1000
PROGRESS_EVERY = 20_000

MODELS: dict[str, type[models.Model]] = {
    "cnaes": Cnae, "municipios": Municipio, "naturezas": NaturezaJuridica, "motivos": Motivo, "paises": Pais,
    "qualificacoes": Qualificacao, "companies": Company, "establishments": Establishment, "simples": Simples,
    "partners": Partner,
}
# Tables whose rows carry `month` / `removed_month`.
TRACKED_KINDS = ("companies", "establishments", "simples")


class RowError(ValueError):
    """A line that cannot be loaded; its message is the reason in the rejected-lines report."""


def fold_name(text: str) -> str:
    """Lower-case without accents (`AÇÚCAR Ltda` → `acucar ltda`): the key of the accent-insensitive name search,
    applied to stored names at import and to the search term at query time."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()


# --- Field conversions --------------------------------------------------------------------------------------


def _date(value: str) -> str | None:
    value = value.strip()
    if not value or value.strip("0") == "" or len(value) != 8 or not value.isdigit():
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:])).isoformat()
    except ValueError:
        return None


def _decimal(value: str) -> str | None:
    value = value.strip().replace(".", "").replace(",", ".") if "," in value else value.strip()
    if not value:
        return None
    try:
        float(value)
    except ValueError:
        raise RowError(f"capital social {value!r} is not a number") from None
    return value


def _digits(value: str, length: int, what: str) -> str:
    value = value.strip()
    if len(value) != length or not value.isdigit():
        raise RowError(f"{what} {value!r} is not {length} digits")
    return value


def _phone(ddd: str, number: str) -> str:
    number = number.strip()
    return f"{ddd.strip()}{number}" if number else ""


def _code(value: str) -> str | None:
    value = value.strip()
    return value or None


def _mask_cpf(document: str) -> str:
    """A CPF published in clear (11 digits) masked as the Receita masks them: `***456789**`."""
    document = document.strip()
    return f"***{document[3:9]}**" if len(document) == 11 and document.isdigit() else document


# --- Row converters: raw fields → the columns of `COLUMNS[kind]` ----------------------------------------------

COLUMNS: dict[str, tuple[str, ...]] = {
    "reference": ("code", "description"),
    "municipios": ("code", "description", "search_name", "ibge_code"),
    "companies": ("cnpj_basico", "razao_social", "search_name", "natureza_juridica", "qualificacao_responsavel",
                  "capital_social", "porte", "ente_federativo", "month", "removed_month"),
    "establishments": (
        "cnpj", "cnpj_basico", "matriz", "nome_fantasia", "search_name", "situacao", "situacao_date", "motivo",
        "cidade_exterior", "pais", "opened_at", "cnae_principal", "cnae_division", "cnaes_secundarios",
        "tipo_logradouro", "logradouro", "numero", "complemento", "bairro", "cep", "uf", "municipio", "phone1",
        "phone2", "fax", "email", "has_email", "has_phone", "situacao_especial", "situacao_especial_date", "month",
        "removed_month",
    ),
    "simples": ("cnpj_basico", "simples", "simples_since", "simples_until", "mei", "mei_since", "mei_until", "month",
                "removed_month"),
    "partners": ("cnpj_basico", "kind", "name", "document", "qualificacao", "joined_at", "pais",
                 "representative_document", "representative_name", "representative_qualificacao", "age_range",
                 "month"),
}


def columns_of(kind: FileKind) -> tuple[str, ...]:
    if kind.key == "municipios":
        return COLUMNS["municipios"]
    return COLUMNS["reference"] if kind.reference else COLUMNS[kind.key]


def _reference(raw: list[str], month: str) -> tuple:
    code = raw[0].strip()
    if not code:
        raise RowError("empty code")
    return (code, raw[1].strip())


def _municipio(raw: list[str], month: str) -> tuple:
    code, description = _reference(raw, month)
    return (code, description, fold_name(description), ibge_by_tom().get(code, ""))


def _company(raw: list[str], month: str) -> tuple:
    name = raw[1].strip()
    return (
        _digits(raw[0], 8, "CNPJ básico"), name, fold_name(name), _code(raw[2]), raw[3].strip(), _decimal(raw[4]),
        raw[5].strip().zfill(2) if raw[5].strip() else "00", raw[6].strip(), month, "",
    )


def _establishment(raw: list[str], month: str) -> tuple:
    basico = _digits(raw[0], 8, "CNPJ básico")
    cnpj = basico + _digits(raw[1], 4, "CNPJ ordem") + _digits(raw[2], 2, "CNPJ DV")
    fantasia, cnae, secondary = raw[4].strip(), raw[11].strip(), raw[12].strip().replace(" ", "")
    phone1, phone2, email = _phone(raw[21], raw[22]), _phone(raw[23], raw[24]), raw[27].strip().lower()
    return (
        cnpj, basico, raw[3].strip() != "2", fantasia, fold_name(fantasia), raw[5].strip().zfill(2), _date(raw[6]),
        raw[7].strip(), raw[8].strip(), raw[9].strip(), _date(raw[10]), cnae or None, division_of(cnae),
        f",{secondary}," if secondary else "", raw[13].strip(), raw[14].strip(), raw[15].strip(), raw[16].strip(),
        raw[17].strip(), raw[18].strip(), raw[19].strip().upper(), _code(raw[20]), phone1, phone2,
        _phone(raw[25], raw[26]), email, bool(email), bool(phone1 or phone2), raw[28].strip(), _date(raw[29]),
        month, "",
    )


def _flag(value: str) -> bool | None:
    value = value.strip().upper()
    return True if value == "S" else False if value == "N" else None


def _simples(raw: list[str], month: str) -> tuple:
    return (
        _digits(raw[0], 8, "CNPJ básico"), _flag(raw[1]), _date(raw[2]), _date(raw[3]), _flag(raw[4]),
        _date(raw[5]), _date(raw[6]), month, "",
    )


def _partner(raw: list[str], month: str) -> tuple:
    kind = raw[1].strip()
    document = raw[3].strip()
    return (
        _digits(raw[0], 8, "CNPJ básico"), kind, raw[2].strip(), _mask_cpf(document) if kind == "2" else document,
        raw[4].strip(), _date(raw[5]), raw[6].strip(), _mask_cpf(raw[7]), raw[8].strip(), raw[9].strip(),
        raw[10].strip(), month,
    )


CONVERTERS: dict[str, Callable[[list[str], str], tuple]] = {
    "companies": _company, "establishments": _establishment, "simples": _simples, "partners": _partner,
    "municipios": _municipio,
}


def converter_of(kind: FileKind) -> Callable[[list[str], str], tuple]:
    return CONVERTERS.get(kind.key, _reference)


# --- Sources -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One published CSV: a file on disk, or a member of a zip."""

    path: Path
    member: str | None  # None: `path` is the CSV itself
    kind: FileKind
    size: int  # uncompressed bytes (Latin-1: one byte per character)

    @property
    def name(self) -> str:
        return self.member or self.path.name

    @contextmanager
    def open(self) -> Iterator[IO[str]]:
        if self.member is None:
            with open(self.path, encoding=layout.ENCODING, newline="") as handle:
                yield handle
        else:
            with zipfile.ZipFile(self.path) as archive, archive.open(self.member) as raw:
                yield io.TextIOWrapper(raw, encoding=layout.ENCODING, newline="")


class SourceError(ValueError):
    """A path that is not a published file (or a broken zip)."""


def sources_in(path: Path) -> list[Source]:
    """The published CSVs in a zip, a CSV or a directory (not recursive), in load order."""
    if not path.exists():
        raise SourceError(f"{path}: no such file or directory")
    if path.is_dir():
        found = [s for child in sorted(path.iterdir()) if child.is_file() and layout.kind_of(child.name)
                 for s in sources_in(child)]
    elif path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                found = [Source(path, info.filename, kind, info.file_size) for info in archive.infolist()
                         if not info.is_dir() and (kind := layout.kind_of(info.filename) or layout.kind_of(path.name))]
        except zipfile.BadZipFile as exc:
            raise SourceError(f"{path.name}: not a valid zip ({exc})") from None
    elif path.is_file() and (kind := layout.kind_of(path.name)):
        found = [Source(path, None, kind, path.stat().st_size)]
    else:
        raise SourceError(f"{path.name}: not a published CNPJ file (zip or CSV named like the Receita's)")
    return sorted(found, key=lambda s: (layout.KINDS.index(s.kind), s.name))


# --- Parsing ------------------------------------------------------------------------------------------------


@dataclass
class FileReport:
    name: str
    kind: str
    month: str
    rows: int = 0
    rejected: int = 0
    rejected_lines: list[tuple[int, str, str]] = field(default_factory=list)  # (line, reason, raw text)
    skipped: str = ""  # why nothing was done ("already imported", ...)

    def reject(self, line: int, reason: str, raw: str) -> None:
        self.rejected += 1
        if len(self.rejected_lines) < MAX_REPORTED_REJECTS:
            self.rejected_lines.append((line, reason, raw[:500]))


def parse_rows(handle: IO[str], kind: FileKind, month: str, report: FileReport,
               progress: Callable[[int], None] | None = None) -> Iterator[tuple]:
    """Converted rows of one published CSV; bad lines go to `report`. `progress(n)`: n more bytes read."""
    convert, width = converter_of(kind), len(kind.columns)
    read = 0

    def lines() -> Iterator[str]:
        nonlocal read
        for line in handle:
            read += len(line)
            yield line.replace("\x00", "") if "\x00" in line else line

    reader = csv.reader(lines(), delimiter=layout.DELIMITER, quotechar='"', strict=True)
    reported = 0
    while True:
        try:
            raw = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            report.reject(reader.line_num, f"unreadable line ({exc})", "")
            continue
        if progress is not None and read - reported >= PROGRESS_EVERY:
            progress(read - reported)
            reported = read
        if not raw:
            continue
        if len(raw) != width:
            report.reject(reader.line_num, f"{len(raw)} fields instead of {width}", ";".join(raw))
            continue
        try:
            row = convert(raw, month)
        except RowError as exc:
            report.reject(reader.line_num, str(exc), ";".join(raw))
            continue
        report.rows += 1
        yield row
    if progress is not None:
        progress(read - reported)


# --- Writing ------------------------------------------------------------------------------------------------


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _upsert_postgres(model: type[models.Model], columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    table, key = model._meta.db_table, model._meta.pk.column
    column_list = ", ".join(columns)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE registry_stage (LIKE {table}) ON COMMIT DROP")
        if model is Partner:
            cursor.execute("ALTER TABLE registry_stage ALTER COLUMN id DROP NOT NULL")
        with cursor.cursor.copy(f"COPY registry_stage ({column_list}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        if model is Partner:  # no natural key: a company's partners are replaced by the file's
            cursor.execute(f"DELETE FROM {table} WHERE cnpj_basico IN (SELECT cnpj_basico FROM registry_stage)")
            cursor.execute(f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM registry_stage")
        else:
            _merge_stage(cursor, table, key, columns)
        cursor.execute("DROP TABLE registry_stage")  # also inside an enclosing transaction (tests, seed_demo)


# Establishments' `search_name` gets their company's folded razão social, so the name search is one full-text
# scan of one table. Companies load before establishments (`layout.KINDS`); a razão social that changes reaches
# the establishments with the next import of their file.
_JOINED_NAME = {
    "search_name": "left(trim(s.search_name || ' ' || coalesce(c.search_name, '')), 520)",
}
_COMPANY_JOIN = "LEFT JOIN registry_company c ON c.cnpj_basico = s.cnpj_basico"


def _merge_stage(cursor: Any, table: str, key: str, columns: tuple[str, ...]) -> None:
    """Upsert the staged rows: new keys inserted, existing rows rewritten only where something differs."""
    joined = table == Establishment._meta.db_table
    selected = ", ".join(_JOINED_NAME.get(c, f"s.{c}") if joined else f"s.{c}" for c in columns)
    updated = [c for c in columns if c != key]
    assignments = ", ".join(f"{c} = EXCLUDED.{c}" for c in updated)
    current = ", ".join(f"{table}.{c}" for c in updated)
    incoming = ", ".join(f"EXCLUDED.{c}" for c in updated)
    # DISTINCT ON: a key repeated within one file would make ON CONFLICT touch a row twice (an error).
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT DISTINCT ON (s.{key}) {selected} FROM registry_stage s "
        f"{_COMPANY_JOIN if joined else ''} ORDER BY s.{key} ON CONFLICT ({key}) DO UPDATE SET {assignments} "
        f"WHERE ({current}) IS DISTINCT FROM ({incoming})"
    )


def _add_company_names(objects: list[Establishment]) -> None:
    """The company names of `_JOINED_NAME`, for the batched path (SQLite, demo scale)."""
    names = dict(Company.objects.filter(pk__in={o.company_id for o in objects}).values_list("pk", "search_name"))
    for establishment in objects:
        company_name = names.get(establishment.company_id, "") if establishment.company_id else ""
        establishment.search_name = f"{establishment.search_name} {company_name}".strip()


def _batches(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _upsert_batched(model: type[models.Model], columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """Any database (the embedded SQLite default): `bulk_create` with ON CONFLICT DO UPDATE, in batches."""
    by_column = {f.column: f.attname for f in model._meta.concrete_fields}
    attnames = [by_column[c] for c in columns]
    key = model._meta.pk.attname
    replaced: set[str] = set()  # partners: companies whose partners this file already replaced
    for batch in _batches(rows, SQLITE_BATCH):
        objects = [model(**dict(zip(attnames, row, strict=True))) for row in batch]
        if model is Establishment:
            _add_company_names(cast(list[Establishment], objects))
        if model is Partner:
            partners = cast(list[Partner], objects)
            fresh = {p.company_id for p in partners} - replaced
            Partner.objects.filter(company_id__in=fresh).delete()
            replaced |= fresh
            Partner.objects.bulk_create(partners)
        else:
            model._default_manager.bulk_create(
                objects, update_conflicts=True, unique_fields=[key], update_fields=[a for a in attnames if a != key]
            )


def _table_is_empty(model: type[models.Model]) -> bool:
    return not model._default_manager.exists()


def rebuild_deferred_indexes() -> None:
    """Recreate the indexes a bulk load dropped (also those of an interrupted load)."""
    for index in DeferredIndex.objects.order_by("name"):
        with connection.cursor() as cursor:
            cursor.execute(index.definition.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))
        index.delete()


def defer_indexes(model: type[models.Model]) -> None:
    """PostgreSQL, empty table: drop its secondary indexes (recorded first) so a bulk load need not maintain
    them; `rebuild_deferred_indexes` builds them once at the end."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname "
            "JOIN pg_index x ON x.indexrelid = c.oid WHERE i.tablename = %s AND NOT x.indisprimary "
            "AND NOT x.indisunique",
            [table],
        )
        found = cursor.fetchall()
    with transaction.atomic():
        for name, definition in found:
            DeferredIndex.objects.update_or_create(name=name, defaults={"definition": definition})
        with connection.cursor() as cursor:
            for name, _definition in found:
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


def _write(kind: FileKind, rows: Iterable[tuple]) -> None:
    model = MODELS[kind.key]
    if _is_postgres():
        _upsert_postgres(model, columns_of(kind), rows)
    else:
        _upsert_batched(model, columns_of(kind), rows)


# --- Services -----------------------------------------------------------------------------------------------


def import_source(source: Source, *, month: str, force: bool = False,
                  progress: Callable[[int], None] | None = None) -> FileReport:
    """Load one published CSV for `month` ("YYYY-MM") in one transaction; skipped when already done (unless
    `force`) and, for partners, unless REGISTRY_STORE_PARTNERS is on."""
    report = FileReport(name=source.name, kind=source.kind.key, month=month)
    if source.kind is layout.PARTNERS and not settings.REGISTRY_STORE_PARTNERS:
        report.skipped = "partners are not stored (REGISTRY_STORE_PARTNERS is off)"
        return report
    record, _created = ImportedFile.objects.get_or_create(
        name=source.name, size=source.size, month=month, defaults={"kind": source.kind.key}
    )
    if record.status == ImportedFile.Status.DONE and not force:
        report.skipped = "already imported"
        report.rows, report.rejected = record.rows, record.rejected
        return report
    ImportedFile.objects.filter(pk=record.pk).update(status=ImportedFile.Status.RUNNING, error="")
    try:
        with transaction.atomic(), source.open() as handle:
            _write(source.kind, parse_rows(handle, source.kind, month, report, progress))
    except Exception as exc:
        ImportedFile.objects.filter(pk=record.pk).update(status=ImportedFile.Status.FAILED, error=str(exc)[:2000])
        raise
    ImportedFile.objects.filter(pk=record.pk).update(
        status=ImportedFile.Status.DONE, rows=report.rows, rejected=report.rejected, finished_at=timezone.now()
    )
    return report


def prepare_bulk_load(sources: list[Source]) -> None:
    """Before a run: rebuild what an interrupted run left dropped, then, on PostgreSQL, defer the indexes of
    every empty table this run fills."""
    rebuild_deferred_indexes()
    if not _is_postgres():
        return
    for key in dict.fromkeys(s.kind.key for s in sources):
        model = MODELS[key]
        if key in TRACKED_KINDS and _table_is_empty(model):
            defer_indexes(model)


def finish_bulk_load(kinds: Iterable[str]) -> None:
    """After a run: indexes back, fresh planner statistics (PostgreSQL)."""
    rebuild_deferred_indexes()
    if _is_postgres():
        # VACUUM also sets the visibility map (index-only counts); not possible inside a transaction (tests).
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        with connection.cursor() as cursor:
            for key in dict.fromkeys(kinds):
                cursor.execute(f"{command} {MODELS[key]._meta.db_table}")


def mark_removed(kind: str, month: str) -> int:
    """Rows of `kind` absent from the complete `month` get `removed_month`; returns how many were marked."""
    model = MODELS[kind]
    return model._default_manager.filter(month__lt=month, removed_month="").update(removed_month=month)


def month_of(source: Source, default: str | None) -> str:
    """The month a source belongs to: `default` (e.g. `--month`), else the date code in its name, else its
    directory's name (`.../2025-11/Empresas0.zip`, as `registry_download` stores them)."""
    month = default or layout.month_from_name(source.name)
    if not month and layout.MONTH_RE.match(source.path.parent.name):
        month = source.path.parent.name
    if not month or not layout.MONTH_RE.match(month):
        raise SourceError(f"{source.name}: cannot tell its month; pass --month YYYY-MM")
    return month

