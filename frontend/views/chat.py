"""`/api/v1/chat/...` (FRONTEND.md §9): the `/api/` chat service and selectors."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from chat import services
from chat.selectors import messages_for, resolve_agent
from frontend.serializers.chat import ChatMessageSerializer, ChatPostSerializer, present_message
from frontend.views.base import FrontendView
from nellia.api.schema import errors

HISTORY = 100


class ChatHistoryView(FrontendView):
    @extend_schema(summary="The caller's 100 latest messages with an agent, oldest first", responses={200: ChatMessageSerializer(many=True)})
    def get(self, request: Request, agent_id: str) -> Response:
        agent = resolve_agent(agent_id)
        latest = list(messages_for(request.user, agent)[:HISTORY])
        return Response([present_message(message) for message in reversed(latest)])


class ChatPostView(FrontendView):
    @extend_schema(summary="Send a message; the reply joins the history later", request=ChatPostSerializer, responses={201: ChatMessageSerializer, **errors(404)})
    def post(self, request: Request) -> Response:
        serializer = ChatPostSerializer(data=self.body())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        message = services.post_user_message(
            owner=request.user,
            agent=resolve_agent(data["agentId"]),
            content=data["message"],
            attachment_ids=data.get("attachments") or [],
        )
        return Response(present_message(message), status=status.HTTP_201_CREATED)
