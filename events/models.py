from django.conf import settings
from django.db import models
from django.db.models import Q


class Event(models.Model):
    """A published domain event (the transactional outbox).

    `id` is assigned at insert, in no useful order across transactions. `seq` is assigned by the one relay
    (events.relay) once the event is committed, in the order the relay sees commits: it is the delivery order and
    the resume cursor (`last_event_id`), so a client resuming with the last `seq` it received misses nothing.
    """

    id = models.BigAutoField(primary_key=True)
    seq = models.BigIntegerField(null=True, blank=True, unique=True, editable=False)
    type = models.CharField(max_length=50, db_index=True)
    data = models.JSONField(default=dict)
    # None: a global event (agent status) every user receives.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["user", "seq"], name="event_user_seq"),
            models.Index(fields=["id"], condition=Q(seq__isnull=True), name="event_unsequenced"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq or '-'} {self.type}"


class RelayCursor(models.Model):
    """The relay's one row: the last `seq` assigned and the last one handed to every transport. Its row lock makes
    the relay single (a second relay waits), and the cursor lets a restarted relay resend what it had sequenced
    but not yet broadcast."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    assigned_seq = models.BigIntegerField(default=0)
    broadcast_seq = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"relay: assigned {self.assigned_seq}, broadcast {self.broadcast_seq}"
