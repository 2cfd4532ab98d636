"""POST /api/chat/attachments and GET /api/chat/attachments/{id}: limits checked on content, private storage."""

import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chat.models import Attachment
from chat.services import build_chat_arguments, post_user_message
from tests.broker import on_send

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
CSV = "empresa,cidade\nTransportes Rápidos,São Paulo\n".encode()


def upload(api, name: str, content: bytes, content_type: str = "application/octet-stream"):
    return api.post("/api/chat/attachments", {"file": SimpleUploadedFile(name, content, content_type)}, format="multipart")


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("leads.csv", CSV, "text/csv"),
        ("notes.txt", "olá, tudo bem?".encode("latin-1"), "text/plain"),
        ("data.json", b'{"a": [1, 2]}', "application/json"),
        ("doc.pdf", PDF, "application/pdf"),
        ("logo.png", PNG, "image/png"),
        ("photo.jpeg", JPG, "image/jpeg"),
    ],
)
def test_allowed_types(api, user, name, content, content_type):
    response = upload(api, name, content, "application/octet-stream")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["content_type"] == content_type
    assert body["size"] == len(content)
    assert body["url"] == f"/api/chat/attachments/{body['id']}"
    attachment = Attachment.objects.get(pk=body["id"])
    assert attachment.owner == user


def test_text_is_extracted_and_given_to_the_agent(api, user, agent, monkeypatch):
    on_send(monkeypatch, "chat.tasks.generate_chat_reply", lambda _id: None)
    attachment_id = upload(api, "leads.csv", CSV).json()["id"]
    assert Attachment.objects.get(pk=attachment_id).text == CSV.decode()

    response = api.post(
        f"/api/chat/{agent.pk}/messages", {"content": "look at this", "attachment_ids": [attachment_id]}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["attachments"][0]["id"] == attachment_id
    message = post_user_message(owner=user, agent=agent, content="again", attachment_ids=[attachment_id])
    assert build_chat_arguments(message)["attachments"] == [{"name": "leads.csv", "text": CSV.decode()}]


def test_long_text_is_truncated(api):
    body = upload(api, "big.txt", b"a" * 100_000).json()
    assert len(Attachment.objects.get(pk=body["id"]).text) == 20_000


def test_oversize_is_413(api, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    response = upload(api, "big.csv", b"a,b\n" * 1000)
    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("image.csv", PNG),  # a PNG renamed .csv
        ("program.pdf", EXE),  # an EXE renamed .pdf
        ("program.txt", EXE),
        ("program.png", EXE),
        ("photo.jpg", PNG),
        ("bad.json", b"{not json"),
        ("program.exe", EXE),
        ("script.sh", b"#!/bin/sh\necho hi\n"),
        ("noextension", b"hello"),
        ("empty.txt", b""),
    ],
)
def test_wrong_or_disguised_type_is_400(api, name, content):
    response = upload(api, name, content)
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid"
    assert "file" in response.json()["fields"]
    assert not Attachment.objects.exists()


def test_path_traversal_name_does_not_matter(api, user, settings):
    response = upload(api, "../../etc/passwd.txt", b"root:x:0:0")
    assert response.status_code == 201
    attachment = Attachment.objects.get(pk=response.json()["id"])
    assert attachment.name == "passwd.txt"
    stored = Path(attachment.file.path).resolve()
    root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    assert stored.is_relative_to(root / "attachments" / str(user.pk))
    assert "passwd" not in stored.name  # a random name on disk
    assert stored.read_bytes() == b"root:x:0:0"


@pytest.mark.parametrize("name", ["..\\..\\windows\\evil.txt", "/etc/shadow.txt", "a\x00b.txt", "....txt"])
def test_odd_names_are_sanitised(api, name):
    response = upload(api, name, b"hello")
    assert response.status_code in (201, 400)
    if response.status_code == 201:
        stored = response.json()["name"]
        assert "/" not in stored and "\\" not in stored and "\x00" not in stored and not stored.startswith(".")


def test_download_is_owner_only(api, other_api, admin_api):
    body = upload(api, "leads.csv", CSV).json()
    response = api.get(body["url"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == CSV
    assert response["Content-Type"] == "text/csv"
    assert "attachment" in response["Content-Disposition"]
    assert other_api.get(body["url"]).status_code == 404
    assert admin_api.get(body["url"]).status_code == 404


def test_download_unknown_is_404(api):
    assert api.get("/api/chat/attachments/00000000-0000-0000-0000-000000000000").status_code == 404


def test_upload_requires_auth(client):
    assert client.post("/api/chat/attachments", {"file": io.BytesIO(b"x")}).status_code == 401


def test_upload_without_file_is_400(api):
    response = api.post("/api/chat/attachments", {}, format="multipart")
    assert response.status_code == 400
    assert json.loads(response.content)["fields"]["file"]
