from datetime import timedelta

import pytest
from django.utils import timezone

from leads.models import Lead
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def _ids(api, query):
    response = api.get(f"/api/leads?{query}")
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def leads(user):
    a = LeadFactory(
        owner=user, company_name="Alpha Logística", status="completed", processing_stage="completed",
        qualification_tier="high_potential", company_sector="Logística", market_region="Sudeste",
        board_stage="negociando", relevance_score=0.9, roi_potential_score=0.2, brazilian_market_fit=0.5,
        overall_score=0.6, description="frota própria", website="https://alpha.com.br",
    )
    b = LeadFactory(
        owner=user, company_name="Beta Software", status="failed", processing_stage="analysis",
        qualification_tier="low_potential", company_sector="Tecnologia", market_region="Sul",
        relevance_score=0.3, roi_potential_score=0.8, brazilian_market_fit=0.95, overall_score=0.7,
        description="ERP na nuvem", website="https://beta.io", source="import",
    )
    c = LeadFactory(owner=user, company_name="Gama", description="sem dados", website="https://gama.com.br")
    Lead.objects.filter(pk=c.pk).update(created_at=timezone.now() - timedelta(days=10))
    return {"a": str(a.id), "b": str(b.id), "c": str(c.id)}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=completed", ["a"]),
        ("status=new", ["c"]),
        ("processing_stage=analysis", ["b"]),
        ("qualification_tier=low_potential", ["b"]),
        ("company_sector=logística", ["a"]),
        ("market_region=sul", ["b"]),
        ("board_stage=negociando", ["a"]),
        ("source=import", ["b"]),
        ("relevance_score_min=0.5", ["a"]),
        ("relevance_score_max=0.5", ["b"]),
        ("roi_potential_score_min=0.5", ["b"]),
        ("roi_potential_score_max=0.5", ["a"]),
        ("brazilian_market_fit_min=0.9", ["b"]),
        ("brazilian_market_fit_max=0.9", ["a"]),
        ("relevance_score_min=0.2&relevance_score_max=0.4", ["b"]),
        ("search=nuvem", ["b"]),
        ("search=alpha.com", ["a"]),
        ("search=GAMA", ["c"]),
    ],
)
def test_filter(api, leads, query, expected):
    assert sorted(_ids(api, query)) == sorted(leads[key] for key in expected)


def test_created_after_and_before(api, leads):
    five_days_ago = (timezone.now() - timedelta(days=5)).isoformat()
    assert sorted(_ids(api, f"created_after={five_days_ago.replace('+', '%2B')}")) == sorted([leads["a"], leads["b"]])
    assert _ids(api, f"created_before={five_days_ago.replace('+', '%2B')}") == [leads["c"]]
    day = (timezone.now() - timedelta(days=5)).date().isoformat()
    assert _ids(api, f"created_before={day}") == [leads["c"]]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("relevance_score", ["b", "a", "c"]),
        ("-relevance_score", ["a", "b", "c"]),  # empty scores last both ways
        ("-roi_potential_score", ["b", "a", "c"]),
        ("brazilian_market_fit", ["a", "b", "c"]),
        ("-overall_score", ["b", "a", "c"]),
        ("company_name", ["a", "b", "c"]),
        ("-company_name", ["c", "b", "a"]),
        ("created_at", ["c", "a", "b"]),
        ("-created_at", ["b", "a", "c"]),
    ],
)
def test_ordering(api, leads, ordering, expected):
    assert _ids(api, f"ordering={ordering}") == [leads[key] for key in expected]


def test_default_order_is_newest_first(api, leads):
    assert _ids(api, "") == [leads["b"], leads["a"], leads["c"]]


def test_updated_and_processed_ordering_are_accepted(api, leads):
    assert len(_ids(api, "ordering=-updated_at")) == 3
    assert len(_ids(api, "ordering=processed_at")) == 3


@pytest.mark.parametrize("query", ["status=bogus", "relevance_score_min=abc", "created_after=yesterday", "qualification_tier=x"])
def test_bad_filter_values_are_400(api, leads, query):
    response = api.get(f"/api/leads?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["fields"]
