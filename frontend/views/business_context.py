"""`/api/v1/business-context` (FRONTEND.md §6): RAW GET (or 404), upserting POST, replacing PUT."""

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from business_context.selectors import context_for
from business_context.services import save_context
from frontend.serializers.business_context import BusinessContextInputSerializer, BusinessContextSerializer
from frontend.views.base import FrontendView
from nellia.api.schema import errors


class BusinessContextView(FrontendView):
    @property
    def envelope(self) -> bool:  # type: ignore[override]  # GET is RAW (the app reads the bare object); POST/PUT ENV
        request = getattr(self, "request", None)
        return request is None or request.method != "GET"

    @extend_schema(summary="The caller's business context (RAW; 404 business_context_missing)", responses={200: BusinessContextSerializer, **errors(404)})
    def get(self, request: Request) -> Response:
        ctx = context_for(request.user)
        if ctx is None:
            raise exceptions.NotFound("No business context yet.", code="business_context_missing")
        return Response(BusinessContextSerializer(ctx).data)

    def _save(self, request: Request) -> Response:
        serializer = BusinessContextInputSerializer(data=self.body())
        serializer.is_valid(raise_exception=True)
        existed = context_for(request.user) is not None
        ctx = save_context(owner=request.user, data=serializer.service_data(), partial=False)
        return Response(BusinessContextSerializer(ctx).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(summary="Create or replace (upsert): 201 created, 200 replaced", request=BusinessContextInputSerializer, responses={200: BusinessContextSerializer, 201: BusinessContextSerializer})
    def post(self, request: Request) -> Response:
        return self._save(request)

    @extend_schema(summary="Replace (creates if missing)", request=BusinessContextInputSerializer, responses={200: BusinessContextSerializer, 201: BusinessContextSerializer})
    def put(self, request: Request) -> Response:
        return self._save(request)
