"""The HTTP face of prospecting's domain errors, shared by `/api/` and `/api/v1/` (their handlers render it)."""

from rest_framework import status
from rest_framework.exceptions import APIException

from nellia.api.exceptions import Conflict
from prospecting.errors import BusinessContextMissing, JobRunning, StartRefusedError

STATUS_FOR = {BusinessContextMissing: status.HTTP_400_BAD_REQUEST, JobRunning: status.HTTP_409_CONFLICT}


def as_api_error(exc: StartRefusedError) -> APIException:
    """400 for a missing business context, 409 (with `job_id`) for a running job, 403 for quota and cooldown."""
    if isinstance(exc, JobRunning):
        return Conflict(str(exc), code=exc.code, job_id=str(exc.job_id) if exc.job_id else None)
    error = APIException(str(exc), code=exc.code)
    error.status_code = STATUS_FOR.get(type(exc), status.HTTP_403_FORBIDDEN)
    return error
