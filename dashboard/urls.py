from django.urls import path

from dashboard import views

# Included at the site root.
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/agents.json", views.dashboard_agents, name="dashboard-agents"),
    path("dashboard/chat/<str:agent_id>.json", views.dashboard_chat, name="dashboard-chat"),
]
