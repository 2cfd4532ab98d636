"""Benchmark: import of 100k leads (a `;`-separated Latin-1 CSV, as Brazilian spreadsheets export it) through
`leads.importing` (parse + row-by-row validation + dedupe + insert) vs PostgreSQL `COPY` of the same file.

    .venv/bin/python bench/import_100k.py        (or `make bench`)

Baselines from the same run: (a) `COPY` of the file into a table with the file's four columns (no indexes: the
floor for moving the bytes), (b) the same `COPY` then `INSERT ... SELECT` into `leads_lead` with its indexes and
constraints (the floor for a correct insert), (c) that INSERT without the search indexes of issue 14 (rolled
back: what they cost every import). Target: the import < 15 s.
"""

import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import bench_user, machine, setup_django

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
TARGET_S = 15.0


def build_file(path: Path) -> None:
    text = io.StringIO()
    text.write("empresa;site;descrição;source_text\n")
    for i in range(ROWS):
        text.write(
            f"Empresa {i} Comércio e Serviços Ltda;www.empresa{i}.com.br/;Distribuidora de peças, região Sul;"
            f'"Atendemos todo o Brasil.\nContato: vendas{i}@empresa{i}.com.br (11) 3456-{i % 10000:04d}"\n'
        )
    path.write_bytes(text.getvalue().encode("latin-1"))


INSERT = """
    INSERT INTO leads_lead (id, owner_id, company_name, website, website_key, description, source_text,
      company_sector, company_size, market_region, contact_email, contact_phone, contact_role, source, status,
      processing_stage, progress, pain_point_analysis, purchase_triggers, enrichment_data, last_error,
      created_at, updated_at)
    SELECT gen_random_uuid(), %s, company_name, 'https://' || website,
      substring(lower(website) from '^(?:www\\.)?([^/]+)'), description, source_text, '', '', '',
      '', '', '', 'import', 'new', 'intake', 0, '[]', '[]', '{}', '', now(), now()
    FROM bench_copy ON CONFLICT DO NOTHING
"""


def main() -> dict:
    print(f"machine: {machine()}")
    setup_django(fresh=True)
    import importlib

    from django.db import connection, transaction

    search_indexes = importlib.import_module("leads.migrations.0004_search_trigram").SEARCHED.values()

    from leads import importing
    from leads.models import Lead

    path = Path(tempfile.mkdtemp()) / "leads.csv"
    build_file(path)
    size_mb = path.stat().st_size / 1e6
    print(f"file: {ROWS} rows, {size_mb:.1f} MB")

    # Baseline (a): COPY into a bare table.
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_copy (company_name text, website text, description text, source_text text)")
        started = time.perf_counter()
        with cursor.cursor.copy(
            "COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER ';', ENCODING 'LATIN1')"
        ) as copy:
            copy.write(path.read_bytes())
        copy_s = time.perf_counter() - started
        # Baseline (c): the INSERT below without the search (trigram) indexes, rolled back: what they cost.
        with transaction.atomic():
            for name in search_indexes:
                cursor.execute(f"DROP INDEX {name}")
            started = time.perf_counter()
            cursor.execute(INSERT, [bench_user("nosearch@nellia.local").pk])
            no_search_s = time.perf_counter() - started
            transaction.set_rollback(True)
        # Baseline (b): that COPY's rows into leads_lead (all columns, indexes, constraints).
        owner = bench_user("copy@nellia.local")
        started = time.perf_counter()
        cursor.execute(INSERT, [owner.pk])
        insert_s = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_copy")

    user = bench_user()
    started = time.perf_counter()
    rows = importing.parse_upload(path.read_bytes(), filename="leads.csv")
    parsed_s = time.perf_counter() - started
    report = importing.import_leads(owner=user, rows=rows)
    import_s = time.perf_counter() - started
    assert report.created == ROWS, report.as_dict()
    assert Lead.objects.filter(owner=user).count() == ROWS

    # Again: every row is now a duplicate (the dedupe path).
    started = time.perf_counter()
    again = importing.import_leads(owner=user, rows=importing.parse_upload(path.read_bytes(), filename="leads.csv"))
    again_s = time.perf_counter() - started
    assert again.duplicates == ROWS

    results = {
        "rows": ROWS,
        "copy_bare_s": round(copy_s, 2),
        "copy_plus_insert_s": round(copy_s + insert_s, 2),
        "copy_plus_insert_without_search_indexes_s": round(copy_s + no_search_s, 2),
        "import_s": round(import_s, 2),
        "import_parse_s": round(parsed_s, 2),
        "reimport_all_duplicates_s": round(again_s, 2),
        "ratio_vs_copy": round(import_s / copy_s, 1),
        "ratio_vs_copy_plus_insert": round(import_s / (copy_s + insert_s), 1),
        "target_s": TARGET_S,
        "met": import_s < TARGET_S,
    }
    print(f"COPY of the file (bare table):           {copy_s:6.2f} s")
    print(f"COPY + INSERT into leads_lead (indexes): {copy_s + insert_s:6.2f} s  "
          f"(without the 3 search indexes: {copy_s + no_search_s:.2f} s)")
    print(f"leads.importing (parse {parsed_s:.2f} s):       {import_s:6.2f} s  "
          f"= {results['ratio_vs_copy']}x bare COPY, {results['ratio_vs_copy_plus_insert']}x COPY+INSERT  "
          f"(target < {TARGET_S:g} s: {'met' if results['met'] else 'MISSED'})")
    print(f"re-import, all duplicates:               {again_s:6.2f} s")
    return results


if __name__ == "__main__":
    main()
