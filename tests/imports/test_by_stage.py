"""GET /api/leads/by-stage."""

from leads.models import Lead
from tests.factories import LeadFactory


def test_every_stage_with_count_and_first_leads(api, user, other_user):
    LeadFactory.create_batch(3, owner=user)  # intake
    LeadFactory(owner=user, processing_stage="analysis")
    LeadFactory(owner=other_user, processing_stage="analysis")
    response = api.get("/api/leads/by-stage?limit=2")
    assert response.status_code == 200
    data = response.json()
    assert list(data) == list(Lead.ProcessingStage.values)
    assert data["intake"]["count"] == 3
    assert len(data["intake"]["results"]) == 2
    assert data["analysis"]["count"] == 1
    assert data["completed"] == {"count": 0, "results": []}
    assert {"id", "company_name", "status"} <= set(data["intake"]["results"][0])


def test_board_grouping(api, user):
    LeadFactory(owner=user, processing_stage="completed", qualification_tier="not_qualified")
    LeadFactory(owner=user, processing_stage="completed", qualification_tier="high_potential")
    LeadFactory(owner=user, processing_stage="completed", board_stage="negociando")
    LeadFactory(owner=user, processing_stage="persona")
    data = api.get("/api/leads/by-stage?group=board").json()
    assert data["desqualificado"]["count"] == 1
    assert data["possibly_qualified"]["count"] == 1
    assert data["negociando"]["count"] == 1
    assert data["persona"]["count"] == 1
    assert "completed" not in data


def test_validation_and_paths(api):
    assert api.get("/api/leads/by-stage?group=nope").status_code == 400
    assert api.get("/api/leads/by-stage?limit=1000").status_code == 400
    assert api.get("/api/leads/by-stage/").status_code == 200  # not taken for a lead id
