"""Migration leads.0005 gives existing leads their site key; of two leads on one site the oldest keeps it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import UserFactory

BEFORE, AFTER = [("leads", "0004_search_trigram")], [("leads", "0005_website_key")]


@pytest.mark.django_db(transaction=True)
def test_existing_rows_are_rekeyed():
    owner, other = UserFactory(), UserFactory()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_leads = executor.loader.project_state(BEFORE).apps.get_model("leads", "Lead").objects
    now = timezone.now()

    def lead(user, name, website, age_days):
        return old_leads.create(owner_id=user.pk, company_name=name, website=website,
                                   created_at=now - timedelta(days=age_days))

    oldest = lead(owner, "Acme", "https://www.acme.com.br", 3)
    repeat = lead(owner, "Acme again", "https://acme.com.br/contato", 1)
    elsewhere = lead(other, "Acme for another user", "http://acme.com.br", 2)
    blank = lead(owner, "No site", "", 2)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new_leads = executor.loader.project_state(AFTER).apps.get_model("leads", "Lead").objects
    keys = dict(new_leads.values_list("id", "website_key"))
    assert keys == {oldest.pk: "acme.com.br", repeat.pk: "", elsewhere.pk: "acme.com.br", blank.pk: ""}
    assert new_leads.get(pk=repeat.pk).website == "https://acme.com.br/contato"  # the URL given is kept
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
