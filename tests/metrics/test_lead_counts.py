"""The trigger-maintained lead counts (metrics.models.LeadCountsDelta) equal the aggregate of the leads after every
kind of write: services, QuerySet.update/delete, the pipeline's saves, bulk import (COPY), cascades. PostgreSQL only."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from leads import services
from leads.importing import import_leads
from leads.models import Lead
from metrics import selectors
from metrics.models import LeadCountsDelta
from tests.factories import LeadFactory

SP = ZoneInfo("America/Sao_Paulo")
NOW = datetime(2025, 3, 10, 15, 30, tzinfo=SP)


@pytest.fixture(autouse=True)
def _fresh_cache(postgresql_only):
    cache.clear()
    yield
    cache.clear()


def _both(user, monkeypatch) -> tuple[dict, dict]:
    """(overview from the counts, overview aggregated from the leads)."""
    counted = selectors.overview(user, now=NOW)
    with monkeypatch.context() as patch:
        patch.setattr(selectors, "uses_lead_counts", lambda: False)
        aggregated = selectors.overview(user, now=NOW)
    return counted, aggregated


def _assert_consistent(monkeypatch, *users) -> None:
    for who in users:
        counted, aggregated = _both(who, monkeypatch)
        assert counted == aggregated


def _completed(owner, **extra) -> Lead:
    processed = NOW - timedelta(hours=1)
    fields = {
        "status": "completed", "processing_stage": "completed", "qualification_tier": "high_potential",
        "relevance_score": 0.9, "roi_potential_score": 0.45, "brazilian_market_fit": 0.3, "processed_at": processed,
        "queued_at": processed - timedelta(milliseconds=1234, microseconds=7),
    }
    return LeadFactory(owner=owner, **{**fields, **extra})


def test_every_kind_of_write_keeps_the_counts_exact(user, other_user, admin_user, monkeypatch):
    users = (user, other_user, admin_user)
    _assert_consistent(monkeypatch, *users)

    first = _completed(user)
    _completed(user, relevance_score=0.1, qualification_tier="low_potential")
    _completed(other_user, brazilian_market_fit=None)
    created = services.create_lead(owner=user, data={"company_name": "Acme", "website": "acme.com.br"})
    _assert_consistent(monkeypatch, *users)
    counted, _ = _both(user, monkeypatch)
    assert counted["total_leads"] == 3
    assert counted["avg_scores"]["relevance"] == 0.5
    assert counted["avg_processing_time_ms"] == 1234.0

    # The pipeline's saves and a service update.
    created.status, created.processing_stage, created.queued_at = "processing", "analysis", NOW
    created.save()
    services.update_lead(lead=created, data={"company_name": "Acme SA"})
    _assert_consistent(monkeypatch, *users)

    # Bulk updates, including a change of owner and a score becoming null.
    Lead.objects.filter(owner=user, status="completed").update(status="failed", processing_stage="persona")
    Lead.objects.filter(pk=first.pk).update(owner=other_user, relevance_score=None)
    _assert_consistent(monkeypatch, *users)

    # Deletes: the service, a bulk delete, a cascade from the owner.
    services.delete_lead(lead=created)
    Lead.objects.filter(owner=user).delete()
    _assert_consistent(monkeypatch, *users)
    assert _both(user, monkeypatch)[0]["total_leads"] == 0
    doomed = User.objects.create_user(email="doomed@example.com", password="x-pass-12345")
    _completed(doomed)
    doomed.delete()
    _assert_consistent(monkeypatch, *users)
    assert _both(admin_user, monkeypatch)[0]["total_leads"] == Lead.objects.count() == 2


def test_bulk_import_with_copy_is_counted(user, admin_user, monkeypatch):
    rows = [{"company_name": f"Empresa {i}", "website": f"https://empresa{i}.com.br"} for i in range(300)]
    rows.append({"company_name": "Empresa 1 again", "website": "https://empresa1.com.br"})  # a duplicate
    report = import_leads(owner=user, rows=rows)
    assert report.created == 300
    _assert_consistent(monkeypatch, user, admin_user)
    counted, _ = _both(user, monkeypatch)
    assert counted["total_leads"] == 300
    assert counted["leads_by_status"]["new"] == 300


def test_progress_ticks_append_nothing(user):
    lead = _completed(user)
    before = LeadCountsDelta.objects.count()
    Lead.objects.filter(pk=lead.pk).update(progress=50, company_name="Renamed")
    assert LeadCountsDelta.objects.count() == before


def test_compaction_folds_rows_and_keeps_numbers(user, other_user, monkeypatch):
    leads = [_completed(user, relevance_score=i / 100) for i in range(30)]
    for lead in leads:  # one row per statement: 2 groups touched each time
        Lead.objects.filter(pk=lead.pk).update(status="failed", processing_stage="persona")
    _completed(other_user)
    assert LeadCountsDelta.objects.filter(owner_id=user.pk).count() > 30
    before = _both(user, monkeypatch)
    selectors.compact_lead_counts(owner_id=user.pk)
    rows = LeadCountsDelta.objects.filter(owner_id=user.pk)
    assert sorted(rows.values_list("status", "n")) == [("failed", 30)]  # the emptied group is dropped
    assert LeadCountsDelta.objects.filter(owner_id=other_user.pk).count() == 1  # another owner: untouched
    assert _both(user, monkeypatch) == before
    _assert_consistent(monkeypatch, user, other_user)


def test_the_overview_compacts_when_rows_pile_up(user, monkeypatch):
    lead = _completed(user)
    monkeypatch.setattr(selectors, "COMPACT_AFTER_ROWS", 0)  # compact above 4 rows per group
    for score in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6):
        Lead.objects.filter(pk=lead.pk).update(relevance_score=score)
    assert LeadCountsDelta.objects.filter(owner_id=user.pk).count() == 7
    data = selectors.overview(user, now=NOW)
    assert data["avg_scores"]["relevance"] == 0.6
    assert LeadCountsDelta.objects.filter(owner_id=user.pk).count() == 1


def test_the_leads_list_counts_from_the_counts(api, user, other_user):
    _completed(user)
    _completed(user, qualification_tier="low_potential")
    LeadFactory(owner=user, status="failed", processing_stage="persona")
    _completed(other_user)
    expected = {
        "": 3, "?status=completed": 2, "?status=completed&qualification_tier=low_potential&ordering=-relevance_score": 1,
        "?processing_stage=persona&page_size=5": 1, "?qualification_tier=not_qualified": 0, "?status=": 3,
    }
    for query, count in expected.items():
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"/api/leads{query}")
        sqls = [q["sql"] for q in queries]
        assert any("metrics_leadcountsdelta" in sql for sql in sqls), query
        assert not any("COUNT(" in sql.upper() and "leads_lead" in sql for sql in sqls), query
        assert response.status_code == 200, query
        assert response.json()["count"] == count == len(response.json()["results"]), query
    # Other filters: the paginator counts the leads (unless the first page holds them all: tests/leads/test_list_rows.py;
    # a search with few matches knows their number: tests/leads/test_search_and_order.py).
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/leads?relevance_score_min=0&status=completed&page_size=1")
    assert response.status_code == 200
    assert any("COUNT(" in q["sql"].upper() and "leads_lead" in q["sql"] for q in queries)
    assert response.json()["count"] == 2 and len(response.json()["results"]) == 1


def test_the_periodic_task_folds_every_owner(user, other_user, monkeypatch):
    from metrics.tasks import compact_lead_counts_task

    for owner in (user, other_user):
        lead = _completed(owner)
        Lead.objects.filter(pk=lead.pk).update(status="failed", processing_stage="persona")
    before = [_both(who, monkeypatch) for who in (user, other_user)]
    compact_lead_counts_task()
    for owner in (user, other_user):
        assert LeadCountsDelta.objects.filter(owner_id=owner.pk).count() == 1
    assert [_both(who, monkeypatch) for who in (user, other_user)] == before
