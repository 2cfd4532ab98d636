import pytest

from leads.models import Lead
from prospecting.selectors import plan_status
from registry.models import Establishment, Municipio
from tests.broker import on_stage_send
from tests.factories import LeadFactory

URL = "/api/registry/companies/to-leads"


def _with_email(count, **lookups):
    return list(Establishment.objects.filter(situacao="02", **lookups).exclude(email="")
                .order_by("cnpj").values_list("cnpj", flat=True)[:count])


def test_cnpjs_become_leads_with_the_registry_facts(api, user, registry, django_capture_on_commit_callbacks):
    cnpj = Establishment.objects.filter(situacao="02", cnae_division=49, email__contains="@contato").first()
    cnpj = cnpj or Establishment.objects.filter(situacao="02", cnae_division=49).exclude(email="").first()
    response = api.post(URL, {"cnpjs": [cnpj.cnpj]}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert len(body["created"]) == 1 and body["duplicates"] == [] and body["quota_exceeded"] == 0
    lead = Lead.objects.get(pk=body["created"][0])
    assert (lead.owner, lead.source, lead.cnpj, lead.status) == (user, "registry", cnpj.cnpj, "new")
    assert lead.company_sector == "Logística e Transporte"
    assert lead.contact_email == cnpj.email.lower() and lead.market_region.endswith(f"/{cnpj.uf}")
    assert f"{cnpj.cnpj[:2]}.{cnpj.cnpj[2:5]}.{cnpj.cnpj[5:8]}/" in lead.source_text
    assert lead.company_size in ("micro", "small", "medium", "")


def test_a_company_domain_becomes_the_website_and_free_mail_does_not(api, registry):
    own = Establishment.objects.filter(email__startswith="contato@").first()
    free = Establishment.objects.filter(email__iendswith="@gmail.com").first()
    body = api.post(URL, {"cnpjs": [own.cnpj, free.cnpj]}, format="json").json()
    websites = dict(Lead.objects.filter(pk__in=body["created"]).values_list("cnpj", "website"))
    assert websites == {own.cnpj: "https://" + own.email.split("@")[1].lower(), free.cnpj: ""}


def test_duplicates_by_cnpj_and_by_website(api, user, registry):
    first, second, third = _with_email(3, email__startswith="contato@")
    api.post(URL, {"cnpjs": [first]}, format="json")
    existing = Lead.objects.get(cnpj=first)
    other = Establishment.objects.get(pk=second)
    LeadFactory(owner=user, website="https://" + other.email.split("@")[1].lower())
    body = api.post(URL, {"cnpjs": [first, second, third]}, format="json").json()
    assert [d["reason"] for d in body["duplicates"]] == ["cnpj", "website"]
    assert body["duplicates"][0] == {"cnpj": first, "reason": "cnpj", "lead_id": str(existing.pk)}
    assert len(body["created"]) == 1


def test_two_establishments_with_the_same_domain_make_one_lead(api, registry):
    siblings = _with_email(2)
    Establishment.objects.filter(pk__in=siblings).update(email="vendas@grupo-exemplo.com.br")
    body = api.post(URL, {"cnpjs": siblings}, format="json").json()
    assert len(body["created"]) == 1
    assert body["duplicates"] == [{"cnpj": siblings[1], "reason": "website", "lead_id": None}]


def test_the_quota_caps_what_is_created_and_is_spent(api, user, registry):
    assert plan_status(user).remaining == 10  # free plan
    body = api.post(URL, {"filters": {"cnae": "47", "has_email": True}, "limit": 15}, format="json").json()
    assert len(body["created"]) == 10 and body["quota_exceeded"] == 5
    assert plan_status(user).remaining == 0
    body = api.post(URL, {"filters": {"cnae": "56"}, "limit": 3}, format="json").json()
    assert body["created"] == [] and body["quota_exceeded"] == 3


def test_filters_take_the_first_of_the_search_in_order(api, user, registry):
    user.plan = "enterprise"
    user.save()
    body = api.post(URL, {"filters": {"uf": ["GO"], "cnae": ["H"]}, "limit": 4}, format="json").json()
    expected = list(Establishment.objects.filter(situacao="02", uf="GO", cnae_division__in=[49, 50, 51, 52, 53])
                    .order_by("cnpj").values_list("cnpj", flat=True)[:4])
    created = Lead.objects.filter(pk__in=body["created"]).order_by("created_at", "cnpj")
    assert sorted(lead.cnpj for lead in created) == expected


def test_filters_take_ibge_codes(api, user, registry):
    user.plan = "enterprise"
    user.save()
    town = Municipio.objects.get(code=Establishment.objects.filter(situacao="02").values_list("municipio_id", flat=True)[0])
    body = api.post(URL, {"filters": {"municipio": [town.ibge_code]}, "limit": 3}, format="json").json()
    expected = Establishment.objects.filter(situacao="02", municipio_id=town.code).order_by("cnpj")[:3]
    assert sorted(Lead.objects.filter(pk__in=body["created"]).values_list("cnpj", flat=True)) == [
        e.cnpj for e in expected]


def test_process_true_queues_the_pipeline(api, registry, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    on_stage_send(monkeypatch, lambda *args: sent.append(args))
    cnpjs = _with_email(2)
    with django_capture_on_commit_callbacks(execute=True):
        body = api.post(URL, {"cnpjs": cnpjs, "process": True}, format="json").json()
    assert Lead.objects.filter(pk__in=body["created"], status="queued").count() == 2
    assert sorted((lead_id, stage) for lead_id, stage, _token in sent) == sorted(
        (lead_id, "intake") for lead_id in body["created"])


def test_unknown_cnpjs_are_listed(api, registry):
    body = api.post(URL, {"cnpjs": ["11.222.333/0001-81"]}, format="json").json()
    assert body == {"created": [], "duplicates": [], "quota_exceeded": 0, "not_found": ["11222333000181"]}


@pytest.mark.parametrize("payload,field", [
    ({}, "non_field_errors"),
    ({"cnpjs": ["11222333000181"], "filters": {}}, "non_field_errors"),
    ({"cnpjs": ["11222333000180"]}, "cnpjs"),
    ({"cnpjs": []}, "cnpjs"),
    ({"filters": {"uf": "XX"}}, "filters"),
    ({"filters": {"municipio": ["5208708"]}}, "filters"),
    ({"filters": {"colour": "blue"}}, "filters"),
    ({"filters": {}, "limit": 1001}, "limit"),
])
def test_bad_requests_are_400s(api, db, payload, field):
    response = api.post(URL, payload, format="json")
    assert response.status_code == 400 and field in response.json()["fields"]
    assert not Lead.objects.exists()
