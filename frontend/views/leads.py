"""`/api/v1/leads...` (FRONTEND.md §4): thin adapters over leads.selectors/services and pipeline.services."""

import contextlib
import gc
import math
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.selectors import request_user
from frontend.exceptions import BadRequest
from frontend.renderers import encoded
from frontend.selectors import (
    filter_presented_leads,
    lead_json_rows,
    lead_row_for,
    lead_rows,
    presented_lead_total,
    presented_leads_for,
)
from frontend.serializers.leads import (
    BulkLeadSerializer,
    BulkResultSerializer,
    LeadPageSerializer,
    LeadSerializer,
    LeadStageSerializer,
    LeadWriteSerializer,
    present_lead,
)
from frontend.views.base import FrontendView
from frontend.vocab import BOARD_STAGES
from leads import services
from leads.board import PRESENTED_STAGES
from leads.selectors import get_lead_for, leads_for
from nellia.api.exceptions import Conflict
from nellia.api.schema import errors
from nellia.lookups import uuid_or_404
from nellia.search import few_matches
from pipeline.services import enqueue_many, enqueue_processing

MAX_LIMIT = 1000
MAX_OFFSET = 2**31 - 1  # far past any owner's leads; larger values would overflow PostgreSQL's OFFSET


@contextmanager
def gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

BULK_MAX = 1000


def _int_param(request: Request, name: str, default: int, maximum: int | None = None) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise exceptions.ValidationError({name: ["A valid integer is required."]}) from None
    if maximum is not None and value > maximum:
        raise exceptions.ValidationError({name: [f"Ensure this value is less than or equal to {maximum}."]})
    return value


def _duplicate(exc: services.DuplicateLead) -> Conflict:
    return Conflict(str(exc), code="duplicate_lead", existing_id=str(exc.existing_id))


def _lead_response(request: Request, lead_id: Any, status_code: int = 200) -> Response:
    return Response(present_lead(lead_row_for(request.user, lead_id)), status=status_code)


def _update(request: Request, lead: Any, data: dict[str, Any]) -> None:
    serializer = LeadWriteSerializer(data=data, partial=True)
    serializer.is_valid(raise_exception=True)
    current = lead_row_for(request.user, lead.pk)["presented_stage"]
    try:
        services.update_lead(lead=lead, data=serializer.to_service_data(current_stage=current))
    except services.DuplicateLead as exc:
        raise _duplicate(exc) from None


def _create(request: Request, data: dict[str, Any]) -> Any:
    serializer = LeadWriteSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    if "company_name" not in serializer.validated_data:
        raise exceptions.ValidationError({"company_name": ["This field is required."]})
    try:
        return services.create_lead(owner=request_user(request), data=serializer.to_service_data(), source="api")
    except services.DuplicateLead as exc:
        raise _duplicate(exc) from None


LIST_PARAMETERS = [
    OpenApiParameter("search", str, description="Company name, website or description contains."),
    OpenApiParameter("company_sector", str),
    OpenApiParameter("qualification_tier", str, description="Any spelling of FRONTEND.md §4.2."),
    OpenApiParameter("processing_stage", str, description="The presented stage (board stage or pipeline stage)."),
    OpenApiParameter("sort_by", str, enum=sorted(["company_name", "relevance_score", "roi_potential_score", "brazilian_market_fit", "created_at", "updated_at"])),
    OpenApiParameter("sort_order", str, enum=["asc", "desc"]),
    OpenApiParameter("limit", int, description="Default and maximum 1000; larger values are capped."),
    OpenApiParameter("offset", int, description=f"At most {MAX_OFFSET}."),
]


class LeadListView(FrontendView):
    throttle_scope = "expensive"  # up to 1000 leads with their JSON per request

    @extend_schema(summary="The caller's leads (one page of up to 1000)", parameters=LIST_PARAMETERS, responses={200: LeadPageSerializer})
    def get(self, request: Request) -> Response:
        params = request.query_params
        limit = min(max(_int_param(request, "limit", MAX_LIMIT), 1), MAX_LIMIT)
        offset = max(_int_param(request, "offset", 0, maximum=MAX_OFFSET), 0)
        filters = {
            name: params.get(name, "").strip()
            for name in ("search", "company_sector", "qualification_tier", "processing_stage")
        }
        queryset = filter_presented_leads(
            request.user, **filters, sort_by=params.get("sort_by", ""), sort_order=params.get("sort_order", "")
        )
        search_total = None
        if filters["search"]:
            queryset, search_total = few_matches(queryset)
        page = queryset[offset : offset + limit]
        texts = lead_json_rows(page)  # PostgreSQL writes each lead's JSON: nothing decoded or built here
        if texts is not None:
            fetched = len(texts)
            data = orjson.Fragment("[" + ",".join(texts) + "]")
        else:
            # Up to 1,000 rows of nested JSON: built and encoded with no cyclic-GC passes, and freed before the GC
            # is back on (else a full collection, hundreds of ms, follows as the objects reach old generations).
            with gc_paused():
                rows = lead_rows(page)
                fetched = len(rows)
                data = encoded([present_lead(row) for row in rows])
                del rows
        if search_total is not None:
            total = search_total
        elif fetched < limit and (fetched or offset == 0):
            total = offset + fetched
        else:
            total = presented_lead_total(request.user, queryset, **filters)
        return Response(
            {
                "data": data,
                "total": total,
                "page": offset // limit + 1,
                "limit": limit,
                "totalPages": math.ceil(total / limit),
            }
        )

    @extend_schema(summary="Create a lead (no processing)", request=LeadWriteSerializer, responses={201: LeadSerializer, **errors(409)})
    def post(self, request: Request) -> Response:
        lead = _create(request, self.body())
        return _lead_response(request, lead.pk, status.HTTP_201_CREATED)


class LeadDetailView(FrontendView):
    @extend_schema(summary="One lead", responses={200: LeadSerializer})
    def get(self, request: Request, lead_id: str) -> Response:
        return _lead_response(request, lead_id)

    @extend_schema(summary="Partial update (PUT = PATCH)", request=LeadWriteSerializer, responses={200: LeadSerializer, **errors(409)})
    def put(self, request: Request, lead_id: str) -> Response:
        lead = get_lead_for(request.user, lead_id)
        _update(request, lead, self.body())
        return _lead_response(request, lead.pk)

    @extend_schema(summary="Partial update", request=LeadWriteSerializer, responses={200: LeadSerializer, **errors(409)})
    def patch(self, request: Request, lead_id: str) -> Response:
        return self.put(request, lead_id)

    @extend_schema(summary="Delete a lead", responses={204: None})
    def delete(self, request: Request, lead_id: str) -> Response:
        services.delete_lead(lead=get_lead_for(request.user, lead_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class LeadStageView(FrontendView):
    @extend_schema(summary="Move a lead on the sales board", request=LeadStageSerializer, responses={200: LeadSerializer})
    def patch(self, request: Request, lead_id: str) -> Response:
        lead = get_lead_for(request.user, lead_id)
        body = self.body()
        if "stage" not in body:
            raise exceptions.ValidationError({"stage": ["This field is required."]})
        stage = body["stage"] or None
        if stage is not None and stage not in BOARD_STAGES:
            raise BadRequest(f"'{stage}' is not a board stage (one of: {', '.join(BOARD_STAGES)}).", code="invalid_stage")
        services.update_lead(lead=lead, data={"board_stage": stage})
        return _lead_response(request, lead.pk)


class LeadProcessView(FrontendView):
    @extend_schema(
        summary="Queue a lead for the pipeline",
        description="Idempotent: a lead already queued, processing or waiting answers 202 with its current state "
        "(the app retries a failed or timed-out mutation once; `/api/` answers 409 instead).",
        request=None,
        responses={202: LeadSerializer, **errors(409)},
    )
    def post(self, request: Request, lead_id: str) -> Response:
        lead = get_lead_for(request.user, lead_id)
        # Already queued/processing/waiting: nothing to do, the answer shows where it is.
        with contextlib.suppress(services.AlreadyProcessing):
            enqueue_processing(lead=lead, restart=self.body().get("restart") is True)
        return _lead_response(request, lead.pk, status.HTTP_202_ACCEPTED)


class LeadsByStageView(FrontendView):
    throttle_scope = "expensive"

    @extend_schema(summary="The caller's leads grouped by presented stage", responses={200: {
        "type": "object", "additionalProperties": {"type": "array", "items": {"$ref": "#/components/schemas/V1Lead"}},
    }})
    def get(self, request: Request) -> Response:
        with gc_paused():  # as in LeadListView.get
            groups: dict[str, list] = {stage: [] for stage in PRESENTED_STAGES}
            for row in lead_rows(presented_leads_for(request.user).order_by("-created_at")):
                groups.setdefault(row["presented_stage"], []).append(present_lead(row))
            body = encoded(groups)
            del groups
        return Response(body)


class LeadBulkView(FrontendView):
    @extend_schema(summary="Bulk process/delete/create/update", request=BulkLeadSerializer, responses={200: BulkResultSerializer})
    def post(self, request: Request) -> Response:
        serializer = BulkLeadSerializer(data=self.body())
        serializer.is_valid(raise_exception=True)
        operation = serializer.validated_data["operation"]
        items = serializer.validated_data["leads"]
        if len(items) > BULK_MAX:
            raise exceptions.ValidationError({"leads": [f"At most {BULK_MAX} leads per request."]})
        if operation == "process":
            return Response(_process_items(request.user, [str(item.get("id") or "") for item in items]))
        done: list[str] = []
        skipped: list[dict[str, str]] = []
        for item in items:
            item_id = str(item.get("id") or "")
            try:
                with transaction.atomic():
                    if operation == "create":
                        item_id = str(_create(request, item).pk)
                    else:
                        lead = get_lead_for(request.user, item_id)
                        if operation == "delete":
                            services.delete_lead(lead=lead)
                        else:
                            _update(request, lead, item)
                done.append(item_id)
            except Http404:
                skipped.append({"id": item_id, "reason": "not_found"})
            except services.AlreadyProcessing:
                skipped.append({"id": item_id, "reason": "already_processing"})
            except Conflict:
                skipped.append({"id": item_id, "reason": "duplicate_lead"})
            except (exceptions.ValidationError, DjangoValidationError):
                skipped.append({"id": item_id, "reason": "invalid"})
        return Response({"done": done, "skipped": skipped})


def _process_items(user: Any, item_ids: list[str]) -> dict[str, list]:
    """The bulk `process`, in one enqueue_many(): per item, in order, done or skipped (`not_found`, or
    `already_processing`: queued or processing already, or an id repeated after the item that queued it)."""
    lead_ids = {item_id: _lead_id(item_id) for item_id in item_ids}
    visible = set(leads_for(user).filter(pk__in={i for i in lead_ids.values() if i}).values_list("pk", flat=True))
    queued = {lead.pk for lead in enqueue_many([i for i in lead_ids.values() if i in visible]).leads}
    done: list[str] = []
    skipped: list[dict[str, str]] = []
    for item_id in item_ids:
        lead_id = lead_ids[item_id]
        if lead_id not in visible:
            skipped.append({"id": item_id, "reason": "not_found"})
        elif lead_id in queued:
            queued.discard(lead_id)
            done.append(item_id)
        else:
            skipped.append({"id": item_id, "reason": "already_processing"})
    return {"done": done, "skipped": skipped}


def _lead_id(item_id: str) -> uuid.UUID | None:
    try:
        return uuid_or_404(item_id, what="lead")
    except Http404:
        return None
