"""`/api/leads`: CRUD over leads.selectors / leads.services (import, export, bulk, process live elsewhere)."""

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from accounts.selectors import request_user
from leads import selectors, services
from leads.filters import ORDERING_FIELDS, SEARCH_FIELDS, LeadFilter
from leads.hooks import COUNTED_FIELDS, known_lead_count
from leads.models import Lead
from leads.serializers import LeadSerializer
from nellia.api.exceptions import Conflict
from nellia.api.filters import NullsLastOrderingFilter, ParamFilterBackend, UnaccentSearchFilter
from nellia.api.rows import RowRepresentation
from nellia.api.schema import ConflictSerializer, errors
from nellia.search import few_matches

UUID_REGEX = "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
LIST_ROWS = RowRepresentation(LeadSerializer)
_CONFLICT = {409: OpenApiResponse(ConflictSerializer, description="Same website as an existing lead of yours.")}


def duplicate_conflict(exc: services.DuplicateLead) -> Conflict:
    """The 409 `duplicate_lead` error for a DuplicateLead (shared with other lead endpoints)."""
    return Conflict(
        "You already have a lead with this website.", code="duplicate_lead", existing_id=str(exc.existing_id)
    )


@extend_schema_view(
    list=extend_schema(summary="List leads", responses={200: LeadSerializer(many=True), **errors(400, 401)}),
    create=extend_schema(summary="Create a lead", responses={201: LeadSerializer, **errors(400, 401), **_CONFLICT}),
    retrieve=extend_schema(summary="A lead", responses={200: LeadSerializer, **errors(401, 404)}),
    update=extend_schema(
        summary="Replace a lead's editable fields", responses={200: LeadSerializer, **errors(400, 401, 404), **_CONFLICT}
    ),
    partial_update=extend_schema(
        summary="Update some of a lead's editable fields",
        responses={200: LeadSerializer, **errors(400, 401, 404), **_CONFLICT},
    ),
    destroy=extend_schema(summary="Delete a lead", responses={204: None, **errors(401, 404)}),
)
@extend_schema(tags=["leads"])
class LeadViewSet(viewsets.ModelViewSet):
    """Your leads (admins: everyone's). Scores, tiers and stage results are written by the pipeline."""

    serializer_class = LeadSerializer
    queryset = Lead.objects.none()  # for the schema; requests use the selector
    filter_backends = [
        ParamFilterBackend,
        UnaccentSearchFilter,
        NullsLastOrderingFilter,
    ]
    filterset_class = LeadFilter
    search_fields = SEARCH_FIELDS
    ordering_fields = ORDERING_FIELDS
    ordering = ["-created_at"]
    lookup_value_regex = UUID_REGEX
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    search_total: int | None = None  # a search's total, when `few_matches` knows it

    def get_queryset(self) -> QuerySet[Lead]:
        return selectors.leads_for(self.request.user)

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        """A page as LeadSerializer represents it, built from plain rows (nellia.api.rows): a page of 20 leads
        cost ~1 ms of model instances and serializer machinery around the values."""
        queryset = self.filter_queryset(self.get_queryset())
        if request.query_params.get(UnaccentSearchFilter.search_param):
            queryset, self.search_total = few_matches(queryset)
        rows = LIST_ROWS.values(queryset)
        page = self.paginate_queryset(rows)
        if page is None:
            return Response(LIST_ROWS.represent(list(rows)))
        return self.get_paginated_response(LIST_ROWS.represent(page))

    def known_count(self, queryset: QuerySet[Lead]) -> int | None:
        """The list's total from the lead counts when it is filtered by status/stage/tier at most (a COUNT of
        100k leads costs ~10 ms; the counts ~1 ms), or the search's when its matches are few. None: the paginator
        counts."""
        if self.search_total is not None:
            return self.search_total
        params = {name: value for name, value in self.request.query_params.items() if value != ""}
        filters = {name: params.pop(name) for name in COUNTED_FIELDS if name in params}
        if set(params) - {"page", "page_size", "ordering"}:
            return None
        return known_lead_count(self.request.user, **filters) if known_lead_count.filled else None

    def get_object(self) -> Lead:
        lead = selectors.get_lead_for(self.request.user, self.kwargs["pk"])
        self.check_object_permissions(self.request, lead)
        return lead

    def perform_create(self, serializer: BaseSerializer) -> None:
        try:
            serializer.instance = services.create_lead(
                owner=request_user(self.request), data=dict(serializer.validated_data), source=Lead.Source.API
            )
        except services.DuplicateLead as exc:
            raise duplicate_conflict(exc) from None

    def perform_update(self, serializer: BaseSerializer) -> None:
        lead = serializer.instance
        assert isinstance(lead, Lead), "UpdateModelMixin binds the lead from get_object"
        try:
            serializer.instance = services.update_lead(lead=lead, data=dict(serializer.validated_data))
        except services.DuplicateLead as exc:
            raise duplicate_conflict(exc) from None

    def perform_destroy(self, instance: Lead) -> None:
        services.delete_lead(lead=instance)
