import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, OrderBy, Q

from leads.websites import normalize_website, site_key

SCORE_VALIDATORS = [MinValueValidator(0.0), MaxValueValidator(1.0)]

COMPLETED = "completed"


class Stage(models.TextChoices):
    """The pipeline's stages, in order (each is declared with its agent and tool in `pipeline.stages`)."""

    INTAKE = "intake", "Intake"
    ANALYSIS = "analysis", "Analysis"
    PERSONA = "persona", "Persona"
    STRATEGY = "strategy", "Strategy"
    MESSAGE = "message", "Message"


class NullsOrderIndex(models.Index):
    """An index on ordered expressions whose NULLS FIRST/LAST applies where the database allows it in an index.

    SQLite rejects NULLS LAST in CREATE INDEX; there NULLs sort lowest, so a plain DESC already puts them last.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        plain = [
            (e.expression.desc() if e.descending else e.expression.asc()) if isinstance(e, OrderBy) else e
            for e in self.expressions
        ]
        return models.Index(*plain, name=self.name).create_sql(model, schema_editor, using=using, **kwargs)


class ProspectJob(models.Model):
    """A harvest of new leads for a user, then their enrichment through the pipeline."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"

    RUNNING = (Status.WAITING, Status.ACTIVE)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="prospect_jobs")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.WAITING)
    progress = models.PositiveSmallIntegerField(default=0)
    current_step = models.CharField(max_length=300, blank=True)
    search_query = models.CharField(max_length=500, blank=True)
    max_leads = models.PositiveIntegerField(default=0)
    candidates_found = models.PositiveIntegerField(default=0)
    leads_created = models.PositiveIntegerField(default=0)
    duplicates_skipped = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="job_owner_created")]
        constraints = [
            # One running job per user, enforced by the database so concurrent starts cannot both win.
            models.UniqueConstraint(
                fields=["owner"], condition=Q(status__in=["waiting", "active"]), name="one_running_job_per_owner"
            )
        ]

    def __str__(self) -> str:
        return f"Prospect job {self.id} ({self.status})"


class Lead(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        QUEUED = "queued", "Queued"
        PROCESSING = "processing", "Processing"
        WAITING = "waiting", "Waiting"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"

    # The stages and `completed`: where the lead is in the pipeline. (The stubs know only the one-name form of the
    # functional API.)
    ProcessingStage = models.TextChoices(  # type: ignore[call-overload]
        "ProcessingStage", [*((stage.name, (stage.value, stage.label)) for stage in Stage), ("COMPLETED", (COMPLETED, "Completed"))]
    )

    class Tier(models.TextChoices):
        HIGH = "high_potential", "High potential"
        MEDIUM = "medium_potential", "Medium potential"
        LOW = "low_potential", "Low potential"
        NOT_QUALIFIED = "not_qualified", "Not qualified"

    class BoardStage(models.TextChoices):
        PROSPECTING = "prospecting", "Prospecting"
        LEAD_QUALIFICATION = "lead_qualification", "Lead qualification"
        ANALYZING_REFINING = "analyzing_refining", "Analyzing / refining"
        POSSIBLY_QUALIFIED = "possibly_qualified", "Possibly qualified"
        REVISANDO = "revisando", "Revisando"
        PRIMEIRAS_MENSAGENS = "primeiras_mensagens", "Primeiras mensagens"
        NEGOCIANDO = "negociando", "Negociando"
        REUNIAO_AGENDADA = "reuniao_agendada", "Reunião agendada"
        DESQUALIFICADO = "desqualificado", "Desqualificado"

    class Source(models.TextChoices):
        MANUAL = "manual", "Manual"
        API = "api", "API"
        IMPORT = "import", "Import"
        HARVEST = "harvest", "Harvest"
        REGISTRY = "registry", "CNPJ registry"
        DEMO = "demo", "Demo"

    ACTIVE_STATUSES = (Status.QUEUED, Status.PROCESSING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="leads")
    company_name = models.CharField(max_length=255)
    website = models.CharField(max_length=500, blank=True, help_text="As given, tidied: scheme added, host lower-cased.")
    website_key = models.CharField(
        max_length=255, blank=True, editable=False,
        help_text="The website's registrable domain (acme.com.br): a lead per site and owner.",
    )
    description = models.TextField(blank=True)
    source_text = models.TextField(blank=True)
    company_sector = models.CharField(max_length=120, blank=True)
    company_size = models.CharField(max_length=60, blank=True)
    market_region = models.CharField(max_length=120, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=60, blank=True)
    contact_role = models.CharField(max_length=120, blank=True)
    annual_revenue = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL)
    cnpj = models.CharField(max_length=14, blank=True, default="", db_default="", help_text="14 digits, when the lead came from the CNPJ registry.")

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    processing_stage = models.CharField(
        max_length=20, choices=ProcessingStage.choices, default=ProcessingStage.INTAKE
    )
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    board_stage = models.CharField(max_length=30, choices=BoardStage.choices, null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True, help_text="When it last entered a queue; orders waiting leads.")
    lease_expires_at = models.DateTimeField(
        null=True, blank=True, editable=False,
        help_text="Queued/processing: the stage's task must start or renew by then, or the sweeper sends it again. "
        "Waiting for the agent server: when to try again.",
    )

    relevance_score = models.FloatField(null=True, blank=True, validators=SCORE_VALIDATORS)
    roi_potential_score = models.FloatField(null=True, blank=True, validators=SCORE_VALIDATORS)
    brazilian_market_fit = models.FloatField(null=True, blank=True, validators=SCORE_VALIDATORS)
    overall_score = models.FloatField(null=True, blank=True, validators=SCORE_VALIDATORS)
    qualification_tier = models.CharField(max_length=20, choices=Tier.choices, null=True, blank=True)

    analysis = models.JSONField(null=True, blank=True)
    persona = models.JSONField(null=True, blank=True)
    pain_point_analysis = models.JSONField(default=list, blank=True)
    purchase_triggers = models.JSONField(default=list, blank=True)
    strategy = models.JSONField(null=True, blank=True)
    message = models.JSONField(null=True, blank=True)
    enrichment_data = models.JSONField(default=dict, blank=True)
    context_version = models.PositiveIntegerField(null=True, blank=True, help_text="Business context version used.")
    last_error = models.TextField(blank=True)

    prospect_job = models.ForeignKey(ProspectJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="leads")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "website_key"], condition=~Q(website_key=""), name="unique_site_per_owner"
            ),
            models.UniqueConstraint(fields=["owner", "cnpj"], condition=~Q(cnpj=""), name="unique_cnpj_per_owner"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="lead_progress_0_100"),
        ]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="lead_owner_created"),
            # (owner, status) queries use it too; `processed_at` serves "completed since" (processed today).
            models.Index(fields=["owner", "status", "processed_at"], name="lead_owner_status_processed"),
            models.Index(fields=["owner", "processing_stage"], name="lead_owner_stage"),
            models.Index(fields=["owner", "qualification_tier"], name="lead_owner_tier"),
            models.Index(fields=["owner", "board_stage"], name="lead_owner_board"),
            models.Index(fields=["owner", "company_sector"], name="lead_owner_sector"),
            models.Index(fields=["owner", "market_region"], name="lead_owner_region"),
            # Scores: in the order lists ask for ("best first": `-score` = DESC NULLS LAST, then `-id` to break
            # ties), so a page is a walk of the index instead of a sort of every matching (wide) row. They serve
            # the score range filters as well.
            *(
                NullsOrderIndex("owner", F(score).desc(nulls_last=True), F("id").desc(), name=f"lead_owner_{short}_desc")
                for score, short in (
                    ("relevance_score", "relevance"),
                    ("roi_potential_score", "roi"),
                    ("brazilian_market_fit", "fit"),
                    ("overall_score", "overall"),
                )
            ),
            models.Index(fields=["owner", "updated_at"], name="lead_owner_updated"),
            models.Index(fields=["created_at"], name="lead_created"),
            models.Index(fields=["status", "processing_stage", "queued_at"], name="lead_queue"),
            models.Index(fields=["status", "lease_expires_at"], name="lead_lease"),
            # The agents' queue depths (agents.selectors.queue_depths): an index-only count of the pending leads
            # per stage, however many finished leads the table holds.
            models.Index(
                fields=["processing_stage"], condition=Q(status__in=["queued", "waiting", "processing"]),
                name="lead_pending_stage",
            ),
            models.Index(fields=["processed_at"], name="lead_processed"),
            # Covering index for the dashboard aggregate (metrics.selectors.overview): an index-only scan instead
            # of reading the wide rows (JSON results) of every lead.
            models.Index(
                fields=["owner", "status", "processing_stage", "qualification_tier"],
                include=["relevance_score", "roi_potential_score", "brazilian_market_fit", "processed_at", "queued_at"],
                name="lead_owner_overview",
            ),
        ]

    def __str__(self) -> str:
        return self.company_name

    def save(self, *args, **kwargs):
        self.website = normalize_website(self.website)
        self.website_key = site_key(self.website)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "website" in update_fields:
            kwargs["update_fields"] = {*update_fields, "website_key"}
        super().save(*args, **kwargs)
