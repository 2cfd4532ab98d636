"""Accent- and case-insensitive text search that PostgreSQL answers from trigram indexes.

`field__unaccent_icontains=term` (registered on CharField and TextField) renders as
`nellia_unaccent(field) ILIKE nellia_unaccent('%term%')` on PostgreSQL: `nellia_unaccent` is an IMMUTABLE wrapper
of the `unaccent` extension (created with the `pg_trgm` GIN indexes on those expressions by
`leads/migrations/0004_search_trigram`), so a search is a bitmap scan of the indexes instead of an
`UPPER(col) LIKE` scan of every row. SQLite (embedded default) gets a Python `nellia_unaccent` on each
connection and its ASCII-case-insensitive LIKE: "Sao Paulo" finds "SÃO PAULO" on both.
"""

import unicodedata
from functools import reduce
from operator import or_
from typing import Any

from django.db import connection, models
from django.db.backends.signals import connection_created
from django.db.models import Q
from django.db.models.lookups import IContains

FUNCTION = "nellia_unaccent"


def unaccent(text: str | None) -> str | None:
    """Text without its combining marks ("ação" → "acao"), like PostgreSQL's `unaccent` on Latin text."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class UnaccentIContains(IContains):
    """`icontains` that also ignores accents, in a form the trigram indexes serve."""

    lookup_name = "unaccent_icontains"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list]:
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)  # '%term%', LIKE wildcards escaped
        if connection.vendor == "postgresql":
            sql = f"{FUNCTION}({lhs_sql}) ILIKE {FUNCTION}({rhs_sql})"
        else:
            sql = f"{FUNCTION}({lhs_sql}) LIKE {FUNCTION}({rhs_sql}) ESCAPE '\\'"
        return sql, [*lhs_params, *rhs_params]


models.CharField.register_lookup(UnaccentIContains)
models.TextField.register_lookup(UnaccentIContains)


def matches_any(fields: list[str] | tuple[str, ...], term: str) -> Q:
    """Rows where any of `fields` contains `term`, ignoring case and accents."""
    return reduce(or_, (Q(**{f"{name}__{UnaccentIContains.lookup_name}": term}) for name in fields))


def flush_pending_index_entries(table: str) -> None:
    """PostgreSQL: move the entries that inserts queued in the pending lists of `table`'s GIN indexes into the
    indexes (a search reads the whole pending list until then). For the end of a bulk insert."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT gin_clean_pending_list(index.indexrelid) FROM pg_index AS index "
            "JOIN pg_class AS class ON class.oid = index.indexrelid JOIN pg_am AS am ON am.oid = class.relam "
            "WHERE index.indrelid = %s::regclass AND am.amname = 'gin'",
            [table],
        )


def _sqlite_function(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(FUNCTION, 1, unaccent, deterministic=True)


connection_created.connect(_sqlite_function, dispatch_uid="nellia.search.sqlite_unaccent")
