"""Reads of the event log: what a client may replay (ownership filter in one place)."""


import uuid
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from events.frames import event_frame
from events.groups import chat_agent_id
from events.models import Event
from nellia.lookups import sees_everything

REPLAY_BATCH = 500


def events_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Event]:
    """The events `user` may receive: their own and the global ones (admins: every user's, except chats)."""
    visible = Q(user=user) | Q(user__isnull=True)
    if sees_everything(user):
        visible |= ~Q(type__startswith="chat.")
    return Event.objects.filter(visible, seq__isnull=False).order_by("seq")


def events_after(user: AbstractBaseUser | AnonymousUser, after_id: int, *, limit: int | None = None) -> list[Event]:
    """Up to `limit` (default REPLAY_BATCH) of `user`'s relayed events with a `seq` greater than `after_id`, in
    `seq` order (events not yet relayed come live, after them)."""
    return list(events_for(user).filter(seq__gt=after_id)[: limit or REPLAY_BATCH])


def chat_events_after(user_id: uuid.UUID, agent_id: uuid.UUID | str, after_id: int, *,
                      limit: int | None = None) -> list[Event]:
    """Up to `limit` of the user `user_id`'s own chat events with one agent after `after_id`, oldest first."""
    limit = limit or REPLAY_BATCH
    queryset = Event.objects.filter(user_id=user_id, type__startswith="chat.", seq__gt=after_id).order_by("seq")
    agent = str(agent_id)
    events: list[Event] = []
    last = after_id
    while len(events) < limit:
        page = list(queryset.filter(seq__gt=last)[:REPLAY_BATCH])
        if not page:
            break
        events.extend(e for e in page if chat_agent_id(e.type, e.data) == agent)
        last = page[-1].seq or last  # never None: the query asks for seq > last
    return events[:limit]


def latest_event_id() -> int:
    """The last relayed `seq` (a client starting now resumes after it)."""
    last = Event.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", flat=True).first()
    return last or 0


def recent_activity_frames(user: AbstractBaseUser | AnonymousUser, *, up_to: int,
                           limit: int = 40) -> list[dict[str, Any]]:
    """The newest relayed events `user` may see up to `seq` `up_to` (chat and metrics ticks left out), oldest
    first: what the operator page's activity panel shows when it opens (the live stream resumes after `up_to`)."""
    recent = (
        events_for(user).filter(seq__lte=up_to).exclude(type__startswith="chat.").exclude(type="metrics.updated")
        .order_by("-seq")[:limit]
    )
    return [event_frame(event) for event in reversed(recent)]
