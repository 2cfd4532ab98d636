"""Writes of chat: messages, agent replies and attachments. Side effects (events, tasks) run after commit."""

import logging
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404

from agents.models import Agent
from business_context.selectors import context_as_agent_data, context_for
from chat import selectors
from chat.events import publish_message, publish_typing
from chat.models import Attachment, ChatMessage
from chat.uploads import AttachmentTooLarge, check_upload
from leads.selectors import get_lead_for
from mcp_bridge import client as bridge
from mcp_bridge.errors import AgentServerUnavailable, AgentToolError
from nellia.tasks import queue_after_commit

logger = logging.getLogger(__name__)

REPLY_TASK = "chat.tasks.generate_chat_reply"

__all__ = ["AttachmentTooLarge", "generate_reply", "post_user_message", "save_attachment"]

MAX_CONTENT_CHARS = 10_000
MAX_ATTACHMENTS = 10


def post_user_message(
    *,
    owner: Any,
    agent: Agent | str,
    content: str,
    lead_id: Any = None,
    attachment_ids: Iterable[Any] = (),
) -> ChatMessage:
    """Save `owner`'s message to `agent` (an Agent, or its id, name or stage), then have the agent reply.

    Raises Http404 for an unknown agent and ValidationError for blank content, a lead the owner cannot see or
    attachments they do not own. The reply comes from a Celery task enqueued after the commit.
    """
    agent = selectors.resolve_agent(agent)
    content = (content or "").strip()
    if not content:
        raise ValidationError({"content": ["This field may not be blank."]})
    if len(content) > MAX_CONTENT_CHARS:
        raise ValidationError({"content": [f"Ensure this field has no more than {MAX_CONTENT_CHARS} characters."]})
    lead = None
    if lead_id:
        try:
            lead = get_lead_for(owner, lead_id)
        except Http404:
            raise ValidationError({"lead_id": ["Lead not found."]}) from None
    attachments = _owned_attachments(owner, attachment_ids)

    with transaction.atomic():
        message = ChatMessage.objects.create(
            owner=owner, agent=agent, sender=ChatMessage.Sender.USER, content=content, lead=lead,
            status=ChatMessage.Status.SENT,
        )  # fmt: skip
        if attachments:
            message.attachments.set(attachments)
        publish_message(message)
        queue_after_commit(REPLY_TASK, str(message.pk))
    return message


def _owned_attachments(owner: Any, attachment_ids: Iterable[Any]) -> list[Attachment]:
    ids: list[uuid.UUID] = []
    for raw in attachment_ids or ():
        try:
            ids.append(raw if isinstance(raw, uuid.UUID) else uuid.UUID(str(raw)))
        except ValueError:
            raise ValidationError({"attachment_ids": [f"{raw!r} is not a valid attachment id."]}) from None
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_ATTACHMENTS:
        raise ValidationError({"attachment_ids": [f"At most {MAX_ATTACHMENTS} attachments per message."]})
    found = list(selectors.attachments_for(owner).filter(pk__in=ids))
    if len(found) != len(ids):
        raise ValidationError({"attachment_ids": ["Attachment not found."]})
    return found


def build_chat_arguments(message: ChatMessage) -> dict[str, Any]:
    """The agent server's `chat` tool input for a user message: the question and everything it may use."""
    owner = message.owner
    mentioned = selectors.leads_mentioned_in(owner, message.content)
    lead = message.lead or (mentioned[0] if mentioned else None)
    others = [other for other in mentioned if lead is None or other.pk != lead.pk]
    return {
        "agent_name": message.agent.name,
        "message": message.content,
        "history": selectors.recent_history(owner=owner, agent=message.agent, before=message),
        "business_context": context_as_agent_data(context_for(owner)),
        "lead": selectors.lead_as_chat_data(lead) if lead is not None else None,
        "other_leads": [selectors.lead_as_chat_data(other) for other in others],
        "pipeline": selectors.pipeline_summary(owner),
        "attachments": [{"name": a.name, "text": a.text} for a in message.attachments.all()],
    }


def generate_reply(*, message: ChatMessage) -> ChatMessage:
    """Produce, save and push the agent's reply to a user message (idempotent: one reply per message).

    `chat.typing` is true while the agent works. Any failure leaves a reply with status `failed` whose
    content says why, so the conversation never hangs.
    """
    existing = ChatMessage.objects.filter(reply_to=message).first()
    if existing is not None:
        return existing
    publish_typing(owner_id=message.owner_id, agent_id=message.agent_id, typing=True)
    status, content, error = ChatMessage.Status.SENT, "", ""
    try:
        result = bridge.call_tool("chat", build_chat_arguments(message))
        content = str(result.get("reply") or "").strip()
        if not content:
            raise AgentToolError("The agent returned an empty reply.")
    except AgentServerUnavailable as exc:
        status, error = ChatMessage.Status.FAILED, str(exc)
        content = "The agent server is unavailable right now, so I could not answer. Please try again in a moment."
    except AgentToolError as exc:
        status, error = ChatMessage.Status.FAILED, str(exc)
        content = f"I could not answer this message: {exc}"
    except Exception as exc:
        logger.exception("Chat reply to %s failed", message.pk)
        status, error = ChatMessage.Status.FAILED, f"{type(exc).__name__}: {exc}"
        content = "Something went wrong while preparing the answer. Please try again."
    try:
        with transaction.atomic():
            reply = ChatMessage.objects.create(
                owner_id=message.owner_id, agent_id=message.agent_id, sender=ChatMessage.Sender.AGENT,
                content=content, lead_id=message.lead_id, status=status, error=error, reply_to=message,
            )  # fmt: skip
            publish_message(reply)
    finally:
        publish_typing(owner_id=message.owner_id, agent_id=message.agent_id, typing=False)
    return reply


def save_attachment(*, owner: Any, upload: Any) -> Attachment:
    """Check an uploaded file on its content and store it privately under a random name.

    Raises AttachmentTooLarge (over ATTACHMENT_MAX_BYTES) or ValidationError (type not allowed, content not
    matching its extension, empty file).
    """
    limit = settings.ATTACHMENT_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise AttachmentTooLarge(size, limit)
    content = upload.read(limit + 1)
    checked = check_upload(name=getattr(upload, "name", "") or "", content=content, max_bytes=limit)
    attachment = Attachment(
        owner=owner, name=checked.name, content_type=checked.content_type, size=len(content), text=checked.text
    )
    # The stored name is random (chat.models.attachment_path); the display name is only metadata.
    attachment.file.save(checked.name, ContentFile(content), save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment

