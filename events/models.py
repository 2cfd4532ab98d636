from django.conf import settings
from django.db import models


class Event(models.Model):
    """A published domain event. The increasing id lets a client resume with `last_event_id`."""

    id = models.BigAutoField(primary_key=True)
    type = models.CharField(max_length=50, db_index=True)
    data = models.JSONField(default=dict)
    # None: a global event (agent status) every user receives.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["user", "id"], name="event_user_id")]

    def __str__(self) -> str:
        return f"#{self.id} {self.type}"
