"""`chat.message` events carry the message in the `/api/` shape, built without the `/api/` serializer."""

import json

import pytest
from rest_framework.utils.encoders import JSONEncoder

from chat.events import message_payload
from chat.models import Attachment
from chat.serializers import ChatMessageSerializer
from chat.services import post_user_message
from events.models import Event
from tests.broker import on_send
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def test_the_event_message_is_the_api_message(user, agent, monkeypatch, django_capture_on_commit_callbacks):
    on_send(monkeypatch, "chat.tasks.generate_chat_reply", lambda _id: None)
    attachment = Attachment.objects.create(owner=user, name="x.txt", content_type="text/plain", size=1, file="x")
    lead = LeadFactory(owner=user)
    with django_capture_on_commit_callbacks(execute=True):
        message = post_user_message(owner=user, agent=agent, content="hi", lead_id=lead.pk,
                                    attachment_ids=[attachment.pk])
    api_shape = json.loads(json.dumps(ChatMessageSerializer(message).data, cls=JSONEncoder))
    assert message_payload(message) == api_shape
    event = Event.objects.get(type="chat.message")
    assert event.data == {"message": api_shape}
