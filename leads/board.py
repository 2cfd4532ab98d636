"""The kanban board read: leads grouped by stage, a count and the first leads of each column."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When

from accounts.models import User
from leads.models import Lead
from leads.selectors import leads_for

GROUPS = ("pipeline", "board")
DEFAULT_LIMIT = 10
MAX_LIMIT = 100
PIPELINE_COLUMNS = tuple(Lead.ProcessingStage.values)
# Presented stage (FRONTEND.md §4.3): the board stage if set; else, once the pipeline completed,
# `desqualificado` for not-qualified leads and `possibly_qualified` for the others; else the pipeline stage.
# Every value the presented stage can take: the columns of `group="board"`.
PRESENTED_STAGES = (
    *Lead.ProcessingStage.values[:-1],  # still in the pipeline
    *Lead.BoardStage.values,
)


def presented_stage() -> Case:
    return Case(
        When(board_stage__isnull=False, then=F("board_stage")),
        When(
            processing_stage=Lead.ProcessingStage.COMPLETED,
            qualification_tier=Lead.Tier.NOT_QUALIFIED,
            then=Value(Lead.BoardStage.DESQUALIFICADO.value),
        ),
        When(
            processing_stage=Lead.ProcessingStage.COMPLETED,
            then=Value(Lead.BoardStage.POSSIBLY_QUALIFIED.value),
        ),
        default=F("processing_stage"),
        output_field=CharField(),
    )


def leads_by_stage(user: User, *, group: str = "pipeline", limit: int = DEFAULT_LIMIT) -> dict[str, dict[str, Any]]:
    """`{column: {"count": n, "leads": QuerySet of the first `limit` leads, newest first}}` for every column.

    `group="pipeline"`: one column per processing stage. `group="board"`: the presented stage (FRONTEND.md §4.3).
    One GROUP BY for the counts, then one small indexed query per non-empty column.
    """
    if group not in GROUPS:
        raise ValueError(f"group must be one of {', '.join(GROUPS)}.")
    leads: QuerySet[Lead] = leads_for(user)
    if group == "board":
        leads = leads.annotate(column=presented_stage())
        columns, key = PRESENTED_STAGES, "column"
    else:
        columns, key = PIPELINE_COLUMNS, "processing_stage"
    counts = {row[key]: row["n"] for row in leads.order_by().values(key).annotate(n=Count("id"))}
    result: dict[str, dict[str, Any]] = {}
    for column in columns:
        count = counts.get(column, 0)
        page = leads.filter(Q(**{key: column})).order_by("-created_at", "-id")[:limit] if count else Lead.objects.none()
        result[column] = {"count": count, "leads": page}
    return result
