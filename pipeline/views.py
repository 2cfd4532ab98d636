"""`POST /api/leads/{id}/process` and `GET /api/leads/{id}/progress`: thin adapters over the pipeline's services
and selectors."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from leads.models import Lead
from leads.selectors import get_lead_for
from leads.services import AlreadyProcessing
from nellia.api.exceptions import Conflict
from pipeline.selectors import lead_progress
from pipeline.services import enqueue_processing
from pipeline.stages import PIPELINE


class ProcessRequestSerializer(serializers.Serializer):
    restart = serializers.BooleanField(required=False, default=False)


class ProcessResponseSerializer(serializers.Serializer):
    lead_id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=Lead.Status.choices)


class StageProgressSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=PIPELINE)
    agent = serializers.CharField()
    status = serializers.ChoiceField(choices=["pending", "running", "done", "failed", "skipped"])
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    duration_ms = serializers.IntegerField(allow_null=True)
    error = serializers.CharField(allow_null=True)


class LeadProgressSerializer(serializers.Serializer):
    lead_id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=Lead.Status.choices)
    processing_stage = serializers.ChoiceField(choices=Lead.ProcessingStage.choices)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    stages = StageProgressSerializer(many=True)
    updated_at = serializers.DateTimeField()


class LeadProcessView(APIView):
    @extend_schema(
        tags=["leads"],
        operation_id="leads_process",
        summary="Process a lead through the agent pipeline",
        description="Queues the lead from its first unfinished stage (`restart`: from intake, keeping the history "
        "of stage runs). The work runs in the background; follow it with `/progress` or the event stream.",
        request=ProcessRequestSerializer,
        responses={
            202: ProcessResponseSerializer,
            404: OpenApiResponse(description="No such lead (or not yours)."),
            409: OpenApiResponse(description="Already queued or processing (`code: already_processing`)."),
        },
    )
    def post(self, request: Request, lead_id: str) -> Response:
        lead = get_lead_for(request.user, lead_id)
        body = ProcessRequestSerializer(data=request.data or {})
        body.is_valid(raise_exception=True)
        try:
            lead = enqueue_processing(lead=lead, restart=body.validated_data["restart"])
        except AlreadyProcessing as exc:
            raise Conflict(f"The lead is already {exc.lead.status}.", "already_processing",
                           status=exc.lead.status) from None
        return Response({"lead_id": lead.pk, "status": lead.status}, status=status.HTTP_202_ACCEPTED)


class LeadProgressView(APIView):
    @extend_schema(
        tags=["leads"],
        operation_id="leads_progress",
        summary="Pipeline progress of a lead",
        responses={200: LeadProgressSerializer, 404: OpenApiResponse(description="No such lead (or not yours).")},
    )
    def get(self, request: Request, lead_id: str) -> Response:
        lead = get_lead_for(request.user, lead_id)
        return Response(LeadProgressSerializer(lead_progress(lead)).data)
