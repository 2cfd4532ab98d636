"""The `/api/` shapes of chat (also the `data.message` of `chat.message` events)."""

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agents.models import Agent
from chat.models import Attachment, ChatMessage


def attachment_url(attachment: Attachment) -> str:
    return reverse("chat-attachment-download", kwargs={"attachment_id": attachment.pk})


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "url", "created_at"]
        read_only_fields = fields

    def get_url(self, obj: Attachment) -> str:
        return attachment_url(obj)


class MessageAttachmentSerializer(AttachmentSerializer):
    class Meta(AttachmentSerializer.Meta):
        fields = ["id", "name", "content_type", "size", "url"]
        read_only_fields = fields


class ChatMessageSerializer(serializers.ModelSerializer):
    agent_id = serializers.UUIDField(read_only=True)
    lead_id = serializers.UUIDField(read_only=True, allow_null=True)
    attachments = MessageAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = ChatMessage
        fields = ["id", "agent_id", "sender", "content", "lead_id", "attachments", "status", "created_at"]
        read_only_fields = fields


def message_dict(message: ChatMessage) -> dict[str, Any]:
    """A message as `/api/` renders it, as plain JSON-able data (ids and dates as strings)."""
    data = ChatMessageSerializer(message).data
    return {
        **data,
        "id": str(message.pk),
        "agent_id": str(message.agent_id),
        "lead_id": str(message.lead_id) if message.lead_id else None,
        "attachments": [{**item, "id": str(item["id"])} for item in data["attachments"]],
    }


class PostMessageSerializer(serializers.Serializer):
    content = serializers.CharField(max_length=10000, trim_whitespace=True)
    lead_id = serializers.UUIDField(required=False, allow_null=True)
    attachment_ids = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=10, default=list)


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=False, use_url=False)


class LastMessageSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    sender = serializers.ChoiceField(choices=ChatMessage.Sender.choices)
    content = serializers.CharField()
    status = serializers.ChoiceField(choices=ChatMessage.Status.choices)
    created_at = serializers.DateTimeField()


class ChatAgentSerializer(serializers.ModelSerializer):
    last_message = serializers.SerializerMethodField()

    class Meta:
        model = Agent
        fields = ["id", "name", "display_name", "status", "last_message"]
        read_only_fields = fields

    @extend_schema_field(LastMessageSerializer(allow_null=True))
    def get_last_message(self, obj: Agent) -> dict[str, Any] | None:
        message = self.context.get("last_messages", {}).get(getattr(obj, "last_message_id", None))
        if message is None:
            return None
        return LastMessageSerializer(message).data
