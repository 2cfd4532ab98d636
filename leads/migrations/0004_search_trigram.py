"""Search on indexes (PostgreSQL only; SQLite has nothing to create, see nellia/search.py).

`nellia_unaccent(text)`: `unaccent` with its dictionary named, declared IMMUTABLE so that it can be indexed (the
extension's own function is STABLE because its dictionary could change). One `pg_trgm` GIN index per searched
column on `nellia_unaccent(column)`: `nellia_unaccent(column) ILIKE nellia_unaccent('%term%')` is answered by
a bitmap scan of these indexes. A trigram index makes every insert dearer (~10 µs per indexed text): a large
pending list (`gin_pending_list_limit`, 64 MB) lets a bulk import add its entries in sorted batches, about half the
cost of one by one; the import flushes it when it ends (`nellia.search.flush_pending_index_entries`), autovacuum
otherwise.
"""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

SEARCHED = {"company_name": "lead_search_name", "website": "lead_search_website", "description": "lead_search_description"}


def create_search(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent'")
        schema = cursor.fetchone()[0]
    schema_editor.execute(
        "CREATE OR REPLACE FUNCTION nellia_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE "
        f"AS $$ SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, $1) $$"
    )
    for column, name in SEARCHED.items():
        schema_editor.execute(
            f"CREATE INDEX {name} ON leads_lead USING gin (nellia_unaccent({column}) gin_trgm_ops) "
            "WITH (gin_pending_list_limit = 65536)"
        )


def drop_search(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in SEARCHED.values():
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP FUNCTION IF EXISTS nellia_unaccent(text)")


class Migration(migrations.Migration):

    dependencies = [
        ("leads", "0003_list_order_indexes"),
    ]

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        migrations.RunPython(create_search, drop_search),
    ]
