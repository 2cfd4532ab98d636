"""PostgreSQL only (SQLite, the embedded default, scans instead):

- `search_vector`, a stored generated `tsvector` of `search_name` (an establishment's folded nome fantasia and
  razão social: no unaccent needed; the 'simple' configuration keeps every word, no stemming), with a GIN index:
  the name search. Stored, so testing a row costs no parsing whichever plan the planner picks. Not a model field
  (SQLite has no such type): the database fills it, Django never reads or writes it.
- a trigram GIN index for the secondary-CNAE search (`LIKE '%,4930%'`).
- drops the `varchar_pattern_ops` twins Django adds to CharField keys of the big tables: nothing searches CNPJs
  with LIKE, and each one costs import time and disk on tens of millions of rows.
"""

from django.db import migrations

INDEXES = (
    ("reg_est_name_fts", "registry_establishment", "search_vector"),
    ("reg_est_cnaes_trgm", "registry_establishment", "cnaes_secundarios gin_trgm_ops"),
)
BIG_TABLES = ("registry_company", "registry_establishment", "registry_simples", "registry_partner")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "ALTER TABLE registry_establishment ADD COLUMN search_vector tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple', search_name)) STORED"
    )
    for name, table, expression in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression})")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s) AND indexname LIKE '%%\\_like'",
            [list(BIG_TABLES)],
        )
        for (name,) in cursor.fetchall():
            schema_editor.execute(f'DROP INDEX "{name}"')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("ALTER TABLE registry_establishment DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
