"""`GET /api/leads` builds its page from plain rows (nellia/api/rows.py): the same bytes as LeadSerializer on the
same leads, in a constant number of statements."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import renderers

from leads.models import Lead, ProspectJob
from leads.serializers import LeadSerializer
from tests.factories import LeadFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def leads(user):
    job = ProspectJob.objects.create(owner=user, search_query="transportes")
    return [
        LeadFactory(owner=user),  # a new lead: nulls and empty JSON everywhere
        LeadFactory(
            owner=user, company_name="Ação “Logística” \u2028 Ltda", annual_revenue=Decimal("1500.50"),
            status="completed", processing_stage="completed", progress=100, relevance_score=0.82,
            roi_potential_score=1.0, brazilian_market_fit=1e-05, overall_score=0.1 + 0.2,
            qualification_tier="high_potential", board_stage="negociando", processed_at=timezone.now().replace(microsecond=0),
            analysis={"company_sector": "Logística", "score_explanations": {"relevance": "ótimo"}, "n": 12345678901234567890123},
            persona={"fictional_name": "Carlos", "decision_maker_probability": 0.8},
            pain_point_analysis=["Prospecção manual"], purchase_triggers=["Nova filial"],
            strategy={"contact_sequence": [{"step": 1, "channel": "email"}]}, message={"body": "Olá\nmundo"},
            enrichment_data={"emails": ["a@b.com.br"], "cnpj": [], "employees": 250}, last_error="",
            prospect_job=job,
        ),
        LeadFactory(owner=user, status="failed", last_error="Timeout", persona=None, analysis=None),
    ]


def test_the_page_is_the_serializers(api, user, leads):
    response = api.get("/api/leads?ordering=company_name")
    instances = Lead.objects.filter(owner=user).order_by("company_name", "-id")
    expected = renderers.JSONRenderer().render(LeadSerializer(instances, many=True).data)
    body = response.content
    assert body.startswith(b'{"count":3,"next":null,"previous":null,"results":')
    assert body.removeprefix(b'{"count":3,"next":null,"previous":null,"results":').removesuffix(b"}") == expected


def test_a_list_is_three_statements_whatever_its_size(api, user):
    """The user, the total (from the lead counts on PostgreSQL) and the page; a first page that is the whole list
    is its own count."""
    LeadFactory.create_batch(3, owner=user)
    for query in ("", "?page_size=2", "?search=empresa", "?status=new&page_size=1"):
        with CaptureQueriesContext(connection) as small:
            assert api.get(f"/api/leads{query}").status_code == 200
        LeadFactory.create_batch(5, owner=user)
        with CaptureQueriesContext(connection) as large:
            assert api.get(f"/api/leads{query}").status_code == 200
        assert len(large) == len(small) <= 3, (query, [q["sql"] for q in large])


def test_a_first_page_holding_the_whole_list_is_not_counted(api, user):
    LeadFactory.create_batch(3, owner=user, description="Frete rodoviário")
    LeadFactory(owner=UserFactory(), description="Frete rodoviário")
    with CaptureQueriesContext(connection) as queries:
        page = api.get("/api/leads?search=frete").json()
    assert page["count"] == 3 and len(page["results"]) == 3 and page["next"] is None
    assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    page = api.get("/api/leads?search=frete&page_size=2").json()  # one more than the page: counted
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"].endswith("page=2&page_size=2&search=frete")
    assert api.get("/api/leads?search=frete&page_size=2&page=2").json()["count"] == 3
    assert api.get("/api/leads?search=frete&page=2").status_code == 404


def test_another_users_leads_stay_out(api, user, other_user):
    LeadFactory(owner=other_user)
    assert api.get("/api/leads").json() == {"count": 0, "next": None, "previous": None, "results": []}

