"""`/ws/chat/<agent_id>/`: one conversation with one agent, live; the client may also send messages here."""

from typing import Any

from channels.db import database_sync_to_async
from django.core.exceptions import ValidationError
from django.http import Http404

from chat import selectors, services
from events.consumers import EventStreamConsumer
from events.frames import event_frame
from events.groups import chat_group
from events.selectors import chat_events_after


class ChatConsumer(EventStreamConsumer):
    async def authorize(self) -> bool:
        ref = self.scope["url_route"]["kwargs"]["agent_id"]
        try:
            self.agent = await database_sync_to_async(selectors.resolve_agent)(ref)
        except Http404:
            return False
        return True

    def groups_to_join(self) -> list[str]:
        return [chat_group(self.user.pk, self.agent.pk)]

    def replay_batch(self, after_id: int) -> list[dict[str, Any]]:
        return [event_frame(event) for event in chat_events_after(self.user.pk, self.agent.pk, after_id)]

    def may_receive(self, owner_id: str, frame: dict[str, Any]) -> bool:
        # A chat is always the caller's own, admins included.
        return owner_id == str(self.user.pk)

    async def handle_client_message(self, message_type: str, payload: dict[str, Any]) -> None:
        if message_type != "chat.send":
            await self.send_error("unknown_type", f"Unknown message type {message_type!r}.")
            return
        content = payload.get("content")
        if not isinstance(content, str) or not content.strip():
            await self.send_error("invalid", "content: This field is required.", fields={"content": ["This field is required."]})
            return
        attachment_ids = payload.get("attachment_ids") or []
        if not isinstance(attachment_ids, list):
            await self.send_error("invalid", "attachment_ids: Expected a list.", fields={"attachment_ids": ["Expected a list."]})
            return
        try:
            await database_sync_to_async(services.post_user_message)(
                owner=self.user,
                agent=self.agent,
                content=content,
                lead_id=payload.get("lead_id") or None,
                attachment_ids=attachment_ids,
            )
        except ValidationError as exc:
            fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
            name, messages = next(iter(fields.items()))
            await self.send_error("invalid", f"{name}: {messages[0]}", fields=fields)
        # The saved message reaches this socket as a `chat.message` event, like every other client's.
