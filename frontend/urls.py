"""Every `/api/v1/` route (FRONTEND.md §2); any other path under /api/v1/ answers a JSON 404. Paths take an
optional trailing slash and are never redirected."""

from django.urls import re_path

from frontend.views import agents, auth, business_context, chat, leads, metrics, prospect
from frontend.views.base import NotFoundView

UUID = r"(?P<{}>[^/]+)"


def route(pattern: str, view, name: str):
    return re_path(rf"^{pattern}/?$", view.as_view(), name=f"v1-{name}")


urlpatterns = [
    route("auth/login", auth.LoginView, "auth-login"),
    route("auth/register", auth.RegisterView, "auth-register"),
    route("auth/refresh", auth.RefreshView, "auth-refresh"),
    route("auth/logout", auth.LogoutView, "auth-logout"),
    route("auth/profile", auth.ProfileView, "auth-profile"),
    route("agents", agents.AgentListView, "agents"),
    route(rf"agents/{UUID.format('agent_id')}", agents.AgentDetailView, "agent"),
    route(rf"agents/{UUID.format('agent_id')}/status", agents.AgentStatusView, "agent-status"),
    route(rf"agents/{UUID.format('agent_id')}/start", agents.AgentStartView, "agent-start"),
    route(rf"agents/{UUID.format('agent_id')}/stop", agents.AgentStopView, "agent-stop"),
    route("leads", leads.LeadListView, "leads"),
    route("leads/by-stage", leads.LeadsByStageView, "leads-by-stage"),
    route("leads/bulk", leads.LeadBulkView, "leads-bulk"),
    route(rf"leads/{UUID.format('lead_id')}", leads.LeadDetailView, "lead"),
    route(rf"leads/{UUID.format('lead_id')}/stage", leads.LeadStageView, "lead-stage"),
    route(rf"leads/{UUID.format('lead_id')}/process", leads.LeadProcessView, "lead-process"),
    route("business-context", business_context.BusinessContextView, "business-context"),
    route("prospect/start", prospect.ProspectStartView, "prospect-start"),
    route("prospect/jobs", prospect.ProspectJobsView, "prospect-jobs"),
    route(rf"prospect/status/{UUID.format('job_id')}", prospect.ProspectJobStatusView, "prospect-status"),
    route("users/plan-status", prospect.PlanStatusView, "plan-status"),
    route("metrics/dashboard", metrics.DashboardView, "metrics-dashboard"),
    route("metrics/performance", metrics.PerformanceView, "metrics-performance"),
    route("metrics/agents", metrics.AgentMetricsView, "metrics-agents"),
    route("metrics/leads", metrics.LeadMetricsView, "metrics-leads"),
    route("metrics/summary", metrics.SummaryView, "metrics-summary"),
    route(rf"chat/{UUID.format('agent_id')}/messages", chat.ChatHistoryView, "chat-history"),
    route("chat/messages", chat.ChatPostView, "chat-post"),
    re_path(r"^.*$", NotFoundView.as_view(), name="v1-not-found"),
]
