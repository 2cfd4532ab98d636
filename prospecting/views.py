"""`/api/prospect/...` (FRONTEND.md §11): prospecting jobs and quota in the `/api/` presentation (snake_case)."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import request_user
from leads.models import ProspectJob
from nellia.api.pagination import PageNumberPagination
from nellia.api.schema import errors
from prospecting import selectors
from prospecting.api import as_api_error
from prospecting.errors import StartRefusedError
from prospecting.services import start_job

TAGS = ["prospect"]


class ProspectJobSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProspectJob
        fields = [
            "id", "status", "progress", "current_step", "search_query", "max_leads", "candidates_found",
            "leads_created", "duplicates_skipped", "error", "created_at", "started_at", "finished_at",
        ]
        read_only_fields = fields


class StartJobSerializer(serializers.Serializer):
    search_query = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=500)


class ProspectPlanSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    quota = serializers.IntegerField(allow_null=True)
    period = serializers.CharField()


class ProspectQuotaBodySerializer(serializers.Serializer):
    total = serializers.IntegerField(allow_null=True)
    used = serializers.IntegerField()
    remaining = serializers.IntegerField(allow_null=True)
    next_reset_at = serializers.DateTimeField()


class ProspectCooldownSerializer(serializers.Serializer):
    is_active = serializers.BooleanField()
    cooldown_until = serializers.DateTimeField(allow_null=True)
    remaining_seconds = serializers.IntegerField()


class ProspectQuotaSerializer(serializers.Serializer):
    plan = ProspectPlanSerializer()
    quota = ProspectQuotaBodySerializer()
    can_start_prospecting = serializers.BooleanField()
    has_active_job = serializers.BooleanField()
    active_job_id = serializers.UUIDField(allow_null=True)
    cooldown = ProspectCooldownSerializer()


def quota_body(state: selectors.PlanStatus) -> dict[str, Any]:
    return {
        "plan": {"id": state.plan.id, "name": state.plan.name, "quota": state.plan.quota, "period": state.plan.period},
        "quota": {"total": state.total, "used": state.used, "remaining": state.remaining, "next_reset_at": state.next_reset_at},
        "can_start_prospecting": state.can_start,
        "has_active_job": state.has_active_job,
        "active_job_id": state.active_job_id,
        "cooldown": {
            "is_active": state.cooldown_until is not None,
            "cooldown_until": state.cooldown_until,
            "remaining_seconds": round(state.cooldown_remaining_seconds),
        },
    }


class ProspectJobListView(APIView):
    pagination_class = PageNumberPagination

    @extend_schema(tags=TAGS, summary="The caller's prospecting jobs, newest first", responses={200: ProspectJobSerializer(many=True), **errors(401)})
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.jobs_for(request_user(request)), request, view=self)
        return paginator.get_paginated_response(ProspectJobSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Start a prospecting job (harvest, then enrich through the pipeline)",
        request=StartJobSerializer,
        responses={202: ProspectJobSerializer, **errors(400, 401, 403, 409)},
    )
    def post(self, request: Request) -> Response:
        serializer = StartJobSerializer(data=request.data if isinstance(request.data, dict) else {})
        serializer.is_valid(raise_exception=True)
        try:
            job = start_job(owner=request_user(request), search_query=serializer.validated_data.get("search_query") or "")
        except StartRefusedError as exc:
            raise as_api_error(exc) from None
        return Response(ProspectJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ProspectJobDetailView(APIView):
    @extend_schema(tags=TAGS, summary="One prospecting job", responses={200: ProspectJobSerializer, **errors(401, 404)})
    def get(self, request: Request, job_id: str) -> Response:
        return Response(ProspectJobSerializer(selectors.get_job_for(request_user(request), job_id)).data)


class ProspectQuotaView(APIView):
    @extend_schema(tags=TAGS, summary="Plan, quota, active job and cooldown", responses={200: ProspectQuotaSerializer, **errors(401)})
    def get(self, request: Request) -> Response:
        return Response(ProspectQuotaSerializer(quota_body(selectors.plan_status(request_user(request)))).data)
