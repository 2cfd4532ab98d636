"""POST /api/leads/import with messy CSV files."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from events.models import Event
from leads.models import Lead
from tests.broker import on_stage_send
from tests.factories import LeadFactory


def upload(api, content: bytes, name: str = "leads.csv", content_type: str = "text/csv", **extra):
    return api.post("/api/leads/import", {"file": SimpleUploadedFile(name, content, content_type), **extra},
                    format="multipart")


def test_utf8_bom_comma(api, user):
    content = "\ufeffcompany_name,website,description\nAção Ltda,https://www.Acao.com.br/,Indústria\n".encode()
    response = upload(api, content)
    assert response.status_code == 201, response.json()
    assert response.json() == {"created": 1, "duplicates": 0, "failed": 0, "errors": []}
    lead = Lead.objects.get(owner=user)
    assert lead.company_name == "Ação Ltda"
    assert lead.website == "https://www.acao.com.br"
    assert lead.description == "Indústria"
    assert lead.source == "import"
    assert lead.status == "new"


def test_latin1_semicolon_quoted_newlines(api, user):
    text = (
        "Empresa;Site;descrição;annual_revenue\n"
        'Padaria São João;padariasj.com.br;"Pães\nartesanais; bolos";1.234.567,89\n'
        "Metalúrgica Forte;metalforte.ind.br;Aço;\n"
    )
    response = upload(api, text.encode("latin-1"))
    assert response.status_code == 201, response.json()
    assert response.json()["created"] == 2
    lead = Lead.objects.get(owner=user, website="https://padariasj.com.br")
    assert lead.company_name == "Padaria São João"
    assert lead.description == "Pães\nartesanais; bolos"
    assert str(lead.annual_revenue) == "1234567.89"
    assert Lead.objects.get(owner=user, website="https://metalforte.ind.br").company_name == "Metalúrgica Forte"


def test_per_row_errors_keep_valid_rows(api, user):
    content = (
        b"company_name,website,contact_email,annual_revenue\n"
        b"Boa,boa.com.br,ok@boa.com.br,10\n"
        b",semnome.com.br,,\n"
        b"Site Ruim,not a website,,\n"
        b"Email Ruim,emailruim.com.br,nope,-5\n"
    )
    response = upload(api, content)
    body = response.json()
    assert response.status_code == 201
    assert (body["created"], body["duplicates"], body["failed"]) == (1, 0, 3)
    assert [e["row"] for e in body["errors"]] == [2, 3, 4]
    assert set(body["errors"][0]["fields"]) == {"company_name"}
    assert set(body["errors"][1]["fields"]) == {"website"}
    assert set(body["errors"][2]["fields"]) == {"contact_email", "annual_revenue"}
    assert Lead.objects.filter(owner=user).count() == 1


def test_duplicates_in_file_and_existing(api, user, other_user):
    LeadFactory(owner=user, website="https://existing.com.br")
    LeadFactory(owner=other_user, website="https://other.com.br")  # another user's: not a duplicate for me
    content = (
        b"company_name,website\n"
        b"A,https://existing.com.br/\n"
        b"B,HTTPS://NEW.com.br\n"
        b"C,new.com.br/\n"
        b"D,other.com.br\n"
        b"E,\n"
        b"F,\n"
    )
    body = upload(api, content).json()
    assert (body["created"], body["duplicates"], body["failed"]) == (4, 2, 0)
    assert Lead.objects.filter(owner=user).count() == 5
    assert Lead.objects.get(owner=user, website="https://new.com.br").company_name == "B"


def test_missing_required_column_writes_nothing(api, user):
    before = Event.objects.count()
    response = upload(api, b"name_of_company,website\nAcme,acme.com\n")
    assert response.status_code == 400
    assert response.json()["code"] == "missing_columns"
    assert Lead.objects.count() == 0
    assert Event.objects.count() == before


def test_other_file_type_is_415(api):
    response = upload(api, b"%PDF-1.4 binary", name="leads.pdf", content_type="application/pdf")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_file_type"
    assert Lead.objects.count() == 0


def test_too_large_is_413(api, settings):
    settings.IMPORT_MAX_BYTES = 100
    response = upload(api, b"company_name\n" + b"Acme\n" * 50)
    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"
    assert Lead.objects.count() == 0


def test_no_file(api):
    response = api.post("/api/leads/import", {"process": "true"}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["fields"]


def test_small_import_publishes_lead_created_each(api, user):
    upload(api, b"company_name\nA\nB\n")
    assert Event.objects.filter(user=user, type="lead.created").count() == 2


def test_10k_rows(api, user):
    buffer = io.StringIO()
    buffer.write("company_name;website;description\n")
    for i in range(10_000):
        website = f"empresa{i % 9_990}.com.br"  # the last 10 repeat earlier websites
        name = "" if i % 1000 == 500 else f"Empresa {i}"  # 10 rows fail
        buffer.write(f'{name};{website};"Linha {i}"\n')
    response = upload(api, buffer.getvalue().encode("utf-8"))
    body = response.json()
    assert response.status_code == 201
    assert body["failed"] == 10
    assert body["duplicates"] == 10
    assert body["created"] == 9_980
    assert Lead.objects.filter(owner=user).count() == 9_980
    # One summary event instead of thousands of lead.created
    assert Event.objects.filter(user=user, type="lead.created").count() == 0
    assert Event.objects.filter(user=user, type="metrics.updated").count() >= 1


def test_requires_auth(client):
    assert client.post("/api/leads/import", {}).status_code == 401


@pytest.mark.parametrize("process", ["true", "1"])
def test_process_flag_queues_created_leads(api, user, process, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    on_stage_send(monkeypatch, lambda *args: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        body = upload(api, b"company_name,website\nA,a.com.br\nB,b.com.br\n", process=process).json()
    assert body["created"] == 2
    assert set(Lead.objects.filter(owner=user).values_list("status", flat=True)) == {"queued"}
    assert len(sent) == 2


def test_a_concurrent_insert_of_the_same_website_counts_as_duplicate(api, user, monkeypatch):
    LeadFactory(owner=user, website="https://race.com.br")
    # As if the other insert landed after our dedupe query ran.
    monkeypatch.setattr("leads.importing._existing_keys", lambda owner, keys: set())
    body = upload(api, b"company_name,website\nRace,race.com.br\nNew,new-one.com.br\n").json()
    assert (body["created"], body["duplicates"]) == (1, 1)
    assert Lead.objects.filter(owner=user).count() == 2
