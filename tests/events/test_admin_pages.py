"""The admin pages of the event log and of chat open for a superuser and stay read-mostly."""

import pytest

from chat.models import Attachment, ChatMessage
from events.models import Event
from tests.factories import pipeline_agent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_event_admin(admin_client, user):
    event = Event.objects.create(type="lead.created", data={"lead_id": "x"}, user=user)
    assert admin_client.get("/admin/events/event/").status_code == 200
    assert admin_client.get(f"/admin/events/event/{event.pk}/change/").status_code == 200
    assert admin_client.get("/admin/events/event/add/").status_code == 403


def test_chat_admin(admin_client, user):
    message = ChatMessage.objects.create(owner=user, agent=pipeline_agent("intake"), sender="user", content="hello")
    attachment = Attachment.objects.create(owner=user, name="a.txt", content_type="text/plain", size=1, file="x")
    assert admin_client.get("/admin/chat/chatmessage/").status_code == 200
    assert admin_client.get(f"/admin/chat/chatmessage/{message.pk}/change/").status_code == 200
    assert admin_client.get("/admin/chat/attachment/").status_code == 200
    assert admin_client.get(f"/admin/chat/attachment/{attachment.pk}/change/").status_code == 200
