"""Chat's domain events, one typed payload and one builder each. Built from the models (no presentation code):
`data.message` has the shape of the `/api/` message, which `tests/chat/test_chat_events.py` checks."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TypedDict

from django.utils import timezone

from chat.models import Attachment, ChatMessage
from events.publisher import publish


class AttachmentRef(TypedDict):
    id: str
    name: str
    content_type: str
    size: int
    url: str


class Message(TypedDict):
    id: str
    agent_id: str
    sender: str
    content: str
    lead_id: str | None
    attachments: list[AttachmentRef]
    status: str
    created_at: str


class ChatMessageEvent(TypedDict):
    message: Message


class ChatTyping(TypedDict):
    agent_id: str
    typing: bool


def _iso(value: datetime) -> str:
    """A timestamp as the API renders it: in TIME_ZONE, ISO 8601, `Z` for UTC."""
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _attachment(attachment: Attachment) -> AttachmentRef:
    return {"id": str(attachment.pk), "name": attachment.name, "content_type": attachment.content_type,
            "size": attachment.size, "url": attachment.get_absolute_url()}


def message_payload(message: ChatMessage) -> Message:
    """A message as plain JSON-able data (the `data.message` of `chat.message`; the staff dashboard's chat)."""
    return {
        "id": str(message.pk),
        "agent_id": str(message.agent_id),
        "sender": message.sender,
        "content": message.content,
        "lead_id": str(message.lead_id) if message.lead_id else None,
        "attachments": [_attachment(a) for a in message.attachments.all()],
        "status": message.status,
        "created_at": _iso(message.created_at),
    }


def publish_message(message: ChatMessage) -> None:
    payload: ChatMessageEvent = {"message": message_payload(message)}
    publish("chat.message", dict(payload), user_id=message.owner_id)


def publish_typing(*, owner_id: uuid.UUID, agent_id: uuid.UUID, typing: bool) -> None:
    payload: ChatTyping = {"agent_id": str(agent_id), "typing": typing}
    publish("chat.typing", dict(payload), user_id=owner_id)
