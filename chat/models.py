import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.urls import reverse


class PrivateStorage(FileSystemStorage):
    """Files outside the web root (`PRIVATE_MEDIA_ROOT`); served only through an owner-checked view.

    The location is read from the setting at use time, so overriding the setting (tests) takes effect.
    """

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self) -> Path:
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


private_storage = PrivateStorage()


def get_private_storage() -> PrivateStorage:
    """The field's storage, as a callable so migrations reference it instead of freezing a path."""
    return private_storage


def attachment_path(instance: "Attachment", filename: str) -> str:
    # A random name: the uploaded name is kept only as metadata, never as a path.
    return f"attachments/{instance.owner_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    file = models.FileField(upload_to=attachment_path, storage=get_private_storage, max_length=300)
    text = models.TextField(blank=True, help_text="Extracted text given to the agent as context (CSV/TXT/JSON).")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The owner-only download URL."""
        return reverse("chat-attachment-download", kwargs={"attachment_id": self.pk})


class ChatMessage(models.Model):
    class Sender(models.TextChoices):
        USER = "user", "User"
        AGENT = "agent", "Agent"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_messages")
    agent = models.ForeignKey("agents.Agent", on_delete=models.CASCADE, related_name="chat_messages")
    sender = models.CharField(max_length=10, choices=Sender.choices)
    content = models.TextField()
    lead = models.ForeignKey("leads.Lead", on_delete=models.SET_NULL, null=True, blank=True, related_name="chat_messages")
    attachments = models.ManyToManyField(Attachment, blank=True, related_name="messages")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENT)
    error = models.TextField(blank=True)
    reply_to = models.OneToOneField("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reply")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "agent", "-created_at"], name="chat_owner_agent_created")]

    def __str__(self) -> str:
        return f"{self.sender}: {self.content[:40]}"
