"""Reads of chat: the ownership filter and the query shapes, once."""

import uuid
from typing import Any

from django.db.models import Count, F, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Length
from django.http import Http404

from accounts.models import User
from agents.models import Agent
from chat.models import Attachment, ChatMessage
from leads.fields import INPUT_FIELDS, RESULT_FIELDS, SCORE_FIELDS
from leads.models import Lead
from nellia.lookups import get_or_404

HISTORY_TURNS = 12


def resolve_agent(ref: Any) -> Agent:
    """The agent named by `ref`: its id, its name (slug) or its pipeline stage. Http404 when none matches."""
    if isinstance(ref, Agent):
        return ref
    text = str(ref or "").strip()
    if not text:
        raise Http404("No agent matches the given id.")
    try:
        agent = Agent.objects.filter(pk=uuid.UUID(text)).first()
    except ValueError:
        agent = Agent.objects.filter(name=text).first() or Agent.objects.filter(stage=text).first()
    if agent is None:
        raise Http404("No agent matches the given id.")
    return agent


def chat_agents(user: Any) -> QuerySet[Agent]:
    """Every agent one can chat with, annotated with the id of `user`'s latest message with it."""
    latest = ChatMessage.objects.filter(owner=user, agent=OuterRef("pk")).order_by("-created_at").values("pk")[:1]
    return Agent.objects.annotate(last_message_id=Subquery(latest)).order_by("created_at")


def messages_by_id(ids: list[Any]) -> dict[Any, ChatMessage]:
    queryset = ChatMessage.objects.filter(pk__in=[i for i in ids if i]).prefetch_related("attachments")
    return {message.pk: message for message in queryset}


def messages_for(user: Any, agent: Agent) -> QuerySet[ChatMessage]:
    """`user`'s conversation with `agent`, newest first (admins too: a chat is always the caller's own)."""
    return (
        ChatMessage.objects.filter(owner=user, agent=agent)
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("created_at")))
        .order_by("-created_at", "-id")
    )


def get_message(message_id: Any) -> ChatMessage:
    return ChatMessage.objects.select_related("agent", "owner", "lead").prefetch_related("attachments").get(
        pk=message_id
    )


def recent_history(*, owner: Any, agent: Agent, before: ChatMessage, limit: int = HISTORY_TURNS) -> list[dict]:
    """The turns before `before`, oldest first, as `{sender, content}` (failed replies left out)."""
    rows = (
        ChatMessage.objects.filter(owner=owner, agent=agent, created_at__lt=before.created_at)
        .exclude(status=ChatMessage.Status.FAILED)
        .order_by("-created_at")
        .values("sender", "content")[:limit]
    )
    return [{"sender": row["sender"], "content": row["content"]} for row in reversed(rows)]


def attachments_for(user: Any) -> QuerySet[Attachment]:
    """The attachments `user` owns (nobody else's, admins included: attachments are private)."""
    return Attachment.objects.filter(owner=user)


def get_attachment_for(user: Any, attachment_id: Any) -> Attachment:
    return get_or_404(attachments_for(user), attachment_id, what="attachment")


def pipeline_summary(user: Any, *, top: int = 5) -> dict[str, Any]:
    """The agent server's `PipelineSummary` for `user`'s own leads: counts and the best leads."""
    leads = Lead.objects.filter(owner=user)
    by_status = {row["status"]: row["n"] for row in leads.values("status").annotate(n=Count("id")).order_by()}
    by_tier = {
        row["qualification_tier"]: row["n"]
        for row in leads.exclude(qualification_tier__isnull=True)
        .values("qualification_tier")
        .annotate(n=Count("id"))
        .order_by()
    }
    top_leads = [
        {**row, "id": str(row["id"])}
        for row in leads.exclude(overall_score__isnull=True)
        .order_by("-overall_score", "-created_at")
        .values("id", "company_name", "qualification_tier", "overall_score", "processing_stage")[:top]
    ]
    return {"total": sum(by_status.values()), "by_status": by_status, "by_tier": by_tier, "top_leads": top_leads}


# ChatLead: the input fields (annual_revenue as text, below), where the lead is, and every stage result.
LEAD_FIELDS = (
    *(name for name in INPUT_FIELDS if name != "annual_revenue"), "status", "processing_stage", *RESULT_FIELDS
)


def lead_as_chat_data(lead: Lead) -> dict[str, Any]:
    """The agent server's `ChatLead` dict: the stored lead with whatever stage results it has."""
    data: dict[str, Any] = {name: getattr(lead, name) for name in LEAD_FIELDS}
    data["id"] = str(lead.pk)
    data["annual_revenue"] = "" if lead.annual_revenue is None else str(lead.annual_revenue)
    data["scores"] = {name: getattr(lead, name) for name in SCORE_FIELDS}
    data["enrichment_data"] = lead.enrichment_data or None
    return data


def leads_mentioned_in(owner: User, text: str, *, limit: int = 3) -> list[Lead]:
    """`owner`'s leads whose company names appear in `text`, longest names first."""
    if not text:
        return []
    return list(
        Lead.objects.filter(owner=owner)
        .alias(text=Value(text[:2000]), name_length=Length("company_name"))
        .filter(name_length__gte=3, text__icontains=F("company_name"))
        .order_by("-name_length", "-created_at")[:limit]
    )
