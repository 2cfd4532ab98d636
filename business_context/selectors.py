"""Reads of business contexts (one per user)."""

import threading
import uuid
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import OuterRef, QuerySet, Subquery

from accounts.models import User
from business_context.models import CONTENT_FIELDS, BusinessContext

AGENT_DATA_FIELDS = (*CONTENT_FIELDS, "version")


def context_for(user: User | AnonymousUser) -> BusinessContext | None:
    """`user`'s business context, or None until they save one."""
    if isinstance(user, AnonymousUser):
        return None
    return BusinessContext.objects.filter(owner=user).first()


def context_history(ctx: BusinessContext) -> QuerySet:
    """Every saved version of `ctx`, newest first, with who saved it."""
    return ctx.history.select_related("history_user").order_by("-history_date", "-history_id")


def context_as_agent_data(ctx: BusinessContext | None) -> dict[str, Any] | None:
    """The agent server's `BusinessContextData` dict for `ctx` (None stays None)."""
    if ctx is None:
        return None
    return {name: getattr(ctx, name) for name in AGENT_DATA_FIELDS}


def context_stamp(owner: str = "owner") -> Subquery:
    """An annotation (`OuterRef(owner)`: the owner's id) saying which save of the owner's context is current: its
    `updated_at` (every save moves it; None: no context). Read with the row that needs the context, e.g. the lead
    a pipeline stage locks, it tells `agent_data_for` whether the copy this process keeps is current."""
    return Subquery(BusinessContext.objects.filter(owner=OuterRef(owner)).values("updated_at")[:1])


_agent_data: dict[uuid.UUID, tuple[datetime, dict[str, Any]]] = {}  # owner → (stamp, agent data), this process
_agent_data_lock = threading.Lock()
_AGENT_DATA_KEPT = 1000


def agent_data_for(owner_id: uuid.UUID, *, stamp: datetime | None) -> dict[str, Any] | None:
    """The owner's context as the agent server's data (None: no context), read again only when `stamp`
    (`context_stamp()`) differs from the copy kept."""
    if stamp is None:
        return None
    with _agent_data_lock:
        kept = _agent_data.get(owner_id)
    if kept is not None and kept[0] == stamp:
        return dict(kept[1])
    ctx = BusinessContext.objects.filter(owner_id=owner_id).first()
    data = context_as_agent_data(ctx)
    if ctx is None or data is None:
        return None
    with _agent_data_lock:
        if len(_agent_data) >= _AGENT_DATA_KEPT:
            _agent_data.clear()
        _agent_data[owner_id] = (ctx.updated_at, data)  # its own stamp: a save since `stamp` was read is in it
    return dict(data)
