"""Channel-layer group names: who receives an event. One place, shared by the transport and the consumers."""

import uuid
from typing import Any

GLOBAL_GROUP = "events.global"  # user_id=None events (agent status): every connected user
ADMIN_GROUP = "events.admins"  # every user's events except chat, for admins (who see every lead)


def user_group(user_id: uuid.UUID | str) -> str:
    return f"user.{user_id}"


def socketio_room(user_id: uuid.UUID | str) -> str:
    """The Socket.IO room of a user's events (the name FRONTEND.md §10 gives it)."""
    return f"user-{user_id}"


def chat_group(user_id: uuid.UUID | str, agent_id: uuid.UUID | str) -> str:
    return f"chat.{user_id}.{agent_id}"


def user_chat_group(user_id: uuid.UUID | str) -> str:
    """All of one user's chat events (an admin's events socket joins its own, not the admin group's)."""
    return f"userchat.{user_id}"


def is_chat_event(event_type: str) -> bool:
    return event_type.startswith("chat.")


def chat_agent_id(event_type: str, data: dict[str, Any]) -> str | None:
    """The agent a chat event belongs to (None for other events)."""
    if event_type == "chat.message":
        message = data.get("message") or {}
        return str(message["agent_id"]) if message.get("agent_id") else None
    if event_type == "chat.typing":
        return str(data["agent_id"]) if data.get("agent_id") else None
    return None


def groups_for(event_type: str, data: dict[str, Any], user_id: uuid.UUID | None) -> list[str]:
    """The groups an event is sent to."""
    if user_id is None:
        return [GLOBAL_GROUP]
    if not is_chat_event(event_type):
        return [user_group(user_id), ADMIN_GROUP]
    # A conversation is private, admins included: it goes to its owner only.
    groups = [user_group(user_id), user_chat_group(user_id)]
    agent_id = chat_agent_id(event_type, data)
    if agent_id:
        groups.append(chat_group(user_id, agent_id))
    return groups
