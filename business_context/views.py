"""`/api/business-context`: the caller's context (one per user), and `/history`: its saved versions."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from business_context import selectors, services
from business_context.models import BusinessContext
from business_context.serializers import BusinessContextSerializer, BusinessContextVersionSerializer
from nellia.api.schema import errors

TAGS = ["business context"]


class BusinessContextMissing(exceptions.NotFound):
    default_detail = "No business context saved yet."
    default_code = "business_context_missing"


class BusinessContextView(APIView):
    serializer_class = BusinessContextSerializer

    def _current(self, request: Request) -> BusinessContext:
        ctx = selectors.context_for(request.user)
        if ctx is None:
            raise BusinessContextMissing()
        return ctx

    @extend_schema(
        tags=TAGS,
        summary="Your business context",
        responses={200: BusinessContextSerializer, **errors(401, 404)},
    )
    def get(self, request: Request) -> Response:
        return Response(BusinessContextSerializer(self._current(request)).data)

    @extend_schema(
        tags=TAGS,
        summary="Create or replace your business context (bumps version)",
        request=BusinessContextSerializer,
        responses={200: BusinessContextSerializer, 201: BusinessContextSerializer, **errors(400, 401)},
    )
    def put(self, request: Request) -> Response:
        existed = selectors.context_for(request.user) is not None
        serializer = BusinessContextSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ctx = services.save_context(owner=request.user, data=serializer.validated_data, partial=False)
        return Response(
            BusinessContextSerializer(ctx).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        )

    @extend_schema(
        tags=TAGS,
        summary="Update part of your business context (bumps version)",
        request=BusinessContextSerializer,
        responses={200: BusinessContextSerializer, **errors(400, 401, 404)},
    )
    def patch(self, request: Request) -> Response:
        ctx = self._current(request)
        serializer = BusinessContextSerializer(ctx, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        ctx = services.save_context(owner=request.user, data=serializer.validated_data, partial=True)
        return Response(BusinessContextSerializer(ctx).data)


class BusinessContextHistoryView(generics.ListAPIView):
    serializer_class = BusinessContextVersionSerializer

    @extend_schema(
        tags=TAGS,
        summary="Every saved version of your business context, newest first",
        responses={200: BusinessContextVersionSerializer(many=True), **errors(401, 404)},
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return BusinessContext.history.none()
        ctx = selectors.context_for(self.request.user)
        if ctx is None:
            raise BusinessContextMissing()
        return selectors.context_history(ctx)
