"""`/api/v1/prospect/...` and `/api/v1/users/plan-status` (FRONTEND.md §7): adapters over leads.prospecting."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

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
from leads import prospecting
from nellia.api.schema import errors

JOBS_LISTED = 50


class ProspectStartView(FrontendView):
    envelope = False

    @extend_schema(summary="Start a prospecting job (RAW 202); reads only user_search_query", request=StartSerializer, responses={202: StartedSerializer, **errors(403, 409)})
    def post(self, request: Request) -> Response:
        query = self.body().get("user_search_query")
        job = prospecting.start_job(owner=request.user, search_query=query if isinstance(query, str) else "")
        return Response({"jobId": str(job.pk), "status": "started"}, status=status.HTTP_202_ACCEPTED)


class ProspectJobsView(FrontendView):
    @extend_schema(summary="The caller's 50 newest jobs, newest first", responses={200: JobSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response([present_job(job) for job in prospecting.jobs_for(request.user)[:JOBS_LISTED]])


class ProspectJobStatusView(FrontendView):
    @extend_schema(summary="One job with its data and result", responses={200: JobStatusSerializer})
    def get(self, request: Request, job_id: str) -> Response:
        return Response(present_job_status(prospecting.get_job_for(request.user, job_id)))


class PlanStatusView(FrontendView):
    envelope = False

    @extend_schema(summary="Plan, quota, active job and cooldown (RAW)", responses={200: PlanStatusSerializer})
    def get(self, request: Request) -> Response:
        return Response(present_plan_status(prospecting.plan_status(request.user)))
