from django.urls import re_path

from chat import views

# Full sub-paths under /api/ (the trailing slash is optional).
urlpatterns = [
    re_path(r"^chat/agents/?$", views.ChatAgentListView.as_view(), name="chat-agents"),
    re_path(r"^chat/attachments/?$", views.AttachmentUploadView.as_view(), name="chat-attachments"),
    re_path(
        r"^chat/attachments/(?P<attachment_id>[0-9a-fA-F-]{32,36})/?$",
        views.AttachmentDownloadView.as_view(),
        name="chat-attachment-download",
    ),
    re_path(r"^chat/(?P<agent_id>[\w-]{1,100})/messages/?$", views.ChatMessagesView.as_view(), name="chat-messages"),
]
