import uuid

from django.db import models

from leads.models import Stage


class Agent(models.Model):
    """An AI agent of the pipeline; shared by all users. Its metrics are computed from `StageRun` rows."""

    class Category(models.TextChoices):
        INITIAL_PROCESSING = "initial_processing", "Initial processing"
        ORCHESTRATOR = "orchestrator", "Orchestrator"
        SPECIALIZED = "specialized", "Specialized"
        ALTERNATIVE = "alternative", "Alternative"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PROCESSING = "processing", "Processing"
        INACTIVE = "inactive", "Inactive"
        ERROR = "error", "Error"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.SlugField(max_length=100, unique=True)
    display_name = models.CharField(max_length=200)
    category = models.CharField(max_length=30, choices=Category.choices, db_index=True)
    description = models.TextField(blank=True)
    stage = models.CharField(max_length=20, choices=Stage.choices, unique=True, null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    current_task = models.CharField(max_length=300, blank=True)
    last_error = models.TextField(blank=True)
    last_heartbeat = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    llm_token_limit = models.PositiveIntegerField(default=0, help_text="0 means no limit.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_stopped(self) -> bool:
        return self.status == self.Status.INACTIVE


class StageRun(models.Model):
    """One attempt of one agent at one stage of one lead: the source of every agent metric."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="stage_runs")
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="stage_runs")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    attempt = models.PositiveIntegerField(default=1)
    task_id = models.CharField(max_length=255, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    total_tokens = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["agent", "finished_at"], name="stagerun_agent_finished"),
            models.Index(fields=["lead", "stage", "-started_at"], name="stagerun_lead_stage"),
            models.Index(fields=["status", "started_at"], name="stagerun_status_started"),
            models.Index(fields=["finished_at"], name="stagerun_finished"),
        ]

    def __str__(self) -> str:
        return f"{self.stage} of {self.lead_id} ({self.status})"


class AgentRunCounts(models.Model):
    """Signed changes of an agent's finished-run numbers (PostgreSQL; `nellia.deltas`).

    Database triggers on `agents_stagerun` (migration 0003) append, in the statement that changed the runs, one row
    per agent whose numbers it changed: closing runs, failing them, deleting them (a lead's cascade), whatever
    wrote them. The numbers of an agent are the sum of its rows, so `agents.selectors.metrics_for_agents` reads a
    few rows per agent instead of aggregating its whole history on every status broadcast. On SQLite (the embedded
    default) there are no triggers and the runs are aggregated.
    """

    id = models.BigAutoField(primary_key=True)
    # Not a foreign key: an agent with runs cannot be deleted (StageRun.agent is PROTECT), and rows stay appends.
    agent_id = models.UUIDField(db_index=True)
    succeeded = models.BigIntegerField(default=0)
    failed = models.BigIntegerField(default=0)
    timed = models.BigIntegerField(default=0)  # succeeded runs with a duration
    duration_ms = models.BigIntegerField(default=0)  # their summed duration
    prompt_tokens = models.BigIntegerField(default=0)  # token sums over finished runs
    completion_tokens = models.BigIntegerField(default=0)
    total_tokens = models.BigIntegerField(default=0)

    class Meta:
        verbose_name_plural = "agent run counts"

    def __str__(self) -> str:
        return f"{self.agent_id}: {self.succeeded:+d} succeeded, {self.failed:+d} failed"
