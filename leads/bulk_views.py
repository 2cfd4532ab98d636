"""`/api/leads/import`, `/api/leads/export`, `/api/leads/bulk`, `/api/leads/by-stage`: thin adapters over
leads.importing, leads.exporting, leads.bulk and leads.board."""

from __future__ import annotations

from django.conf import settings
from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import request_user
from leads import board, exporting, importing
from leads.bulk import ACTIONS, MAX_IDS, bulk_action
from leads.serializers import LeadSerializer
from leads.views import LeadViewSet
from nellia.api.agent_schema import typed_field
from nellia.api.exceptions import PayloadTooLarge
from nellia.api.parsers import JSONParser
from nellia.api.schema import errors

TRUE_VALUES = {"1", "true", "yes", "on"}


class UnsupportedImport(exceptions.APIException):
    status_code = status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    default_detail = "Upload a CSV or JSON file."
    default_code = "unsupported_file_type"


def _truthy(value: object) -> bool:
    return str(value).strip().lower() in TRUE_VALUES


# --- import ---------------------------------------------------------------------------------------------------

def _import_column(name: str) -> serializers.Field:
    if name in importing.REQUIRED_COLUMNS:
        return serializers.CharField(help_text="Required.")
    if name == "annual_revenue":
        return typed_field({"oneOf": [{"type": "number"}, {"type": "string"}]}, required=False,
                           help_text="A number, or text such as 'R$ 1.200.000,00'.")
    return serializers.CharField(required=False, allow_blank=True)


# One row of a JSON import (schema only: rows are validated by `leads.importing`).
ImportRowSerializer = type(
    "ImportRowSerializer", (serializers.Serializer,), {name: _import_column(name) for name in importing.IMPORT_FIELDS}
)

ImportReportSerializer = inline_serializer(
    name="ImportReport",
    fields={
        "created": serializers.IntegerField(),
        "duplicates": serializers.IntegerField(help_text="Rows whose website you already have or repeated in the file."),
        "failed": serializers.IntegerField(),
        "errors": inline_serializer(
            name="ImportRowError",
            fields={
                "row": serializers.IntegerField(help_text="1-based position among the data rows (header not counted)."),
                "fields": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
            },
            many=True,
        ),
    },
)
ImportUploadSerializer = inline_serializer(
    name="LeadImportUpload",
    fields={
        "file": serializers.FileField(help_text="CSV with a header row (`,` or `;`, UTF-8 or Latin-1) or JSON."),
        "process": serializers.BooleanField(required=False, default=False),
    },
)


class LeadImportView(APIView):
    """Import leads from a CSV/JSON file (multipart `file`) or a JSON body (an array, or the harvester's output).

    Rows are validated one by one like `POST /api/leads`; valid rows are kept even when others fail. Duplicates
    (by normalised website, against your leads and within the file) are skipped and counted. `process=true`
    (query or form field) queues the created leads for the pipeline. An oversized file → 413; another file type
    → 415; unreadable content or a missing `company_name` column → 400; in those cases nothing is written.
    Up to 50 created leads publish `lead.created` each; more publish one `metrics.updated`.
    """

    parser_classes = [MultiPartParser, JSONParser]
    throttle_scope = "expensive"

    @extend_schema(
        tags=["leads"],
        summary="Import leads (CSV or JSON)",
        # JSON: an array of rows (shown), `{"leads": [rows]}` or the harvester's `{original_query, sites_data}`;
        # the column aliases of CSV files work too, other keys are ignored.
        request={"multipart/form-data": ImportUploadSerializer, "application/json": ImportRowSerializer(many=True)},
        parameters=[OpenApiParameter("process", bool, description="Queue the created leads for processing.")],
        responses={
            201: OpenApiResponse(ImportReportSerializer, description="At least one lead was created."),
            200: OpenApiResponse(ImportReportSerializer, description="Nothing was created (all duplicates/failed)."),
            **errors(400, 401, 413, 415),
        },
    )
    def post(self, request: Request) -> Response:
        limit = settings.IMPORT_MAX_BYTES
        if int(request.META.get("CONTENT_LENGTH") or 0) > limit + 64 * 1024:  # room for multipart framing
            raise PayloadTooLarge(f"The upload is larger than {limit} bytes.")
        try:
            rows = self._rows(request, limit)
        except importing.ImportRejectedError as exc:
            if exc.unsupported_type:
                raise UnsupportedImport(exc.detail, exc.code) from None
            raise exceptions.ParseError(exc.detail, exc.code) from None
        process = _truthy(request.query_params.get("process", "")) or (
            hasattr(request.data, "get") and _truthy(request.data.get("process", ""))
        )
        report = importing.import_leads(owner=request.user, rows=rows, process=process)
        return Response(report.as_dict(), status=status.HTTP_201_CREATED if report.created else status.HTTP_200_OK)

    def _rows(self, request: Request, limit: int) -> list[dict]:
        upload = request.FILES.get("file")
        if upload is not None:
            if upload.size > limit:
                raise PayloadTooLarge(f"The file is larger than {limit} bytes.")
            return importing.parse_upload(
                upload.read(), filename=upload.name or "", content_type=upload.content_type or ""
            )
        if request.content_type.startswith("multipart/") or request.content_type.startswith("application/x-www"):
            raise exceptions.ValidationError({"file": ["No file was submitted."]})
        return importing.parse_payload(request.data)


# --- export ---------------------------------------------------------------------------------------------------

class IgnoreFormatNegotiation(BaseContentNegotiation):
    """`?format=` names the export format here, not a DRF renderer; errors are always JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ExportLeadSerializer(LeadSerializer):
    """One lead of the JSON export (schema only: `leads.exporting` streams the rows)."""

    class Meta(LeadSerializer.Meta):
        fields = list(exporting.JSON_FIELDS)
        read_only_fields = fields


class LeadExportView(APIView):
    """Stream your leads (admins: everyone's) as CSV or JSON, with the same filters, search and ordering as
    `GET /api/leads`. The CSV uses the import's column names, so the file can be imported again."""

    renderer_classes = [JSONRenderer]
    content_negotiation_class = IgnoreFormatNegotiation
    throttle_scope = "expensive"

    @extend_schema(
        tags=["leads"],
        summary="Export leads (streamed CSV or JSON)",
        parameters=[
            OpenApiParameter("format", str, enum=list(exporting.FORMATS), default="csv"),
            OpenApiParameter("search", str),
            OpenApiParameter("ordering", str),
        ],
        filters=True,
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV with a header row."),
            (200, "application/json"): OpenApiResponse(ExportLeadSerializer(many=True),
                                                       description="A JSON array of leads."),
            **errors(400, 401),
        },
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        fmt = request.query_params.get("format", "csv").lower()
        if fmt not in exporting.FORMATS:
            raise exceptions.ValidationError({"format": [f"Choose one of: {', '.join(exporting.FORMATS)}."]})
        queryset = self._filtered(request)
        response = StreamingHttpResponse(exporting.export_leads(queryset, fmt), content_type=exporting.CONTENT_TYPES[fmt])
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="leads-{stamp}.{fmt}"'
        response["Cache-Control"] = "no-store"
        return response

    def _filtered(self, request: Request):
        """The list's queryset through the list's own filter backends (filters, search, ordering)."""
        view = LeadViewSet(request=request, format_kwarg=None, action="list", kwargs={}, args=())
        return view.filter_queryset(view.get_queryset()).select_related(None)

    def get_filter_backends_for_schema(self):  # pragma: no cover - schema only
        return LeadViewSet.filter_backends


# --- bulk -----------------------------------------------------------------------------------------------------

class BulkRequestSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ACTIONS)
    ids = serializers.ListField(child=serializers.UUIDField(), allow_empty=False, max_length=MAX_IDS)


BulkResultSerializer = inline_serializer(
    name="LeadBulkResult",
    fields={
        "done": serializers.ListField(child=serializers.UUIDField()),
        "skipped": inline_serializer(
            name="LeadBulkSkipped",
            fields={
                "id": serializers.CharField(),
                "reason": serializers.CharField(help_text="`not_found` or `already_processing`."),
            },
            many=True,
        ),
    },
)


class LeadBulkView(APIView):
    """Process or delete many of your leads at once (at most 1000 ids); unknown or other users' ids are
    skipped with `not_found`, leads already queued or processing with `already_processing`."""

    @extend_schema(
        tags=["leads"],
        summary="Bulk process or delete",
        request=BulkRequestSerializer,
        responses={200: BulkResultSerializer, **errors(400, 401)},
        examples=[OpenApiExample("Process", value={"action": "process", "ids": ["1b4e28ba-2fa1-11d2-883f-0016d3cca427"]},
                                 request_only=True)],
    )
    def post(self, request: Request) -> Response:
        params = BulkRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        return Response(bulk_action(user=request_user(request), **params.validated_data))


# --- by stage -------------------------------------------------------------------------------------------------

class ByStageQuerySerializer(serializers.Serializer):
    group = serializers.ChoiceField(
        choices=board.GROUPS, default="pipeline",
        help_text="`pipeline`: one column per processing stage; `board`: the presented stage (board stage if set).",
    )
    limit = serializers.IntegerField(min_value=0, max_value=board.MAX_LIMIT, default=board.DEFAULT_LIMIT)


class LeadsByStageView(APIView):
    """Your leads by stage for a kanban board: every column's count and its newest `limit` leads."""

    throttle_scope = "expensive"

    @extend_schema(
        tags=["leads"],
        summary="Leads grouped by stage",
        parameters=[ByStageQuerySerializer],
        responses={
            200: OpenApiResponse(
                {
                    "type": "object",
                    "additionalProperties": {
                        "type": "object",
                        "properties": {
                            "count": {"type": "integer"},
                            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Lead"}},
                        },
                        "required": ["count", "results"],
                    },
                },
                description="One key per column: the processing stages, or with `group=board` the board columns.",
            ),
            **errors(400, 401),
        },
    )
    def get(self, request: Request) -> Response:
        params = ByStageQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        columns = board.leads_by_stage(request_user(request), **params.validated_data)
        return Response(
            {
                name: {"count": column["count"], "results": LeadSerializer(column["leads"], many=True).data}
                for name, column in columns.items()
            }
        )
