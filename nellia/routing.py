"""WebSocket routes of every app, collected in one place (the trailing slash is optional)."""

from django.urls import re_path

from chat.consumers import ChatConsumer
from events.consumers import EventsConsumer

websocket_urlpatterns: list = [
    re_path(r"^ws/events/?$", EventsConsumer.as_asgi()),
    re_path(r"^ws/chat/(?P<agent_id>[\w-]{1,100})/?$", ChatConsumer.as_asgi()),
]
