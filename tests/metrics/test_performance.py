from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from agents.models import StageRun
from leads.models import Lead
from metrics import selectors
from tests.factories import LeadFactory, pipeline_agent

SP = ZoneInfo("America/Sao_Paulo")
NOW = datetime(2025, 3, 10, 15, 30, tzinfo=SP)


def created(owner, when, **fields):
    lead = LeadFactory(owner=owner, **fields)
    Lead.objects.filter(pk=lead.pk).update(created_at=when)
    return lead


def failed_run(lead, finished):
    StageRun.objects.create(lead=lead, agent=pipeline_agent("intake"), stage="intake", status="failed",
                            started_at=finished - timedelta(seconds=1), finished_at=finished, duration_ms=1000)


def test_empty_24h_is_zero_filled(user):
    data = selectors.performance(user, "24h", now=NOW)
    assert data["range"] == "24h"
    assert data["bucket"] == "hour"
    assert len(data["series"]) == 24
    assert data["series"][0]["timestamp"] == "2025-03-09T16:00:00-03:00"
    assert data["series"][-1]["timestamp"] == "2025-03-10T15:00:00-03:00"
    assert all(
        point == {"timestamp": point["timestamp"], "leads_created": 0, "leads_processed": 0, "leads_failed": 0,
                  "avg_processing_time_ms": None}
        for point in data["series"]
    )


def test_hour_bucket_edges(user, other_user):
    first = datetime(2025, 3, 9, 16, 0, tzinfo=SP)
    created(user, first)  # first bucket, inclusive
    created(user, first - timedelta(microseconds=1))  # before the window
    created(user, NOW)  # the current bucket
    created(user, datetime(2025, 3, 10, 14, 59, 59, 999999, tzinfo=SP))  # 14:00 bucket
    created(other_user, NOW)  # someone else's
    series = selectors.performance(user, "24h", now=NOW)["series"]
    assert [p["leads_created"] for p in series] == [1] + [0] * 21 + [1, 1]


def test_processed_failed_and_time_by_day(user):
    day = datetime(2025, 3, 8, 0, 0, tzinfo=SP)
    LeadFactory(owner=user, status="completed", processing_stage="completed", processed_at=day,
                queued_at=day - timedelta(seconds=2))
    LeadFactory(owner=user, status="completed", processing_stage="completed",
                processed_at=day + timedelta(hours=23, minutes=59), queued_at=day + timedelta(hours=23))
    LeadFactory(owner=user, status="completed", processing_stage="completed",
                processed_at=day - timedelta(microseconds=1), queued_at=day - timedelta(hours=1))  # 7th March
    lead = LeadFactory(owner=user, status="failed")
    failed_run(lead, day + timedelta(hours=1))
    failed_run(lead, day + timedelta(hours=2))  # the same lead twice in a day counts once
    failed_run(LeadFactory(owner=user, status="failed"), NOW)
    data = selectors.performance(user, "7d", now=NOW)
    assert data["bucket"] == "day"
    assert [p["timestamp"][:10] for p in data["series"]] == [f"2025-03-{d:02d}" for d in range(4, 11)]
    by_day = {p["timestamp"][:10]: p for p in data["series"]}
    assert by_day["2025-03-08"]["leads_processed"] == 2
    assert by_day["2025-03-08"]["avg_processing_time_ms"] == (2000 + 59 * 60_000) / 2
    assert by_day["2025-03-07"]["leads_processed"] == 1
    assert by_day["2025-03-07"]["avg_processing_time_ms"] == 3_600_000.0
    assert by_day["2025-03-08"]["leads_failed"] == 1
    assert by_day["2025-03-10"]["leads_failed"] == 1
    assert sum(p["leads_created"] for p in data["series"]) == 0  # created on the real clock, after NOW


@pytest.mark.parametrize(("range_", "count"), [("7d", 7), ("30d", 30), ("90d", 90)])
def test_daily_ranges_length(user, range_, count):
    series = selectors.performance(user, range_, now=NOW)["series"]
    assert len(series) == count
    assert series[-1]["timestamp"] == "2025-03-10T00:00:00-03:00"


def test_endpoint_validates_range(api):
    response = api.get("/api/metrics/performance?range=1y")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "range" in response.json()["fields"]
    ok = api.get("/api/metrics/performance?range=90d")
    assert ok.status_code == 200
    assert len(ok.json()["series"]) == 90
    assert len(api.get("/api/metrics/performance").json()["series"]) == 24
