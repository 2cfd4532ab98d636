"""PostgreSQL only: trigram GIN indexes for the name search (`search_name` holds folded names, so no unaccent
is needed at query time) and the secondary-CNAE prefix search. SQLite (the embedded default) scans instead.

Also drops the `varchar_pattern_ops` twins Django adds to CharField keys of the big tables: nothing searches
CNPJs with LIKE, and each one costs import time and disk on tens of millions of rows."""

from django.db import migrations

INDEXES = (
    ("reg_company_name_trgm", "registry_company", "search_name"),
    ("reg_est_name_trgm", "registry_establishment", "search_name"),
    ("reg_est_cnaes_trgm", "registry_establishment", "cnaes_secundarios"),
)
BIG_TABLES = ("registry_company", "registry_establishment", "registry_simples", "registry_partner")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")
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


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
