"""Append-only delta rows: numbers kept by database triggers as signed changes, summed by readers.

Writers (triggers) only append, so they never wait for each other; the numbers of a group are the sum of its rows.
`fold_delta_rows` now and then replaces a group's rows by one row holding their sum, to keep the sums short.
Used by `metrics.LeadCountsDelta` (the dashboard's lead numbers) and `agents.AgentRunCounts` (the agents' metrics).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, migrations, models, transaction


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


def netted_insert(deltas: str, keys: Sequence[str], sums: Sequence[str], sources: Sequence[str]) -> str:
    """SQL appending to `deltas` one row per `keys` group of `sources` (SELECTs of signed changes, each naming its
    `keys` and `sums` columns), their sums netted; a group whose sums all net to zero adds nothing."""
    return (
        f"INSERT INTO {deltas} ({', '.join([*keys, *sums])}) "
        f"SELECT {', '.join(keys)}, {', '.join(f'SUM({c})' for c in sums)} "
        f"FROM ({' UNION ALL '.join(sources)}) AS change GROUP BY {', '.join(str(n + 1) for n in range(len(keys)))} "
        f"HAVING {' OR '.join(f'SUM({c}) <> 0' for c in sums)}"
    )


# Statement-level triggers with transition tables: event → (REFERENCING clause, tables of rows added, of rows removed).
_TRIGGERS = {
    "insert": ("NEW TABLE AS new_rows", ["new_rows"], []),
    "update": ("OLD TABLE AS old_rows NEW TABLE AS new_rows", ["new_rows"], ["old_rows"]),
    "delete": ("OLD TABLE AS old_rows", [], ["old_rows"]),
}


def delta_triggers(*, name: str, table: str, deltas: str,
                   append: Callable[[list[str], list[str]], str]) -> migrations.RunPython:
    """A migration operation creating triggers `name_<event>` on `table` that run `append(added, removed)` (an INSERT
    INTO `deltas` of the signed change, given the transition tables of rows added and removed) once per statement;
    TRUNCATE of `table` empties `deltas`; the rows `table` holds already are appended at once. Reversible.
    PostgreSQL only: elsewhere it does nothing."""

    def create(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for event, (referencing, added, removed) in _TRIGGERS.items():
            _create_trigger(schema_editor, f"{name}_{event}",
                            f"AFTER {event.upper()} ON {table} REFERENCING {referencing}", append(added, removed))
        _create_trigger(schema_editor, f"{name}_truncate", f"AFTER TRUNCATE ON {table}", f"DELETE FROM {deltas}")
        # The rows that exist already (the triggers hold their lock on `table` until the migration commits).
        schema_editor.execute(append([table], []))

    def drop(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for event in [*_TRIGGERS, "truncate"]:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_{event} ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}_{event}()")

    return migrations.RunPython(create, drop)


def _create_trigger(schema_editor: Any, function: str, when: str, body: str) -> None:
    schema_editor.execute(
        f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body}; RETURN NULL; END $$"
    )
    schema_editor.execute(f"CREATE TRIGGER {function} {when} FOR EACH STATEMENT EXECUTE FUNCTION {function}()")
