"""Append-only delta rows: numbers kept by database triggers as signed changes, summed by readers.

Writers (triggers) only append, so they never wait for each other; the numbers of a group are the sum of its rows.
`fold_delta_rows` now and then replaces a group's rows by one row holding their sum, to keep the sums short.
Used by `metrics.LeadCountsDelta` (the dashboard's lead numbers) and `agents.AgentRunCounts` (the agents' metrics).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models, transaction


def fold_delta_rows(model: type[models.Model], keys: Sequence[str], sums: Sequence[str], *, where: str = "",
                    params: Sequence[Any] = ()) -> None:
    """Fold the rows of `model` matching `where` (SQL on its columns, with `params`) into one row per `keys` group.

    One statement: it sums exactly the rows it deleted, so rows appended meanwhile by writers (which never update
    or delete) are kept, and a concurrent fold of the same rows folds each row once. Groups summing to zero go.
    """
    table = model._meta.db_table
    columns = {field.name: field.column for field in model._meta.concrete_fields}
    key_columns = ", ".join(columns[name] for name in keys)
    sum_columns = [columns[name] for name in sums]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"WITH gone AS (DELETE FROM {table} {f'WHERE {where}' if where else ''} RETURNING *) "
            f"INSERT INTO {table} ({key_columns}, {', '.join(sum_columns)}) "
            f"SELECT {key_columns}, {', '.join(f'SUM({c})' for c in sum_columns)} FROM gone "
            f"GROUP BY {', '.join(str(n + 1) for n in range(len(keys)))} "
            f"HAVING {' OR '.join(f'SUM({c}) <> 0' for c in sum_columns)}",
            list(params),
        )
