"""The frontend Lead written by PostgreSQL (`frontend.lead_sql`) is the Lead `present_lead` builds in Python."""

from datetime import UTC, datetime
from decimal import Decimal

import orjson
import pytest
from django.db import connection

from frontend.selectors import filter_presented_leads, lead_json_rows, lead_rows
from frontend.serializers.leads import present_lead
from leads.models import Lead, ProspectJob
from tests.factories import LeadFactory
from tests.frontend.conftest import env

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL renders the list"),
]

STRATEGY = {
    "first_interaction_goal": "Agendar diagnóstico",
    "key_value_propositions": ["Menos tempo", "Mais respostas", 3, 1.5, True, None, {"b": 1, "a": [1, 2]}],
    "contact_sequence": [
        {"step": 2, "channel": "email", "objective": "Apresentar", "cta": "Responder"},
        "not a step",
        {"channel": "linkedin"},
        {"step": None, "objective": "x"},
        {"step": 7},
    ],
}
VARIANTS = [
    {},  # a new lead: every default
    {"status": "completed", "processing_stage": "completed", "progress": 100, "relevance_score": 1.0,
     "roi_potential_score": 0.0, "brazilian_market_fit": 0.30000000000000004, "overall_score": 0.5,
     "qualification_tier": "high_potential", "annual_revenue": Decimal("1000.00"),
     "persona": {"likely_role": "Diretor", "decision_maker_probability": 0.8, "ações": ["ç", "ã"]},
     "pain_point_analysis": ["Prospecção manual", {"x": 1}], "purchase_triggers": ["Nova filial"],
     "enrichment_data": {"cnpj": ["11.222.333/0001-81"], "zz": {"nested": [1, 2.5, None, True]}},
     "strategy": STRATEGY, "message": {"subject_line": "Olá", "body": "Linha 1\nLinha 2 \"aspas\" \\ \u0001 🚀"},
     "processed_at": datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)},
    {"processing_stage": "completed", "qualification_tier": "not_qualified", "annual_revenue": Decimal("1234.56"),
     "persona": {"decision_maker_probability": " 0.75 "}, "strategy": {"first_interaction_goal": 0,
     "key_value_propositions": "not a list", "contact_sequence": {"step": 1}}, "message": {"body": ""},
     "enrichment_data": ["not", "an", "object"], "processed_at": datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)},
    {"processing_stage": "persona", "board_stage": "negociando", "qualification_tier": "low_potential",
     "persona": {"decision_maker_probability": "alta"}, "strategy": {}, "message": {},
     "company_name": "Café \"Três\" Irmãos\tLtda", "description": "", "last_error": "Timeout\r\n"},
    {"qualification_tier": "medium_potential", "persona": {"decision_maker_probability": [0.5]},
     "strategy": {"contact_sequence": []}, "message": {"subject_line": None, "body": 12},
     "pain_point_analysis": {"not": "a list"}, "purchase_triggers": "a string"},
]


def _ordered(value):
    """`value` with every object as a list of pairs: equal only if the keys come in the same order too."""
    if isinstance(value, dict):
        return [(key, _ordered(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [_ordered(item) for item in value]
    return value


@pytest.fixture
def leads(user):
    job = ProspectJob.objects.create(owner=user)
    created = [LeadFactory(owner=user, **fields) for fields in VARIANTS]
    Lead.objects.filter(pk=created[1].pk).update(prospect_job=job)
    return created


def test_every_variant_is_the_lead_present_lead_builds(user, leads):
    queryset = filter_presented_leads(user)
    expected = [present_lead(row) for row in lead_rows(queryset)]
    texts = lead_json_rows(queryset)
    assert len(texts) == len(VARIANTS)
    assert _ordered([orjson.loads(text) for text in texts]) == _ordered(expected)


def test_top_level_bytes_are_orjson_bytes(user, completed_lead):
    """Outside the nested JSON columns, PostgreSQL writes what orjson writes."""
    queryset = filter_presented_leads(user)
    (text,) = lead_json_rows(queryset)
    python = orjson.dumps(present_lead(lead_rows(queryset)[0])).decode()
    assert text.split(',"persona":')[0] == python.split(',"persona":')[0]
    assert text.split(',"last_error":')[1] == python.split(',"last_error":')[1]


def test_existing_enhanced_keys_are_replaced_not_repeated(user):
    LeadFactory(owner=user, enrichment_data={"enhanced_strategy": "old", "cnpj": []}, strategy={"first_interaction_goal": "Novo"},
                message={"subject_line": "s", "body": "b"})
    queryset = filter_presented_leads(user)
    (text,) = lead_json_rows(queryset)
    assert orjson.loads(text) == present_lead(lead_rows(queryset)[0])  # same object; jsonb orders these keys


def test_list_view_answers_the_database_rendering(api, user, leads):
    """The view's body (PostgreSQL-rendered) is the Python rendering, in the list's order, sorted and sliced."""
    for query, kwargs in (("", {}), ("?sort_by=relevance_score&sort_order=asc&limit=2&offset=1",
                                     {"sort_by": "relevance_score", "sort_order": "asc"})):
        page = env(api.get(f"/api/v1/leads{query}"))
        rows = lead_rows(filter_presented_leads(user, **kwargs))
        if query:
            rows = rows[1:3]
        assert _ordered(page["data"]) == _ordered([present_lead(row) for row in rows])
