"""CSV export neutralises formula-like cells (OWASP CSV injection); the import reads them back unchanged."""

import csv
import io

import pytest

from leads.models import Lead
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

PAYLOADS = ["=CMD()", '=HYPERLINK("http://x","y")', "@SUM(A1)", "=cmd|' /C calc'!A0", "+55 11 99999-0000", "-1+1", "\tTab", "\rCR"]


def _csv_rows(api) -> list[dict]:
    response = api.get("/api/leads/export?format=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_cells_start_with_a_quote(api, payload):
    LeadFactory(owner=api.user, company_name=payload, description=payload)
    (row,) = _csv_rows(api)
    assert row["company_name"] == "'" + payload
    assert row["description"] == "'" + payload


def test_plain_cells_are_unchanged(api):
    LeadFactory(owner=api.user, company_name="Acme 'quoted' = fine", description="a-b")
    (row,) = _csv_rows(api)
    assert row["company_name"] == "Acme 'quoted' = fine"
    assert row["description"] == "a-b"


def test_round_trip_restores_the_original_text(api):
    LeadFactory(owner=api.user, company_name="=SUM(1)", description="@mention", website="https://acme.com.br")
    response = api.get("/api/leads/export?format=csv")
    content = b"".join(response.streaming_content)
    Lead.objects.all().delete()
    upload = io.BytesIO(content)
    upload.name = "leads.csv"
    report = api.post("/api/leads/import", {"file": upload}, format="multipart").json()
    assert report["created"] == 1
    lead = Lead.objects.get()
    assert (lead.company_name, lead.description) == ("=SUM(1)", "@mention")
