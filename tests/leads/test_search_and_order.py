"""Lists on indexes (issue 14): accent/case-insensitive search from trigram indexes, orders without NULLS LAST on
NOT NULL columns, totals from the lead counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frontend.selectors import filter_presented_leads
from leads.models import Lead
from tests.factories import LeadFactory
from tests.frontend.conftest import env

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.usefixtures("postgresql_only")  # PostgreSQL indexes and lead counts


@pytest.fixture
def leads(user):
    return {
        "sp": LeadFactory(owner=user, company_name="SÃO PAULO Transportes", description="Frete"),
        "acao": LeadFactory(owner=user, company_name="Ação Logística", website="https://acao.com.br"),
        "plain": LeadFactory(owner=user, company_name="Acme", description="Indústria de ÓLEOS e graxas"),
        "pct": LeadFactory(owner=user, company_name="Promo 500", description="desconto"),
    }


def _api_names(api, query: str) -> set[str]:
    return {lead["company_name"] for lead in api.get(f"/api/leads?{query}").json()["results"]}


def _v1_names(api, query: str) -> set[str]:
    return {lead["company_name"] for lead in env(api.get(f"/api/v1/leads?{query}"))["data"]}


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("sao paulo", {"SÃO PAULO Transportes"}),
        ("São Paulo", {"SÃO PAULO Transportes"}),
        ("ACAO", {"Ação Logística"}),
        ("logistica", {"Ação Logística"}),
        ("óleos", {"Acme"}),
        ("oleos", {"Acme"}),
        ("acao.com", {"Ação Logística"}),
        ("50%", set()),  # LIKE wildcards are searched for, not used
        ("5_0", set()),
    ],
)
def test_search_ignores_accents_and_case_on_both_lists(api, leads, search, expected):
    assert _v1_names(api, f"search={search}") == expected
    assert _api_names(api, f"search={search}") == expected


def test_api_search_terms_must_all_match(api, leads):
    assert _api_names(api, "search=paulo frete") == {"SÃO PAULO Transportes"}
    assert _api_names(api, "search=paulo graxas") == set()


@postgres_only
@pytest.mark.parametrize("column", ["company_name", "website", "description"])
def test_search_is_answered_by_the_trigram_index(user, leads, column):
    queryset = Lead.objects.filter(**{f"{column}__unaccent_icontains": "paulo"}).order_by()
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows: the planner would rather read them
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    short = {"company_name": "name", "website": "website", "description": "description"}[column]
    assert f"Bitmap Index Scan on lead_search_{short}" in plan, plan


def _order_sql(queryset) -> str:
    return str(queryset.query).split("ORDER BY", 1)[1]


def test_frontend_order_has_nulls_last_only_on_nullable_columns(user):
    default = _order_sql(filter_presented_leads(user))
    assert '"created_at" DESC' in default and "NULLS" not in default.upper()
    assert "NULLS" not in _order_sql(filter_presented_leads(user, sort_by="company_name", sort_order="asc")).upper()
    scores = _order_sql(filter_presented_leads(user, sort_by="relevance_score"))
    assert '"relevance_score" DESC NULLS LAST' in scores


def test_frontend_order_stays_newest_first_with_ties_by_id(api, user):
    first = LeadFactory(owner=user)
    second = LeadFactory(owner=user)
    Lead.objects.filter(pk__in=[first.pk, second.pk]).update(created_at=first.created_at)
    ids = [lead["id"] for lead in env(api.get("/api/v1/leads"))["data"]]
    assert ids == sorted([str(first.pk), str(second.pk)], reverse=True)


@postgres_only
def test_frontend_total_comes_from_the_lead_counts(api, user, other_user):
    LeadFactory.create_batch(5, owner=user)
    LeadFactory.create_batch(2, owner=user, qualification_tier="high_potential")
    LeadFactory(owner=other_user)
    with CaptureQueriesContext(connection) as queries:
        page = env(api.get("/api/v1/leads?limit=2"))
    assert page["total"] == 7 and page["totalPages"] == 4 and len(page["data"]) == 2
    assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "leads_lead" in q["sql"]]
    assert env(api.get("/api/v1/leads?limit=1&qualification_tier=Alto%20Potencial"))["total"] == 2
    assert env(api.get("/api/v1/leads?limit=1&qualification_tier=N/A"))["total"] == 5


def test_frontend_total_counts_when_searched_or_filtered(api, user, leads):
    LeadFactory(owner=user, company_name="Outra Ação")
    assert env(api.get("/api/v1/leads?limit=1&search=acao"))["total"] == 2
    assert env(api.get("/api/v1/leads?limit=1&processing_stage=intake"))["total"] == 5


@postgres_only
def test_bulk_insert_entries_wait_in_the_pending_list_until_flushed(user):
    """The search indexes queue inserted entries (gin_pending_list_limit); the import flushes them at its end."""
    from nellia.search import flush_pending_index_entries

    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")

        def pending() -> int:
            cursor.execute("SELECT pending_tuples FROM pgstatginindex('lead_search_name')")
            return cursor.fetchone()[0]

        LeadFactory.create_batch(3, owner=user)
        assert pending() >= 3
        flush_pending_index_entries(Lead._meta.db_table)
        assert pending() == 0
    assert Lead.objects.filter(owner=user, company_name__unaccent_icontains="empresa").count() == 3


def _page_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "leads_lead" in q["sql"] and "ORDER BY" in q["sql"]]


def test_a_search_with_few_matches_reads_its_page_by_their_ids(api, user, leads):
    """A rare term must not make PostgreSQL walk the whole list's order (nellia.search.few_matches)."""
    newer = LeadFactory(owner=user, company_name="Outra Ação")
    for url in ("/api/leads?search=acao&page_size=1", "/api/v1/leads?search=acao&limit=1"):
        with CaptureQueriesContext(connection) as queries:
            response = api.get(url)
        body = response.json() if url.startswith("/api/leads") else env(response)
        assert body.get("count", body.get("total")) == 2
        assert [lead["id"] for lead in body.get("results", body.get("data", []))] == [str(newer.pk)]
        assert all('"id" IN (' in sql for sql in _page_queries(queries)), _page_queries(queries)
        assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "leads_lead" in q["sql"]]
    second = env(api.get("/api/v1/leads?search=acao&limit=1&offset=1"))
    assert [lead["id"] for lead in second["data"]] == [str(leads["acao"].pk)] and second["total"] == 2


def test_a_search_with_many_matches_keeps_the_lists_order(api, user, leads, monkeypatch):
    from nellia import search

    monkeypatch.setattr(search, "FEW_MATCHES", 1)
    newer = LeadFactory(owner=user, company_name="Outra Ação")
    with CaptureQueriesContext(connection) as queries:
        page = api.get("/api/leads?search=acao&page_size=1").json()
    assert page["count"] == 2 and [lead["id"] for lead in page["results"]] == [str(newer.pk)]
    assert not any('"id" IN (' in sql for sql in _page_queries(queries))
    v1 = env(api.get("/api/v1/leads?search=acao&limit=1"))
    assert v1["total"] == 2 and [lead["id"] for lead in v1["data"]] == [str(newer.pk)]
