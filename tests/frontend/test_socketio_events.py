"""FRONTEND.md §10.2–10.4: how each domain event renders as Socket.IO events (names, flat payloads, rooms)."""

import threading
import time
import uuid
from unittest import mock

import pytest
import redis

from events.models import Event
from frontend import socketio as sio_module
from frontend.realtime import render
from leads import services
from tests.factories import LeadFactory, pipeline_agent

pytestmark = pytest.mark.django_db


def _event(type_, data, user_id=None):
    return Event.objects.create(type=type_, data=data, user_id=user_id)


def test_lead_created_and_deleted(user):
    lead = services.create_lead(owner=user, data={"company_name": "Acme", "website": "acme.com.br"})
    [(name, payload, room)] = render(Event.objects.get(type="lead.created"))
    assert name == "lead-created" and room == f"user-{user.id}"
    assert payload["userId"] == str(user.id) and payload["lead"]["id"] == str(lead.id)
    assert payload["lead"]["qualification_tier"] == "N/A"
    lead_id = str(lead.id)
    services.delete_lead(lead=lead)
    assert render(Event.objects.get(type="lead.deleted")) == [("lead-deleted", {"leadId": lead_id}, f"user-{user.id}")]


def test_stage_update_on_board_move(user):
    lead = LeadFactory(owner=user)
    services.update_lead(lead=lead, data={"board_stage": "negociando"})
    [(name, payload, _room)] = render(Event.objects.get(type="lead.updated"))
    assert name == "lead-stage-update" and payload["stage"] == "negociando" and payload["leadId"] == str(lead.id)
    assert isinstance(payload["updatedAt"], str)


def test_stage_update_only_when_the_presented_stage_can_move(user):
    """Acceptance review: pipeline steps under a board stage, or a tier change mid-pipeline, keep the presented
    stage: no `lead-stage-update` for them; a pipeline step without board stage, or completion, sends one."""
    def stage_updates(lead, changed):
        emitted = render(_event("lead.updated", {"lead_id": str(lead.id), "changed": changed, "status": lead.status}, user.id))
        return [payload["stage"] for name, payload, _ in emitted if name == "lead-stage-update"]

    on_board = LeadFactory(owner=user, board_stage="negociando", processing_stage="analysis", status="processing")
    assert stage_updates(on_board, ["processing_stage", "progress"]) == []
    assert stage_updates(on_board, ["board_stage"]) == ["negociando"]
    in_pipeline = LeadFactory(owner=user, processing_stage="analysis", status="processing")
    assert stage_updates(in_pipeline, ["processing_stage", "progress"]) == ["analysis"]
    assert stage_updates(in_pipeline, ["qualification_tier"]) == []
    done = LeadFactory(owner=user, processing_stage="completed", status="completed", qualification_tier="not_qualified")
    assert stage_updates(done, ["qualification_tier"]) == ["desqualificado"]


def test_enrichment_updates(user):
    lead = LeadFactory(owner=user, company_name="TransLog")
    uid = user.id
    start = render(_event("lead.updated", {"lead_id": str(lead.id), "changed": ["status", "queued_at"], "status": "queued"}, uid))
    assert start[0][0] == "enrichment-update"
    assert start[0][1]["event_type"] == "lead_enrichment_start" and start[0][1]["company_name"] == "TransLog"
    assert start[0][1]["job_id"] == str(lead.id)
    running = {"lead_id": str(lead.id), "company_name": "TransLog", "stage": "analysis", "agent_name": "lead_analysis_agent",
               "progress": 20, "status": "processing", "duration_ms": None, "job_id": None}
    [(name, payload, room)] = render(_event("lead.progress", {**running, "stage_status": "running"}, uid))
    assert name == "enrichment-update" and payload["event_type"] == "agent_start" and room == f"user-{uid}"
    for key in ("event_type", "job_id", "user_id", "timestamp"):
        assert isinstance(payload[key], str)
    [(name, payload, _)] = render(_event("lead.progress", {**running, "stage_status": "done", "duration_ms": 1800, "progress": 40}, uid))
    assert payload["event_type"] == "agent_end" and payload["success"] is True
    assert payload["execution_time_seconds"] == 1.8 and payload["progress_percentage"] == 40
    assert render(_event("lead.progress", {**running, "stage_status": "waiting"}, uid)) == []
    completed = render(_event("lead.completed", {"lead_id": str(lead.id), "qualification_tier": None, "overall_score": None,
                                                 "duration_ms": 10, "job_id": "j1"}, uid))
    assert [c[0] for c in completed] == ["enrichment-update", "lead-enriched"]
    assert completed[0][1]["event_type"] == "lead_enrichment_end" and completed[0][1]["job_id"] == "j1"
    assert completed[1][1]["lead"]["id"] == str(lead.id)
    failed = render(_event("lead.failed", {"lead_id": str(lead.id), "stage": "intake", "error": "Agent server unreachable",
                                           "job_id": None}, uid))
    assert failed[0][1]["success"] is False and failed[0][1]["error_message"] == "Agent server unreachable"
    assert failed[1] == ("lead_enrichment_failed", {"leadId": str(lead.id), "error": "Agent server unreachable"}, f"user-{uid}")


def test_agent_update_goes_to_everyone(user):
    agent = pipeline_agent("analysis")
    [(name, payload, room)] = render(_event("agent.status", {"agent_id": str(agent.id), "status": "processing"}))
    assert name == "agent-update" and room is None and payload["category"] and payload["name"] == "lead_analysis_agent"


def test_metrics_update(user):
    [(name, payload, room)] = render(_event("metrics.updated", {}, user.id))
    assert name == "metrics-update" and room == f"user-{user.id}"
    assert set(payload) == {"totalLeads", "completedLeads", "averageProcessingTime", "averageRoiPotential", "successRate",
                            "activeAgents", "lastUpdated"}
    assert render(_event("metrics.updated", {}, None)) == []


def test_job_events(user):
    uid = user.id
    start = render(_event("job.progress", {"job_id": "j1", "status": "active", "progress": 0, "current_step": "Buscando",
                                           "search_query": "ERP", "max_leads": 10}, uid))
    # pipeline_start first: the app's "Nellia is Working" widget (shown by job-progress) reads an
    # ["enrichment-status", jobId] query without queryFn, which must already be filled (else "Missing queryFn").
    assert [e[0] for e in start] == ["enrichment-update", "job-progress"]
    assert start[0][1]["event_type"] == "pipeline_start" and start[0][1]["max_leads_to_generate"] == 10
    assert start[0][1]["job_id"] == "j1" == start[1][1]["jobId"]
    assert set(start[1][1]) == {"jobId", "userId", "status", "progress", "currentStep", "searchQuery", "timestamp"}
    later = render(_event("job.progress", {"job_id": "j1", "status": "active", "progress": 60, "current_step": "x",
                                           "search_query": "ERP"}, uid))
    assert [e[0] for e in later] == ["job-progress"]
    done = render(_event("job.completed", {"job_id": "j1", "leads_generated": 8, "search_query": "ERP",
                                           "started_at": "2025-03-01T12:00:00+00:00",
                                           "finished_at": "2025-03-01T12:01:35+00:00"}, uid))
    assert done[0][0] == "job-completed" and done[0][1]["leadsGenerated"] == 8 and done[0][1]["status"] == "completed"
    assert set(done[0][1]["quotaUpdate"]) == {"used", "total", "remaining"}
    assert done[1][1] == {**done[1][1], "event_type": "pipeline_end", "total_leads_generated": 8,
                          "execution_time_seconds": 95.0, "success": True}
    failed = render(_event("job.failed", {"job_id": "j1", "error": "boom", "search_query": "", "started_at": None,
                                          "finished_at": None}, uid))
    assert failed[0][0] == "job-failed" and failed[0][1]["error"] == "boom" and "failedAt" in failed[0][1]
    [(name, quota, _)] = render(_event("quota.updated", {"plan_id": "free", "used": 8, "total": 10, "remaining": 2,
                                                         "next_reset_at": "x", "leads_generated": 8}, uid))
    assert name == "quota-update" and quota["quotaUsagePercentage"] == 80 and quota["planName"] == "Free"
    assert render(_event("chat.message", {"message": {}}, uid)) == []


def test_transport_embedded_without_a_connected_server_does_nothing(user, settings):
    settings.REDIS_URL = ""
    with mock.patch("events.server_loop._loop", None), mock.patch("frontend.realtime.render_batch") as rendered:
        sio_module.socketio_transport([_event("lead.deleted", {"lead_id": "x"}, user.id)])
    rendered.assert_not_called()


def test_transport_real_mode_publishes_through_the_write_only_manager(user, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/5"
    writer = mock.Mock()
    with mock.patch.object(sio_module, "_redis_writer", return_value=writer):
        sio_module.socketio_transport([_event("lead.deleted", {"lead_id": "x"}, user.id)])
    writer.emit_many.assert_called_once_with([("lead-deleted", {"leadId": "x"}, f"user-{user.id}")])
    assert sio_module.redis_channel() == "nellia-socketio-5"


def test_agent_updates_are_coalesced_per_agent_and_the_last_change_is_sent():
    sent: list[str] = []
    done = threading.Event()

    def send(agent_id):
        sent.append(agent_id)
        if len(sent) == 3:
            done.set()

    updates = sio_module.AgentUpdates(send, lambda: 0.3)
    for _ in range(20):  # a burst of changes of one agent
        updates.changed("a")
    updates.changed("b")  # another agent is not held back by the first
    assert sent == ["a", "b"]
    assert done.wait(5), "the burst's last change was never sent"
    time.sleep(0.4)
    assert sent == ["a", "b", "a"]  # one trailing send for the 19 coalesced changes
    updates.changed("a")  # quiet for longer than the interval: sent at once
    assert sent == ["a", "b", "a", "a"]


def test_transport_renders_agent_status_through_the_coalescer(user, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/5"
    agent = pipeline_agent("analysis")
    writer = mock.Mock()
    coalescer = sio_module.AgentUpdates(sio_module._send_agent_update, lambda: 60)
    with mock.patch.object(sio_module, "_redis_writer", return_value=writer), \
            mock.patch.object(sio_module, "agent_updates", coalescer):
        for status in ("processing", "active", "processing"):
            sio_module.socketio_transport([_event("agent.status", {"agent_id": str(agent.id), "status": status})])
    [call] = writer.emit_many.call_args_list
    [(name, payload, room)] = call.args[0]
    assert name == "agent-update" and payload["name"] == "lead_analysis_agent" and room is None
    for timer in coalescer._pending.values():
        timer.cancel()


def test_a_batch_goes_out_before_its_agent_updates_and_is_not_resent_for_them(user, settings):
    """A due agent-update is rendered after the batch's emits (it does not delay them); Redis refusing it does not
    make the relay send the batch again."""
    settings.REDIS_URL = "redis://127.0.0.1:6379/5"
    agent = pipeline_agent("analysis")
    writer = mock.Mock()
    writer.emit_many.side_effect = [None, redis.exceptions.ConnectionError("gone")]
    coalescer = sio_module.AgentUpdates(sio_module._send_agent_update, lambda: 60)
    batch = [_event("agent.status", {"agent_id": str(agent.id), "status": "processing"}),
             _event("lead.deleted", {"lead_id": "x"}, user.id)]
    with mock.patch.object(sio_module, "_redis_writer", return_value=writer), \
            mock.patch.object(sio_module, "agent_updates", coalescer):
        sio_module.socketio_transport(batch)  # no error: the relay moves on
    first, second = (call.args[0] for call in writer.emit_many.call_args_list)
    assert first == [("lead-deleted", {"leadId": "x"}, f"user-{user.id}")]
    assert [name for name, _payload, _room in second] == ["agent-update"]


def test_the_relays_writer_raises_while_redis_is_unreachable_so_the_relay_retries():
    from tests.e2e.harness import free_port

    writer = sio_module.RelayRedisWriter(f"redis://127.0.0.1:{free_port()}/0", channel="nellia-test", write_only=True)
    with pytest.raises(redis.exceptions.ConnectionError):
        writer.emit("lead-created", {"n": 1}, room="user-1")


def test_the_relays_writer_waits_a_little_for_a_listener_then_stops_waiting(settings, monkeypatch):
    if not settings.REDIS_URL:
        pytest.skip("needs Redis")
    monkeypatch.setattr(sio_module.RelayRedisWriter, "LISTENER_WAIT_SECONDS", 0.6)
    channel = f"nellia-test-{uuid.uuid4()}"
    writer = sio_module.RelayRedisWriter(settings.REDIS_URL, channel=channel, write_only=True)
    started = time.monotonic()
    writer.emit("lead-created", {"n": 1}, room="user-1")  # nobody listens: published again, then given up
    assert time.monotonic() - started >= 0.5 and writer.listeners_gone
    started = time.monotonic()
    writer.emit("lead-created", {"n": 2}, room="user-1")
    assert time.monotonic() - started < 0.3  # no second wait while nobody listens
    listener = redis.Redis.from_url(settings.REDIS_URL).pubsub()
    listener.subscribe(channel)
    writer.emit("lead-created", {"n": 3}, room="user-1")
    assert not writer.listeners_gone
    listener.close()


def test_a_batch_reads_its_leads_in_one_query_and_presents_each_once(user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from frontend import realtime

    leads = [LeadFactory(owner=user) for _ in range(5)]
    events = []
    for lead in leads:
        lead_id = str(lead.id)
        events += [
            _event("lead.created", {"lead_id": lead_id}, user.id),
            _event("lead.updated", {"lead_id": lead_id, "changed": ["status", "queued_at"], "status": "queued"}, user.id),
            _event("lead.updated", {"lead_id": lead_id, "changed": ["processing_stage"], "status": "processing"}, user.id),
            _event("lead.progress", {"lead_id": lead_id, "stage_status": "running", "agent_name": "a"}, user.id),
            _event("lead.completed", {"lead_id": lead_id}, user.id),
        ]
    with CaptureQueriesContext(connection) as queries, \
            mock.patch.object(realtime, "present_lead", wraps=realtime.present_lead) as presented:
        emits = realtime.render_batch(events)
    assert len(queries) == 2  # the leads' rows, the enrichment starts: whatever the number of events
    assert presented.call_count == len(leads)
    names = [name for name, _, _ in emits]
    assert names.count("lead-created") == names.count("lead-enriched") == len(leads)
    assert [payload["lead"]["id"] for name, payload, _ in emits if name == "lead-created"] == [str(x.id) for x in leads]


def test_an_event_that_cannot_be_rendered_does_not_hold_back_the_batch(user):
    from frontend import realtime

    events = [_event("lead.deleted", {"lead_id": "a"}, user.id), _event("quota.updated", {"total": "x", "used": 1}, user.id),  # a bug: a text total
              _event("lead.deleted", {"lead_id": "b"}, user.id)]
    assert [payload for _, payload, _ in realtime.render_batch(events)] == [{"leadId": "a"}, {"leadId": "b"}]


def test_the_relays_writer_publishes_a_batch_in_one_round_trip_in_order(settings):
    if not settings.REDIS_URL:
        pytest.skip("needs Redis")
    channel = f"nellia-test-{uuid.uuid4()}"
    listener = redis.Redis.from_url(settings.REDIS_URL).pubsub(ignore_subscribe_messages=True)
    listener.subscribe(channel)
    writer = sio_module.RelayRedisWriter(settings.REDIS_URL, channel=channel, write_only=True)
    writer._redis_connect()
    with mock.patch.object(writer.redis, "publish", wraps=writer.redis.publish) as direct, \
            mock.patch.object(redis.client.Pipeline, "execute", autospec=True,
                              side_effect=redis.client.Pipeline.execute) as round_trips:
        writer.emit_many([("lead-stage-update", {"n": n}, "user-1") for n in range(40)])
    assert round_trips.call_count == 1 and direct.call_count == 0
    received, deadline = [], time.monotonic() + 5
    while len(received) < 40 and time.monotonic() < deadline:
        if message := listener.get_message(timeout=0.5):  # None for the subscription's own confirmation
            received.append(writer.json.loads(message["data"]))
    assert [m["data"] for m in received] == [[{"n": n}] for n in range(40)]
    assert received[0] | {"host_id": None} == {"method": "emit", "event": "lead-stage-update", "data": [{"n": 0}],
                                               "binary": False, "namespace": "/", "room": "user-1", "skip_sid": None,
                                               "callback": None, "host_id": None}
    listener.close()


def _fan_out_manager():
    """A FanOutRedisManager (never connected) with five sockets: e0–e3 in room user-1 (e3 closed), e4 in user-2."""
    import asyncio
    from types import SimpleNamespace

    manager = sio_module.FanOutRedisManager("redis://127.0.0.1:1/0", channel="nellia-test")
    server = sio_module.socketio.AsyncServer(async_mode="asgi", client_manager=manager)
    sockets = {f"e{n}": SimpleNamespace(closed=n == 3, queue=asyncio.Queue()) for n in range(5)}
    server.eio.sockets.update(sockets)
    for n in range(5):
        manager.basic_enter_room(f"s{n}", "/", None, eio_sid=f"e{n}")
        manager.basic_enter_room(f"s{n}", "/", "user-1" if n < 4 else "user-2")
    return manager, server, sockets


def _relayed(event, data, room, **fields):
    return {"method": "emit", "event": event, "data": [data], "binary": False, "namespace": "/", "room": room,
            "skip_sid": None, "callback": None, "host_id": "relay", **fields}


def _queued(sockets):
    return {eio_sid: [socket.queue.get_nowait() for _ in range(socket.queue.qsize())] for eio_sid, socket in sockets.items()}


async def test_the_web_processes_queue_a_relayed_emit_on_each_socket_of_the_room_encoded_once():
    """frontend.socketio.FanOutRedisManager: one encoding per emit, no task per socket, other rooms untouched."""
    import engineio.packet

    manager, server, sockets = _fan_out_manager()
    message = _relayed("lead-deleted", {"leadId": "x"}, "user-1")
    with mock.patch.object(server.packet_class, "encode", autospec=True, side_effect=server.packet_class.encode) as encode, \
            mock.patch("asyncio.create_task") as tasks, mock.patch.object(sio_module, "lean_frames_in_use", return_value=False):
        await manager._handle_emit(message)
    assert encode.call_count == 1 and tasks.call_count == 0
    queued = _queued(sockets)
    assert [len(queued[f"e{n}"]) for n in range(5)] == [1, 1, 1, 0, 0]  # e3 is closed, e4 in another room
    packet = queued["e0"][0]
    assert packet is queued["e1"][0] and packet.packet_type == engineio.packet.MESSAGE
    assert packet.encode() == '42["lead-deleted",{"leadId":"x"}]'


async def test_under_daphnes_lean_protocol_the_emits_read_together_reach_a_socket_as_one_batch():
    """The emits of a relay pass, read in one go: each socket gets them in order as one PacketBatch, built once for
    the sockets that got the same; a socket that got one emit gets that packet; a non-relayed emit waits its turn."""
    import asyncio

    from engineio.payload import Payload

    from nellia.daphne_websocket import Messages

    manager, _server, sockets = _fan_out_manager()
    with mock.patch.object(sio_module, "lean_frames_in_use", return_value=True):
        await manager._handle_emit(_relayed("lead-created", {"n": 1}, "user-1"))
        await manager._handle_emit(_relayed("agent-update", {"n": 2}, None))
        await manager._handle_emit(_relayed("lead-created", {"n": 3}, "user-1"))
        assert all(socket.queue.empty() for socket in sockets.values())  # gathered until the loop's next turn
        await asyncio.sleep(0)
        with mock.patch.object(sio_module.socketio.AsyncRedisManager, "_handle_emit") as python_socketio:
            await manager._handle_emit(_relayed("lead-created", {"n": 4}, "user-1"))  # gathered...
            await manager._handle_emit(_relayed("lead-created", {"n": 5}, "user-1", skip_sid="s0"))  # ...goes first
            python_socketio.assert_awaited_once()
    queued = _queued(sockets)
    assert [len(queued[f"e{n}"]) for n in range(5)] == [2, 2, 2, 0, 1]
    batch = queued["e0"][0]
    assert batch is queued["e1"][0] is queued["e2"][0]
    texts = ['42["lead-created",{"n":1}]', '42["agent-update",{"n":2}]', '42["lead-created",{"n":3}]']
    encoded = batch.encode()
    assert isinstance(encoded, Messages) and encoded.messages == tuple(texts)
    assert Payload(packets=[batch]).encode() == "\x1e".join(texts)  # what a socket on long polling receives
    assert queued["e4"][0].encode() == '42["agent-update",{"n":2}]'  # one emit: the packet itself
    assert queued["e0"][1].encode() == '42["lead-created",{"n":4}]'
