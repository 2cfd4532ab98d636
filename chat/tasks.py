"""Celery tasks of chat: thin adapters over chat.services."""

import logging

from celery import shared_task

from chat import selectors, services
from chat.models import ChatMessage

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def generate_chat_reply(message_id: str) -> None:
    """Have the agent answer the user message `message_id` (saves and pushes the reply)."""
    try:
        message = selectors.get_message(message_id)
    except ChatMessage.DoesNotExist:
        logger.info("Chat message %s is gone; no reply.", message_id)
        return
    services.generate_reply(message=message)
