"""Agents' domain event: `agent.status` (global), one typed payload and its builder."""

from __future__ import annotations

from typing import TypedDict

from agents.models import Agent
from events.publisher import publish


class AgentStatus(TypedDict):
    agent_id: str
    name: str
    status: str
    current_task: str
    last_error: str


def publish_agent_status(agent: Agent) -> None:
    payload: AgentStatus = {
        "agent_id": str(agent.pk), "name": agent.name, "status": agent.status,
        "current_task": agent.current_task, "last_error": agent.last_error,
    }
    publish("agent.status", dict(payload), user_id=None)
