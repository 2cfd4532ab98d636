"""`/api/registry/...`: search the CNPJ registry, read one record, turn companies into leads."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nellia.api.schema import errors
from registry import selectors, services
from registry.serializers import (
    EstablishmentDetailSerializer,
    SearchPageSerializer,
    SearchQuerySerializer,
    SearchResultSerializer,
    ToLeadsResultSerializer,
    ToLeadsSerializer,
    clean_cnpj,
    detail_representation,
)

TAGS = ["registry"]
_REPEATABLE = {"cnae", "uf", "municipio", "porte", "situacao"}


def _query_parameters() -> list[OpenApiParameter]:
    """The search's query parameters, from its serializer (repeatable ones as arrays)."""
    types = {serializers.BooleanField: bool, serializers.IntegerField: int}
    return [
        OpenApiParameter(
            name, types.get(type(field), str), many=name in _REPEATABLE, required=False,
            description=str(field.help_text or ("ISO date" if isinstance(field, serializers.DateField) else "")),
        )
        for name, field in SearchQuerySerializer().fields.items()
    ]


class CompanySearchView(APIView):
    @extend_schema(
        tags=TAGS, operation_id="registry_companies_search", parameters=_query_parameters(),
        responses={200: SearchPageSerializer, **errors(400, 401)},
        summary="Search the CNPJ registry's establishments (cursor pagination, capped exact count).",
    )
    def get(self, request: Request) -> Response:
        query = SearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = selectors.page(
            selectors.search(query.to_filters()),
            after=query.validated_data.get("cursor"),
            size=query.validated_data["page_size"],
        )
        return Response({
            "results": SearchResultSerializer(page.results, many=True).data,
            "next": page.next,
            "count": page.count,
            "count_is_exact": page.count_is_exact,
        })


class CompanyDetailView(APIView):
    @extend_schema(
        tags=TAGS, operation_id="registry_companies_retrieve", responses={200: EstablishmentDetailSerializer, **errors(400, 401, 404)},
        summary="One establishment's full record (14-digit CNPJ, punctuation allowed; check digits verified).",
    )
    def get(self, request: Request, cnpj: str) -> Response:
        try:
            digits = clean_cnpj(cnpj)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"cnpj": exc.detail}) from None
        establishment = selectors.get_establishment(digits)
        secondary = selectors.cnae_descriptions(establishment.cnaes_secundarios.strip(",").split(","))
        body = detail_representation(
            establishment,
            simples=selectors.simples_of(establishment.cnpj_basico),
            partners=list(selectors.partners_of(establishment.cnpj_basico)),
            secondary=secondary,
        )
        return Response(EstablishmentDetailSerializer(body).data)


class CompaniesToLeadsView(APIView):
    @extend_schema(
        tags=TAGS, operation_id="registry_companies_to_leads", request=ToLeadsSerializer,
        responses={201: ToLeadsResultSerializer, **errors(400, 401)},
        summary="Create leads from registry companies (by CNPJ, or the first `limit` of a search).",
    )
    def post(self, request: Request) -> Response:
        body = ToLeadsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data: dict[str, Any] = body.validated_data
        if "cnpjs" in data:
            rows = selectors.lead_rows(cnpjs=data["cnpjs"])
            found = {row["cnpj"] for row in rows}
            not_found = [cnpj for cnpj in data["cnpjs"] if cnpj not in found]
        else:
            rows = selectors.lead_rows(queryset=selectors.search(data["filters"].to_filters()), limit=data["limit"])
            not_found = []
        result = services.companies_to_leads(owner=request.user, rows=rows, process=data["process"])
        result.not_found = not_found
        return Response(ToLeadsResultSerializer(result).data, status=status.HTTP_201_CREATED)
