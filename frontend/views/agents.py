"""`/api/v1/agents...` (FRONTEND.md §5): agents.selectors/services; start/stop for admins only."""

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from agents import services
from agents.models import Agent
from agents.selectors import agents_list
from frontend.serializers.agents import AgentSerializer, present_agents
from frontend.views.base import FrontendView
from nellia.api.schema import errors


def _agent(agent_id: str) -> Agent:
    try:
        agent = agents_list().filter(pk=agent_id).first()
    except (ValueError, exceptions.ValidationError):
        agent = None
    except Exception:  # a malformed UUID raises django.core.exceptions.ValidationError
        agent = None
    if agent is None:
        raise exceptions.NotFound("No agent matches the given id.")
    return agent


class AgentListView(FrontendView):
    @extend_schema(summary="Every agent, in pipeline order", responses={200: AgentSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(present_agents(list(agents_list())))


class AgentDetailView(FrontendView):
    @extend_schema(summary="One agent", responses={200: AgentSerializer})
    def get(self, request: Request, agent_id: str) -> Response:
        return Response(present_agents([_agent(agent_id)])[0])


class AgentStatusView(AgentDetailView):
    @extend_schema(summary="One agent's status (the Agent)", responses={200: AgentSerializer})
    def get(self, request: Request, agent_id: str) -> Response:
        return super().get(request, agent_id)


class _AgentActionView(FrontendView):
    action = ""

    def post(self, request: Request, agent_id: str) -> Response:
        if not getattr(request.user, "is_admin", False):
            raise exceptions.PermissionDenied("Only administrators start or stop agents.")
        agent = _agent(agent_id)
        agent = services.start_agent(agent=agent) if self.action == "start" else services.stop_agent(agent=agent)
        return Response(present_agents([agent])[0])


class AgentStartView(_AgentActionView):
    action = "start"

    @extend_schema(summary="Start an agent (admin)", request=None, responses={200: AgentSerializer, **errors(403)})
    def post(self, request: Request, agent_id: str) -> Response:
        return super().post(request, agent_id)


class AgentStopView(_AgentActionView):
    action = "stop"

    @extend_schema(summary="Stop an agent (admin)", request=None, responses={200: AgentSerializer, **errors(403)})
    def post(self, request: Request, agent_id: str) -> Response:
        return super().post(request, agent_id)
