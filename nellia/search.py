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
from typing import Any, TypeVar

from django.db import connection, models
from django.db.backends.signals import connection_created
from django.db.models import Model, Q, QuerySet
from django.db.models.lookups import IContains

FUNCTION = "nellia_unaccent"
M = TypeVar("M", bound=Model)


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


FEW_MATCHES = 1000


def few_matches(queryset: QuerySet[M]) -> tuple[QuerySet[M], int | None]:
    """A searched list, read in its order, and its total when its matches are few (at most FEW_MATCHES).

    A search for a rare term, ordered and sliced, can make PostgreSQL walk the order's index (`created_at`) and test
    the search on every row it meets, because it expects the matches to come early: 0.5 s a page at 100k leads
    where the trigram indexes find them in 1 ms. So the matches' ids are read first, unordered and capped, which the
    indexes serve; when they are few, the list is narrowed to them (its page and total come from them), and when
    they are many, the order's walk does meet them early."""
    ids = list(queryset.order_by().values_list("pk", flat=True)[: FEW_MATCHES + 1])
    if len(ids) > FEW_MATCHES:
        return queryset, None
    return queryset.filter(pk__in=ids), len(ids)


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
