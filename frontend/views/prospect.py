"""`/api/v1/prospect/...` and `/api/v1/users/plan-status` (FRONTEND.md §7): adapters over prospecting."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.selectors import request_user
from frontend.serializers.prospect import (
    JobSerializer,
    JobStatusSerializer,
    PlanStatusSerializer,
    StartedSerializer,
    StartSerializer,
    present_job,
    present_job_status,
    present_plan_status,
)
from frontend.views.base import FrontendView
from nellia.api.schema import errors
from prospecting import selectors
from prospecting.api import as_api_error
from prospecting.errors import StartRefusedError
from prospecting.services import start_job

JOBS_LISTED = 50


class ProspectStartView(FrontendView):
    envelope = False

    @extend_schema(summary="Start a prospecting job (RAW 202); reads only user_search_query", request=StartSerializer, responses={202: StartedSerializer, **errors(403, 409)})
    def post(self, request: Request) -> Response:
        query = self.body().get("user_search_query")
        try:
            job = start_job(owner=request_user(request), search_query=query if isinstance(query, str) else "")
        except StartRefusedError as exc:
            raise as_api_error(exc) from None
        return Response({"jobId": str(job.pk), "status": "started"}, status=status.HTTP_202_ACCEPTED)


class ProspectJobsView(FrontendView):
    @extend_schema(summary="The caller's 50 newest jobs, newest first", responses={200: JobSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response([present_job(job) for job in selectors.jobs_for(request_user(request))[:JOBS_LISTED]])


class ProspectJobStatusView(FrontendView):
    @extend_schema(summary="One job with its data and result", responses={200: JobStatusSerializer})
    def get(self, request: Request, job_id: str) -> Response:
        return Response(present_job_status(selectors.get_job_for(request_user(request), job_id)))


class PlanStatusView(FrontendView):
    envelope = False

    @extend_schema(summary="Plan, quota, active job and cooldown (RAW)", responses={200: PlanStatusSerializer})
    def get(self, request: Request) -> Response:
        return Response(present_plan_status(selectors.plan_status(request_user(request))))
