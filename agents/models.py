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
