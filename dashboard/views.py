"""The live operator page (`/dashboard/`): Django-rendered, staff only (session), updated over the WebSocket."""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.selectors import request_user
from chat.events import message_payload
from chat.selectors import messages_for, resolve_agent
from dashboard.selectors import agent_queue_state, dashboard_snapshot
from events.selectors import latest_event_id

CHAT_HISTORY = 30


@require_GET
@never_cache
@staff_member_required
def dashboard(request: HttpRequest) -> HttpResponse:
    snapshot = dashboard_snapshot(request_user(request))
    return render(request, "dashboard/dashboard.html", {"snapshot": snapshot, **snapshot})


@require_GET
@never_cache
@staff_member_required
def dashboard_agents(request: HttpRequest) -> JsonResponse:
    """Agents' status and queue depth (the page refreshes it when leads move)."""
    return JsonResponse({"agents": agent_queue_state()})


@require_GET
@never_cache
@staff_member_required
def dashboard_chat(request: HttpRequest, agent_id: str) -> JsonResponse:
    """The caller's latest messages with an agent, oldest first, and the log position to resume the chat from."""
    position = latest_event_id()
    agent = resolve_agent(agent_id)
    messages = list(messages_for(request.user, agent)[:CHAT_HISTORY])
    return JsonResponse(
        {"agent_id": str(agent.pk), "last_event_id": position, "messages": [message_payload(m) for m in reversed(messages)]}
    )
