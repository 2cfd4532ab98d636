"""Business context history (issue 10: only a counter was kept): every save is a version, readable through
`GET /api/business-context/history`, listed and restorable in the admin."""

import pytest

from business_context.models import BusinessContext
from tests.business_context.test_business_context_api import FULL, URL

pytestmark = pytest.mark.django_db
HISTORY = f"{URL}/history"


def test_history_is_404_until_a_context_exists(api):
    response = api.get(HISTORY)
    assert (response.status_code, response.json()["code"]) == (404, "business_context_missing")


def test_every_save_is_a_version_newest_first(api, user, other_api):
    api.put(URL, FULL, format="json")
    api.patch(URL, {"target_market": "Indústrias do Sul"}, format="json")
    api.patch(URL, {"pain_points": ["ciclo longo"], "language": "pt-BR"}, format="json")
    other_api.put(URL, FULL, format="json")  # another user's context is not in mine

    body = api.get(HISTORY).json()
    assert body["count"] == 3
    versions = body["results"]
    assert [v["version"] for v in versions] == [3, 2, 1]
    assert [v["change"] for v in versions] == ["changed", "changed", "created"]
    assert [v["changed_fields"] for v in versions] == [["pain_points"], ["target_market"], []]
    assert {v["saved_by"] for v in versions} == {user.email}
    assert versions[1]["context"]["target_market"] == "Indústrias do Sul"
    assert versions[2]["context"]["target_market"] == FULL["target_market"]
    assert versions[0]["context"]["pain_points"] == ["ciclo longo"]


def test_admin_lists_versions_and_restores_one(admin_client, user, api):
    api.put(URL, FULL, format="json")
    api.patch(URL, {"target_market": "Mercado errado"}, format="json")
    ctx = BusinessContext.objects.get(owner=user)
    first = ctx.history.get(version=1)

    listing = admin_client.get(f"/admin/business_context/businesscontext/{ctx.pk}/history/")
    assert listing.status_code == 200
    assert all(f"/history/{record.history_id}/" in listing.content.decode() for record in ctx.history.all())

    page = admin_client.get(f"/admin/business_context/businesscontext/{ctx.pk}/history/{first.history_id}/")
    assert page.status_code == 200 and FULL["target_market"] in page.content.decode()
    form = {name: FULL.get(name, "") for name in ("business_description", "product_service_description",
                                                   "target_market", "value_proposition")}
    form.update(language="pt-BR", is_active="on", geographic_focus="Brasil")
    restored = admin_client.post(f"/admin/business_context/businesscontext/{ctx.pk}/history/{first.history_id}/", form)
    assert restored.status_code == 302

    ctx.refresh_from_db()
    assert (ctx.target_market, ctx.version) == (FULL["target_market"], 3)  # restored as a new version
    assert ctx.history.count() == 3
    assert api.get(HISTORY).json()["results"][0]["changed_fields"] == ["target_market"]


@pytest.mark.django_db(transaction=True)
def test_contexts_saved_before_history_start_it_with_their_current_version():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from tests.factories import UserFactory

    owner = UserFactory()
    before, after = [("business_context", "0001_initial")], [("business_context", "0002_history")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_contexts = executor.loader.project_state(before).apps.get_model("business_context", "BusinessContext")
    old_contexts.objects.create(owner_id=owner.pk, version=4, **{k: v for k, v in FULL.items()})
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    ctx = BusinessContext.objects.get(owner=owner)
    assert list(ctx.history.values_list("version", "target_market")) == [(4, FULL["target_market"])]
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
