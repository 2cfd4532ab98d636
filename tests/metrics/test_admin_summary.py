from django.core.cache import cache

from tests.factories import LeadFactory


def test_admin_index_shows_the_summary(client, admin_user, user):
    cache.clear()
    LeadFactory.create_batch(2, owner=user, status="completed")
    client.force_login(admin_user)
    response = client.get("/admin/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="nellia-metrics"' in html
    assert "Completed: 2" in html  # labels, not keys
    assert "Agents active" in html
    assert "Site administration" in html or "app-leads" in html  # the default index is still there


def test_non_admin_pages_do_not_compute_it(api):
    assert api.get("/api/metrics/overview").status_code == 200
