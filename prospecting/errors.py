"""Why a prospecting job may not start (FRONTEND.md §7.2, checked in this order). Plain domain errors: the API
layers map them to 400/403/409 (`prospecting.api.as_api_error`)."""

from __future__ import annotations

import uuid


class StartRefusedError(Exception):
    code = "prospect_refused"
    message = "Prospecting cannot start."

    def __init__(self, message: str | None = None):
        super().__init__(message or self.message)


class BusinessContextMissing(StartRefusedError):  # noqa: N818 (named after its error code)
    code = "business_context_missing"
    message = "Save your business context before prospecting."


class JobRunning(StartRefusedError):  # noqa: N818 (named after its error code)
    code = "prospect_job_running"
    message = "A prospecting job is already running."

    def __init__(self, job_id: uuid.UUID | None):
        self.job_id = job_id
        super().__init__()


class QuotaExhausted(StartRefusedError):  # noqa: N818 (named after its error code)
    code = "quota_exhausted"
    message = "Your plan's lead quota for this period is used up."


class ProspectCooldown(StartRefusedError):  # noqa: N818 (named after its error code)
    code = "prospect_cooldown"
    message = "Prospecting is cooling down after your last job."
