"""The frontend chat message (FRONTEND.md §9)."""

from typing import Any

from rest_framework import serializers

from chat.models import ChatMessage


def present_message(message: ChatMessage) -> dict[str, Any]:
    return {
        "id": str(message.pk),
        "agentId": str(message.agent_id),
        "message": message.content,
        "sender": message.sender,
        "status": message.status,
        "attachments": [str(attachment.pk) for attachment in message.attachments.all()],
        "createdAt": message.created_at.isoformat(),
    }


class ChatMessageSerializer(serializers.Serializer):
    id = serializers.CharField()
    agentId = serializers.CharField()  # noqa: N815
    message = serializers.CharField()
    sender = serializers.CharField(help_text="user or agent.")
    status = serializers.CharField()
    attachments = serializers.ListField(child=serializers.CharField())
    createdAt = serializers.DateTimeField()  # noqa: N815


class ChatPostSerializer(serializers.Serializer):
    agentId = serializers.CharField()  # noqa: N815
    message = serializers.CharField(max_length=10000)
    attachments = serializers.ListField(child=serializers.CharField(), required=False, allow_null=True)
