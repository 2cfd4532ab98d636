"""Nellia Prospector settings.

Every knob comes from the environment (or a `.env` file). With nothing set the project runs in the
*embedded default*: SQLite, local-memory cache, in-memory channel layer and an in-process Celery worker.
`DATABASE_URL` and `REDIS_URL` switch on the real mode (PostgreSQL, Redis cache/broker/channel layer).
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (or set DEBUG=1 for development).")
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "nellia.api.views.csrf_failure"

REDIS_URL = env.str("REDIS_URL", default="")
EMBEDDED = not REDIS_URL  # in-process substitutes for Redis-backed services

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "import_export",
    "health_check",
    "simple_history",
    "channels",
    "accounts",
    "agents",
    "leads",
    "business_context",
    "chat",
    "events",
    "metrics",
    "mcp_bridge",
    "pipeline",
    "prospecting",
    "dashboard",
    "frontend",
    "registry",
]

MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "nellia.middleware.ApiRequestGuardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # who made a change, in the history of what is versioned
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "nellia.urls"
ASGI_APPLICATION = "nellia.asgi.application"
WSGI_APPLICATION = "nellia.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "metrics.context_processors.admin_metrics",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # With the pool, health checks make Django pass `check=ConnectionPool.check_connection`: a connection is
    # checked when taken from the pool, so one killed by a restart or pg_terminate_backend is replaced, never used.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DB_POOL_MIN_SIZE", default=1),
        "max_size": env.int("DB_POOL_MAX_SIZE", default=10),
        "timeout": env.int("DB_POOL_TIMEOUT", default=10),
    }
else:
    # The embedded worker threads write while requests do too: take the write lock when a transaction
    # starts (a read→write upgrade fails at once with "database is locked"), wait for it, and let WAL
    # readers proceed during writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20, transaction_mode="IMMEDIATE", init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    # The tests' database is a file too: Django's in-memory one shares its cache between threads, where a lock
    # fails at once ("database table is locked") instead of waiting, unlike the file the embedded default runs on.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "db.sqlite3-test")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Cache, channel layer, Celery -----------------------------------------------------------------
if REDIS_URL:
    # Django's Redis backend, one client object per pool (nellia/cache.py: ~0.2 ms less per cache operation).
    CACHES = {"default": {"BACKEND": "nellia.cache.RedisCache", "LOCATION": REDIS_URL}}
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # The default capacity (100) silently drops events under load; the event log covers the rest.
            # socket_timeout above channels-redis' 5 s blocking pop: redis-py 8 defaults to 5 s, and an idle
            # socket's receive then fails with TimeoutError (the consumer dies with 1011).
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": 30}],
                "capacity": env.int("CHANNEL_CAPACITY", default=1500),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": env.int("CHANNEL_CAPACITY", default=1500)},
        }
    }

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = env.int("CELERY_WORKER_PREFETCH_MULTIPLIER", default=1)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE: dict = {}
CELERY_BEAT_SCHEDULE["accounts.prune_revoked_token_families"] = {
    "task": "accounts.tasks.prune_revoked_token_families",
    "schedule": 3600.0,
}
CELERY_BEAT_SCHEDULE["events.prune_old_events"] = {"task": "events.tasks.prune_old_events", "schedule": 3600.0}
CELERY_BEAT_SCHEDULE["leads.expire_stale_prospect_jobs"] = {"task": "leads.expire_stale_prospect_jobs", "schedule": 300.0}
CELERY_BEAT_SCHEDULE["leads.sweep_stale_stages"] = {
    "task": "leads.sweep_stale_stages", "schedule": env.float("STAGE_SWEEP_SECONDS", default=15.0)
}
CELERY_BEAT_SCHEDULE["metrics.compact_lead_counts"] = {"task": "metrics.compact_lead_counts", "schedule": 600.0}
# The embedded default runs a worker thread inside the web process; off in tests and real mode.
CELERY_EMBEDDED_WORKER = env.bool("CELERY_EMBEDDED_WORKER", default=EMBEDDED)

# --- Auth -----------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ALLOW_REGISTRATION = env.bool("ALLOW_REGISTRATION", default=True)
DEFAULT_USER_PLAN = env.str("DEFAULT_USER_PLAN", default="free")
# Login attempts per IP (any e-mail), in a sliding window (a DRF throttle); registrations per IP likewise.
LOGIN_RATE_LIMIT = env.str("LOGIN_RATE_LIMIT", default="10/m")
REGISTER_RATE_LIMIT = env.str("REGISTER_RATE_LIMIT", default="10/m")
# django-axes: failed logins per (e-mail, IP) within a sliding window of LOGIN_LOCKOUT_SECONDS (each failure
# expires on its own); past the limit that pair is locked until the window has no failures left. Keyed by the
# pair, so nobody can lock a user out from another IP.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(seconds=env.int("LOGIN_LOCKOUT_SECONDS", default=900))
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "email"
AXES_USERNAME_CALLABLE = "accounts.views.axes_username"
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout_response"
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(seconds=env.int("ACCESS_TOKEN_LIFETIME", default=900)),
    "REFRESH_TOKEN_LIFETIME": timedelta(seconds=env.int("REFRESH_TOKEN_LIFETIME", default=7 * 86400)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "AUTH_HEADER_TYPES": ("Bearer",),
    # A hash of the password in every token: changing the password revokes every token of the user.
    "CHECK_REVOKE_TOKEN": True,
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
}
FRONTEND_ACCESS_TOKEN_LIFETIME = env.int("FRONTEND_ACCESS_TOKEN_LIFETIME", default=86400)

# --- DRF and OpenAPI ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.authentication.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "nellia.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "nellia.api.filters.UnaccentSearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    # JSON only (multipart where a view takes an upload): the schema then offers what the views accept.
    "DEFAULT_PARSER_CLASSES": ["nellia.api.parsers.JSONParser"],
    # DRF's JSON bytes, encoded by orjson where it writes the same (nellia/api/renderers.py).
    "DEFAULT_RENDERER_CLASSES": ["nellia.api.renderers.JSONRenderer", "rest_framework.renderers.BrowsableAPIRenderer"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_SCHEMA_CLASS": "nellia.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "nellia.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "nellia.api.throttling.WriteRateThrottle",
        "rest_framework.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "writes": env.str("WRITE_RATE_LIMIT", default="120/m"),  # per user, every POST/PUT/PATCH/DELETE
        "expensive": env.str("EXPENSIVE_RATE_LIMIT", default="60/m"),  # per user: import, export, boards, big lists
        "login": LOGIN_RATE_LIMIT,
        "register": REGISTER_RATE_LIMIT,
    },
    "COERCE_DECIMAL_TO_STRING": False,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Nellia Prospector API",
    "DESCRIPTION": "AI-driven B2B lead prospecting: leads, agents, business context, chat and metrics.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # System fonts: the stock Roboto/Montserrat would come from Google Fonts (nellia/api/docs.py).
    "REDOC_UI_SETTINGS": {
        "theme": {
            "typography": {
                "fontFamily": "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
                "headings": {"fontFamily": "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"},
                "code": {"fontFamily": "ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace"},
            }
        }
    },
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/(v1/)?",
    "PREPROCESSING_HOOKS": ["nellia.api.schema.contract_paths"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "nellia.api.agent_schema.add_agent_components",
        "nellia.api.schema.add_error_components",
    ],
    "ENUM_NAME_OVERRIDES": {
        "LeadStatusEnum": "leads.models.Lead.Status",
        "AgentStatusEnum": "agents.models.Agent.Status",
        "ChatMessageStatusEnum": "chat.models.ChatMessage.Status",
        "MetricsRangeEnum": ["24h", "7d", "30d", "90d"],
    },
}

# --- CORS and security ----------------------------------------------------------------------------
CORS_ALLOWED_ORIGINS = env.list(
    "CORS_ALLOWED_ORIGINS",
    default=[
        "http://localhost:8080",
        "http://127.0.0.1:8080",
        "http://localhost:4173",
        "http://localhost:3000",
        "http://localhost:5173",
    ],
)
CORS_ALLOW_HEADERS = ["authorization", "content-type"]
CORS_ALLOW_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG and not EMBEDDED)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_PROXY", default=False) else None

# --- I18N, static, uploads ------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="America/Sao_Paulo")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
# Chat attachments live outside any served directory and are streamed only to their owner.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private")))
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=25 * 1024 * 1024)
FRONTEND_DIST_DIR = env.str("FRONTEND_DIST_DIR", default="")

# --- Agent server (MCP) ---------------------------------------------------------------------------
# Empty MCP_SERVER_URL: the bundled agent server runs in process (embedded default).
MCP_SERVER_URL = env.str("MCP_SERVER_URL", default="")
# One secret: the bearer token the agent server requires and the bridge sends. MCP_SERVER_TOKEN is its former
# name, still read when AGENT_SERVER_TOKEN is not set.
AGENT_SERVER_TOKEN = env.str("AGENT_SERVER_TOKEN", default="") or env.str("MCP_SERVER_TOKEN", default="")
MCP_CALL_TIMEOUT = env.float("MCP_CALL_TIMEOUT", default=30.0)
MCP_MAX_RETRIES = env.int("MCP_MAX_RETRIES", default=3)
MCP_RETRY_BACKOFF = env.float("MCP_RETRY_BACKOFF", default=0.5)

# --- Pipeline, events, prospecting ----------------------------------------------------------------
# A stage's lease: its task must start (or, running, renew every third of it) within this, else it is sent again.
STAGE_STALE_AFTER_SECONDS = env.int("STAGE_STALE_AFTER_SECONDS", default=30)
# A stage task goes on with the lead's next stages in the same task, at most this many stages in all, while each
# succeeds and the next one's agent runs: a lead costs one broker message and one transaction per stage, not three.
# 1: every stage is a task of its own (the next one queued behind the other leads' tasks).
PIPELINE_STAGES_PER_TASK = env.int("PIPELINE_STAGES_PER_TASK", default=5)
# Leads per stage task when a batch is enqueued: their stages run side by side, the tool calls in flight together
# and each step's writes shared (one transaction and a few statements per batch). 1: a task per lead.
PIPELINE_BATCH_SIZE = max(1, env.int("PIPELINE_BATCH_SIZE", default=10))
STAGE_MAX_REQUEUES = env.int("STAGE_MAX_REQUEUES", default=3)  # lost running attempts of one stage before failing
# Agent server unreachable: the lead waits and is tried again after 5 s, 10 s, 20 s ... up to this.
AGENT_SERVER_RETRY_MAX_SECONDS = env.int("AGENT_SERVER_RETRY_MAX_SECONDS", default=30)
AGENT_ERROR_AFTER_FAILURES = env.int("AGENT_ERROR_AFTER_FAILURES", default=3)  # consecutive failures → error
# A worker process writes an agent's processing/active status at most this often (the last change of a burst is
# written at its end; failures at once): agents.status_writer.
AGENT_STATUS_WRITE_SECONDS = env.float("AGENT_STATUS_WRITE_SECONDS", default=0.5)
EVENT_RETENTION_HOURS = env.int("EVENT_RETENTION_HOURS", default=72)
# The event relay (events.relay): a thread of the web process in the embedded default, else `manage.py relay_events`.
EVENT_RELAY_EMBEDDED = env.bool("EVENT_RELAY_EMBEDDED", default=EMBEDDED)
EVENT_RELAY_POLL_SECONDS = env.float("EVENT_RELAY_POLL_SECONDS", default=1.0)  # woken by NOTIFY on PostgreSQL
# The relay starts a pass at most this often: a commit after a quiet spell is relayed at once, and the commits of a
# burst that come sooner share the next pass (a pass costs mostly per pass, not per event).
EVENT_RELAY_COALESCE_SECONDS = env.float("EVENT_RELAY_COALESCE_SECONDS", default=0.05)
# Socket.IO `agent-update`: each agent's status at most this often (the last change of a burst comes at its end).
AGENT_UPDATE_INTERVAL_SECONDS = env.float("AGENT_UPDATE_INTERVAL_SECONDS", default=0.5)
# A served process (nellia.asgi) freezes its heap once warm (nellia.heap): an HTTP worker after this many requests,
# the real-time service at its first WebSocket connection (0: never).
GC_FREEZE_AFTER_REQUESTS = env.int("GC_FREEZE_AFTER_REQUESTS", default=50)
METRICS_CACHE_SECONDS = env.int("METRICS_CACHE_SECONDS", default=10)
PROSPECT_MAX_LEADS_PER_JOB = env.int("PROSPECT_MAX_LEADS_PER_JOB", default=20)
PROSPECT_COOLDOWN_SECONDS = env.int("PROSPECT_COOLDOWN_SECONDS", default=3600)
PROSPECT_JOB_TIMEOUT_SECONDS = env.int("PROSPECT_JOB_TIMEOUT_SECONDS", default=1800)

# --- CNPJ registry (Receita Federal open data) ----------------------------------------------------
REGISTRY_BASE_URL = env.str("REGISTRY_BASE_URL", default="https://arquivos.receitafederal.gov.br/dados/cnpj/dados_abertos_cnpj/")
REGISTRY_DOWNLOAD_DIR = Path(env.str("REGISTRY_DOWNLOAD_DIR", default=str(BASE_DIR / "var" / "registry")))
REGISTRY_STORE_PARTNERS = env.bool("REGISTRY_STORE_PARTNERS", default=False)  # sócios are natural persons (LGPD)
REGISTRY_COUNT_CAP = env.int("REGISTRY_COUNT_CAP", default=10_000)  # exact search counts up to this many

# --- Website enrichment at intake ------------------------------------------------------------------
ENRICHMENT_ENABLED = env.bool("ENRICHMENT_ENABLED", default=True)
ENRICHMENT_TIMEOUT_SECONDS = env.float("ENRICHMENT_TIMEOUT_SECONDS", default=5.0)
ENRICHMENT_MAX_BYTES = env.int("ENRICHMENT_MAX_BYTES", default=1_500_000)  # per page
ENRICHMENT_MAX_PAGES = env.int("ENRICHMENT_MAX_PAGES", default=5)  # home page included
ENRICHMENT_CACHE_SECONDS = env.int("ENRICHMENT_CACHE_SECONDS", default=86_400)
# Only for tests with a local fixture site: loopback/private addresses are refused otherwise (SSRF guard).
ENRICHMENT_ALLOW_PRIVATE_ADDRESSES = env.bool("ENRICHMENT_ALLOW_PRIVATE_ADDRESSES", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # httpx2 logs every MCP request at INFO; the bridge logs what matters.
    "loggers": {"django.request": {"level": "ERROR"}, "httpx2": {"level": "WARNING"}, "httpx": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
