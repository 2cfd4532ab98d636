"""`/api/chat/...`: thin DRF adapters over chat.selectors and chat.services."""

from typing import Any

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from agents.models import Agent
from chat import selectors, services
from chat.models import ChatMessage
from chat.serializers import (
    AttachmentSerializer,
    ChatAgentSerializer,
    ChatMessageSerializer,
    PostMessageSerializer,
    UploadSerializer,
)
from nellia.api.exceptions import PayloadTooLarge

AGENT_ID = OpenApiParameter(
    "agent_id", OpenApiTypes.STR, OpenApiParameter.PATH, description="The agent's id (its name or stage also work)."
)


@extend_schema(tags=["chat"], summary="Agents one can chat with, with the caller's last message to each")
class ChatAgentListView(generics.ListAPIView):
    serializer_class = ChatAgentSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Agent.objects.none()
        return selectors.chat_agents(self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        agents = page if page is not None else list(self.get_queryset())
        last = selectors.messages_by_id([getattr(agent, "last_message_id", None) for agent in agents])
        serializer = self.get_serializer(agents, many=True, context={**self.get_serializer_context(), "last_messages": last})
        return self.get_paginated_response(serializer.data) if page is not None else Response(serializer.data)


@extend_schema(tags=["chat"], parameters=[AGENT_ID])
class ChatMessagesView(generics.ListCreateAPIView):
    serializer_class = ChatMessageSerializer

    def get_agent(self):
        return selectors.resolve_agent(self.kwargs["agent_id"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ChatMessage.objects.none()
        return selectors.messages_for(self.request.user, self.get_agent())

    @extend_schema(summary="The caller's conversation with an agent, newest first")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Send a message; the agent's reply follows over the WebSocket and in the history",
        request=PostMessageSerializer,
        responses={201: ChatMessageSerializer},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        agent = self.get_agent()
        body = PostMessageSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        message = services.post_user_message(
            owner=request.user,
            agent=agent,
            content=body.validated_data["content"],
            lead_id=body.validated_data.get("lead_id"),
            attachment_ids=body.validated_data.get("attachment_ids") or (),
        )
        message = selectors.get_message(message.pk)
        return Response(ChatMessageSerializer(message).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["chat"],
    summary="Upload an attachment (txt, csv, json, pdf, png, jpg; checked on content)",
    request={"multipart/form-data": UploadSerializer},
    responses={201: AttachmentSerializer, 400: OpenApiResponse(description="Type not allowed or content mismatch"),
               413: OpenApiResponse(description="Over the size limit")},
)  # fmt: skip
class AttachmentUploadView(APIView):
    parser_classes = [MultiPartParser]

    def post(self, request: Request) -> Response:
        body = UploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            attachment = services.save_attachment(owner=request.user, upload=body.validated_data["file"])
        except services.AttachmentTooLarge as exc:
            raise PayloadTooLarge(str(exc)) from exc
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["chat"],
    summary="Download one of the caller's attachments",
    responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: OpenApiResponse(description="Not found")},
)
class AttachmentDownloadView(APIView):
    def get(self, request: Request, attachment_id: str) -> FileResponse:
        attachment = selectors.get_attachment_for(request.user, attachment_id)
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise Http404("The attachment's file is missing.") from None
        return FileResponse(
            handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
        )
