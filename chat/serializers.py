"""The `/api/` shapes of chat."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agents.models import Agent
from chat.models import Attachment, ChatMessage


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "url", "created_at"]
        read_only_fields = fields

    def get_url(self, obj: Attachment) -> str:
        return obj.get_absolute_url()


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
