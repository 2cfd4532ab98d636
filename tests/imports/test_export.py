"""GET /api/leads/export and the export → import round trip."""

import csv
import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile

from leads.models import Lead
from tests.factories import LeadFactory

COMPARED = ("company_name", "website", "description", "source_text", "company_sector", "company_size",
            "market_region", "contact_email", "contact_phone", "contact_role", "annual_revenue")


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def leads_of(user):
    return sorted(Lead.objects.filter(owner=user).values_list(*COMPARED))


def test_csv_round_trip(api, other_api, user, other_user):
    LeadFactory(owner=user, company_name='Aço "Forte"; Ltda', description="Linha 1\nLinha 2, com vírgula",
                annual_revenue="1234.50", contact_email="x@aco.com.br", market_region="São Paulo")
    LeadFactory(owner=user, website="", company_name="Sem site")
    LeadFactory.create_batch(3, owner=user)
    response = api.get("/api/leads/export?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    content = body(response)
    assert content.startswith("\ufeff".encode())
    upload = SimpleUploadedFile("export.csv", content, "text/csv")
    result = other_api.post("/api/leads/import", {"file": upload}, format="multipart").json()
    assert result == {"created": 5, "duplicates": 0, "failed": 0, "errors": []}
    assert leads_of(other_user) == leads_of(user)


def test_json_round_trip_and_filters(api, other_api, user, other_user):
    LeadFactory(owner=user, status="completed", company_sector="Logística")
    LeadFactory(owner=user, status="new", company_sector="Saúde")
    LeadFactory(owner=other_user, status="completed")  # not mine
    response = api.get("/api/leads/export?format=json&status=completed")
    assert response["Content-Type"] == "application/json"
    rows = json.loads(body(response))
    assert len(rows) == 1
    assert rows[0]["company_sector"] == "Logística"
    assert "analysis" in rows[0]
    upload = SimpleUploadedFile("export.json", json.dumps(rows).encode(), "application/json")
    assert other_api.post("/api/leads/import", {"file": upload}, format="multipart").json()["created"] == 1


def test_search_and_ordering(api, user):
    LeadFactory(owner=user, company_name="Beta Transportes")
    LeadFactory(owner=user, company_name="Alfa Transportes")
    LeadFactory(owner=user, company_name="Clínica")
    content = body(api.get("/api/leads/export?format=csv&search=transportes&ordering=company_name")).decode("utf-8-sig")
    names = [row["company_name"] for row in csv.DictReader(io.StringIO(content))]
    assert names == ["Alfa Transportes", "Beta Transportes"]


def test_bad_format(api):
    response = api.get("/api/leads/export?format=xlsx")
    assert response.status_code == 400
    assert "format" in response.json()["fields"]


def test_default_is_csv_and_auth(api, client):
    assert api.get("/api/leads/export")["Content-Type"].startswith("text/csv")
    assert client.get("/api/leads/export").status_code == 401
