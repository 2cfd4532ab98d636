"""The event relay: the one process that broadcasts the event log (transactional outbox).

Publishers only insert events, inside the transaction of the change they describe (events.publisher). The relay
then, in a loop:

1. *sequences*: under the lock of the `RelayCursor` row it gives the committed events that have no `seq` yet the
   next numbers, in id order. A transaction still open is invisible to it, so an event committed late gets a
   later `seq` than everything already sequenced: `seq` order is commit order as the relay observed it, and it
   only grows;
2. *broadcasts*: the events after the cursor's `broadcast_seq`, in `seq` order, to every transport (Channels
   groups, Socket.IO rooms): each transport gets the whole batch in one call, so it can render each event once and
   send the batch in a few Redis round trips instead of several per event (the relay is the one process every
   event goes through). A transport that cannot reach Redis is retried with the same batch until it can (it skips
   what it already sent), then the cursor moves.

`seq` is the frame id clients see and the `last_event_id` they resume with, so the live order and the resume
cursor are one sequence: a client that resumes with the last id it received cannot miss an event. An event
committed by a process that dies right after is still relayed; a relay that dies between broadcasting and moving
its cursor sends a few frames again, which the consumers drop (they never send an id twice or backwards).

Waking: on PostgreSQL an insert trigger NOTIFYs `nellia_events` at commit and the relay LISTENs (and holds a
session advisory lock, so a second relay stands by); on SQLite the publisher wakes the in-process relay after
commit, and the relay polls every `EVENT_RELAY_POLL_SECONDS` for events written by other processes. Passes start
at most every `EVENT_RELAY_COALESCE_SECONDS`: a commit after a quiet spell is relayed at once, and the commits of a
burst that come sooner join the next pass (a pass costs about the same for one commit's few events as for many).
Run it with `manage.py relay_events` (real mode), or on a thread of the web process (embedded default).
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Sequence
from operator import attrgetter

import psycopg
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.utils import timezone
from redis.exceptions import RedisError

from events.models import Event, RelayCursor

logger = logging.getLogger(__name__)

NOTIFY_CHANNEL = "nellia_events"
ADVISORY_LOCK_KEY = 0x6E656C6C6961  # "nellia": one relay at a time on PostgreSQL
BATCH = 500
MAX_BACKOFF = 5.0
TRANSIENT = (OSError, RedisError)  # a transport that cannot reach Redis (ConnectionError, TimeoutError, ...)


# Called with a batch of events in `seq` order; must deliver them in that order. Called again with the same batch
# after a transient error, so it skips the events it already delivered.
Transport = Callable[[Sequence[Event]], None]
_transports: list[Transport] = []


def register_transport(transport: Transport) -> None:
    """Add a transport (called from an AppConfig.ready); registering twice is a no-op."""
    if transport not in _transports:
        _transports.append(transport)


class RelayStoppedError(Exception):
    """The relay was asked to stop while retrying a transport."""


def sequence_committed(*, limit: int = BATCH) -> int:
    """Give up to `limit` committed events without a `seq` the next numbers, in id order; returns how many."""
    return len(_sequence(limit)[0])


def _sequence(limit: int) -> tuple[list[Event], int, int]:
    """Sequence up to `limit` committed events, in one short transaction; returns them (with their `seq`, in `seq`
    order) and the cursor's `assigned_seq` and `broadcast_seq` after it.

    Two statements whatever the batch's size: the cursor row locked, then one UPDATE that numbers the events in id
    order, returns them and (PostgreSQL) moves the cursor; SQLite moves it with a third. The ORM's `bulk_update`
    compiled a CASE WHEN per event: with the locked SELECT, the SELECT of the events and the cursor's save, it was
    most of the relay's CPU for the few events a commit brings."""
    with transaction.atomic():
        assigned, broadcast = _locked_cursor()
        postgresql = connection.vendor == "postgresql"
        events = sorted(Event.objects.raw(_NUMBER_AND_MOVE if postgresql else _NUMBER, [assigned, limit]),
                        key=attrgetter("seq"))
        if events:
            assigned += len(events)  # they were numbered assigned + 1, assigned + 2, ...
            if not postgresql:
                RelayCursor.objects.filter(id=1).update(assigned_seq=assigned, updated_at=timezone.now())
    return events, assigned, broadcast


_EVENTS, _CURSOR = Event._meta.db_table, RelayCursor._meta.db_table
# The committed events without a `seq` (the lock is held: they are numbered once), the next numbers in id order.
_NUMBER = (
    f"UPDATE {_EVENTS} AS e SET seq = %s + p.n FROM (SELECT id AS event_id, row_number() OVER (ORDER BY id) AS n "
    f"FROM {_EVENTS} WHERE seq IS NULL ORDER BY id LIMIT %s) AS p WHERE e.id = p.event_id "
    "RETURNING id, seq, type, data, user_id, created_at"  # unqualified: SQLite's RETURNING takes no table name
)
_NUMBER_AND_MOVE = (
    f"WITH numbered AS ({_NUMBER}), moved AS (UPDATE {_CURSOR} SET assigned_seq = (SELECT max(seq) FROM numbered), "
    "updated_at = now() WHERE id = 1 AND EXISTS (SELECT FROM numbered)) SELECT * FROM numbered"
)
_MOVE_BROADCAST = f"UPDATE {_CURSOR} SET broadcast_seq = %s WHERE id = 1 AND broadcast_seq < %s"
# Never make DDL or a TRUNCATE wait (or deadlock) behind the relay: it gives up the lock and retries later.
_LOCK_CURSOR = {
    "postgresql": f"SET LOCAL lock_timeout = '500ms'; SELECT assigned_seq, broadcast_seq FROM {_CURSOR} WHERE id = 1 FOR UPDATE",
    "sqlite": f"SELECT assigned_seq, broadcast_seq FROM {_CURSOR} WHERE id = 1",  # a write locks the database
}


def broadcast_sequenced(*, limit: int = BATCH, stop: threading.Event | None = None) -> int:
    """Hand up to `limit` sequenced events after the cursor to every transport, in `seq` order; returns how many."""
    return _broadcast(_read_sequenced(RelayCursor.objects.get_or_create(id=1)[0].broadcast_seq, limit), stop)


def _read_sequenced(after: int, limit: int) -> list[Event]:
    return list(Event.objects.filter(seq__gt=after).order_by("seq")[:limit])


def _broadcast(events: list[Event], stop: threading.Event | None) -> int:
    if not events:
        return 0
    for transport in list(_transports):
        _deliver(transport, events, stop)
    with connection.cursor() as db:
        db.execute(_MOVE_BROADCAST, [events[-1].seq] * 2)
    return len(events)


def relay_pending(*, stop: threading.Event | None = None) -> int:
    """Sequence and broadcast until nothing is left; returns how many events were broadcast.

    A pass costs three statements and a transaction whatever its size (and the transports' own): the events just
    sequenced are broadcast as read (unless a previous relay left some sequenced but not broadcast), and a pass that
    was not full ends it (an event committed meanwhile wakes the relay again: NOTIFY, or `wake()`), rather than one
    more empty pass per wake-up."""
    total = 0
    while True:
        sequenced, assigned, broadcast = _sequence(BATCH)
        if sequenced and sequenced[0].seq == broadcast + 1:
            batch = sequenced
        elif assigned > broadcast:  # sequenced earlier (a relay stopped before broadcasting)
            batch = _read_sequenced(broadcast, BATCH)
        else:
            return total
        total += _broadcast(batch, stop)
        if len(sequenced) < BATCH and len(batch) < BATCH:
            return total


def _locked_cursor() -> tuple[int, int]:
    """Lock the cursor row (created on first use); returns its `assigned_seq` and `broadcast_seq`."""
    with connection.cursor() as db:
        db.execute(_LOCK_CURSOR[connection.vendor])
        if connection.vendor == "postgresql":
            db.nextset()  # past the SET
        row = db.fetchone()
    if row is None:
        RelayCursor.objects.get_or_create(id=1)
        return _locked_cursor()
    return row


def _deliver(transport: Transport, events: list[Event], stop: threading.Event | None) -> None:
    """Send `events` through `transport`, retrying while Redis is unreachable; a bug is logged and skipped."""
    delay = 0.2
    seqs = f"{events[0].seq}..{events[-1].seq}"
    while True:
        try:
            transport(events)
            return
        except TRANSIENT as exc:
            logger.warning("Transport %s cannot send events %s (%s); retrying in %.1fs",
                           getattr(transport, "__name__", transport), seqs, exc, delay)
        except Exception:
            logger.exception("Transport %r failed for events %s; skipped", transport, seqs)
            return
        if stop is not None and stop.wait(delay):
            raise RelayStoppedError
        if stop is None:
            time.sleep(delay)
        delay = min(delay * 2, MAX_BACKOFF)


# ---- waking up ------------------------------------------------------------------------------------------------

_local_wake = threading.Event()


def wake() -> None:
    """Wake the relay of this process (the publisher calls it after commit), starting it in the embedded default."""
    ensure_embedded_relay()
    _local_wake.set()


def pass_delay(last_started: float, spacing: float) -> float:
    """How long a commit that woke the relay waits for its pass: until `spacing` seconds after the last pass that
    relayed events started (none if that is past). A lone commit goes out at once; a burst's commits share passes."""
    return max(0.0, last_started + spacing - time.monotonic())


class _PostgresListener:
    """LISTEN on its own autocommit connection, which also holds the relay's advisory lock."""

    def __init__(self) -> None:
        self.conn: psycopg.Connection | None = None

    def _connect(self) -> psycopg.Connection:
        db = connection.settings_dict
        conn = psycopg.connect(
            dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"] or None, host=db["HOST"] or None,
            port=db["PORT"] or None, autocommit=True, application_name="nellia-relay",
        )
        logger.info("Event relay: waiting for the relay lock")
        conn.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
        conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
        logger.info("Event relay: listening on %s", NOTIFY_CHANNEL)
        return conn

    def ready(self) -> None:
        if self.conn is None or self.conn.closed:
            self.conn = self._connect()

    def wait(self, timeout: float, gather: Callable[[], float]) -> bool:
        """Wait up to `timeout` for a commit, then `gather()` more seconds for others; whether one came."""
        self.ready()
        assert self.conn is not None
        woken = False
        for _ in self.conn.notifies(timeout=timeout, stop_after=1):
            woken = True
        if woken:  # the commits meanwhile (at least those already notified) join the coming pass
            for _ in self.conn.notifies(timeout=gather()):
                pass
        return woken

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class _LocalWaiter:
    def ready(self) -> None:
        return None

    def wait(self, timeout: float, gather: Callable[[], float]) -> bool:
        woken = _local_wake.wait(timeout)
        if woken:
            time.sleep(gather())  # the commits meanwhile join the coming pass
        _local_wake.clear()
        return woken

    def close(self) -> None:
        return None


def run_relay(stop: threading.Event) -> None:
    """The relay loop, until `stop` is set. Database or network failures are waited out, never fatal."""
    waiter = _PostgresListener() if connection.vendor == "postgresql" else _LocalWaiter()
    poll, spacing = settings.EVENT_RELAY_POLL_SECONDS, settings.EVENT_RELAY_COALESCE_SECONDS
    backoff = 0.5
    last_pass = -spacing  # when the last pass that relayed something started
    try:
        while not stop.is_set():
            try:
                waiter.ready()  # hold the lock before relaying
                started = time.monotonic()
                if relay_pending(stop=stop):
                    last_pass = started
                waiter.wait(poll, functools.partial(pass_delay, last_pass, spacing))
                backoff = 0.5
            except RelayStoppedError:
                return
            except (DatabaseError, psycopg.Error) as exc:
                logger.warning("Event relay: database unavailable (%s); retrying in %.1fs", exc, backoff)
                waiter.close()
                close_old_connections()
                connection.close()
                stop.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
    finally:
        waiter.close()
        connection.close()


_embedded: threading.Thread | None = None
_embedded_lock = threading.Lock()


def ensure_embedded_relay() -> None:
    """Start the relay on a daemon thread of this process once (embedded default, `EVENT_RELAY_EMBEDDED`)."""
    global _embedded
    if not settings.EVENT_RELAY_EMBEDDED:
        return
    with _embedded_lock:
        if _embedded is None or not _embedded.is_alive():
            _embedded = threading.Thread(target=run_relay, args=(threading.Event(),), name="event-relay", daemon=True)
            _embedded.start()
