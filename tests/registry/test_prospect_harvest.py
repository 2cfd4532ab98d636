"""Prospecting jobs harvest from the registry when it holds data, and from the bundled corpus otherwise."""

from unittest import mock

import pytest
from django.db.models import Q

from leads.models import Lead, ProspectJob
from prospecting.selectors import plan_status
from prospecting.tasks import run_prospect_job
from registry.models import Establishment
from registry.sectors import divisions_for_focus
from tests.broker import on_send, on_stage_send
from tests.factories import BusinessContextFactory


@pytest.fixture
def queues(monkeypatch):
    stages: list = []
    jobs: list = []
    on_stage_send(monkeypatch, lambda *args: stages.append(args))
    on_send(monkeypatch, run_prospect_job, lambda *args: jobs.append(args))
    return stages, jobs


def _start_and_run(api, query, capture):
    with capture(execute=True):
        response = api.post("/api/v1/prospect/start", {"user_search_query": query}, format="json")
    assert response.status_code == 202, response.json()
    job = ProspectJob.objects.get(pk=response.json()["jobId"])
    with capture(execute=True):
        run_prospect_job.run(str(job.pk))
    job.refresh_from_db()
    return job


def test_the_start_button_harvests_registry_companies(api, user, registry, queues, django_capture_on_commit_callbacks):
    BusinessContextFactory(owner=user, industry_focus=["Tecnologia"], geographic_focus=["Brasil"],
                           target_market="Empresas que vendem para outras empresas")  # no headcount range
    with mock.patch("mcp_bridge.client.call_tool") as agent:
        job = _start_and_run(api, "transportadoras em Goiás", django_capture_on_commit_callbacks)
    assert not agent.called  # the bundled corpus was not consulted
    leads = list(Lead.objects.filter(prospect_job=job))
    matching = Establishment.objects.filter(Q(has_email=True) | Q(has_phone=True), situacao="02", uf="GO", matriz=True,
                                            cnae_division=49)
    assert len(leads) == min(10, matching.count()) > 0  # free plan: 10
    registry_rows = {e.cnpj: e for e in Establishment.objects.filter(pk__in=[lead.cnpj for lead in leads])}
    assert all(lead.source == "registry" and lead.status == "queued" for lead in leads)
    assert all(registry_rows[lead.cnpj].uf == "GO" and registry_rows[lead.cnpj].cnae_division == 49 for lead in leads)
    assert (job.status, job.progress, job.leads_created) == ("active", 20, len(leads))
    assert plan_status(user).used == len(leads)  # counted once, on the job
    stages, _jobs = queues
    assert sorted(lead_id for lead_id, stage, _token in stages if stage == "intake") == sorted(str(lead.pk) for lead in leads)


def test_companies_already_leads_are_not_harvested_again(api, user, registry, queues, django_capture_on_commit_callbacks):
    user.plan = "enterprise"
    user.save()
    BusinessContextFactory(owner=user, industry_focus=["Comércio"], geographic_focus=["SP"], target_market="Lojas")
    first = _start_and_run(api, "", django_capture_on_commit_callbacks)
    first.status = "completed"
    first.save()
    taken = set(Lead.objects.values_list("cnpj", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        job = ProspectJob.objects.create(owner=user, search_query="", max_leads=20)  # a second job
        run_prospect_job.run(str(job.pk))
    again = set(Lead.objects.filter(prospect_job=job).values_list("cnpj", flat=True))
    assert taken and again and not again & taken


def test_without_registry_data_the_corpus_is_used(api, user, db, queues, django_capture_on_commit_callbacks):
    BusinessContextFactory(owner=user)
    candidates = [{"company_name": "Empresa X", "website": "https://empresa-x.com.br", "company_sector": "Tecnologia",
                   "city": "Campinas", "state": "SP", "description": "ERP", "contact_email": "", "cnpj": "",
                   "relevance": 0.9, "match_reasons": []}]
    with mock.patch("mcp_bridge.client.call_tool", return_value={"candidates": candidates}) as agent:
        job = _start_and_run(api, "ERP", django_capture_on_commit_callbacks)
    assert agent.call_args.args[0] == "harvest_leads"
    assert list(Lead.objects.filter(prospect_job=job).values_list("source", flat=True)) == ["harvest"]


def test_a_focus_the_registry_does_not_know_harvests_no_company(api, user, registry, queues,
                                                                django_capture_on_commit_callbacks):
    """Found through the real frontend: an unknown industry focus searched without a CNAE filter and spent the
    quota on churches and beauty salons."""
    BusinessContextFactory(owner=user, industry_focus=["Foguetes espaciais"], geographic_focus=["Brasil"])
    with mock.patch("mcp_bridge.client.call_tool") as agent:
        job = _start_and_run(api, "", django_capture_on_commit_callbacks)
    assert not agent.called  # real companies or none: the fictional corpus is not mixed in
    assert (job.status, job.leads_created) == ("completed", 0)
    assert job.current_step == ("Nenhuma empresa nova encontrada: nenhuma atividade do cadastro corresponde ao foco de "
                                "setor (Foguetes espaciais)")
    assert not Lead.objects.exists() and plan_status(user).used == 0


GOIAS_LOGISTICS = (Q(has_email=True) | Q(has_phone=True),
                   Q(situacao="02", uf="GO", matriz=True, cnae_division__in=divisions_for_focus(["Logística"])))


def test_no_company_of_the_sector_in_the_region_says_so(api, user, registry, queues, django_capture_on_commit_callbacks):
    BusinessContextFactory(owner=user, industry_focus=["Logística"], geographic_focus=["Brasil", "Amapá"],
                           target_market="Transportadoras")
    assert not Establishment.objects.filter(uf="AP", cnae_division__in=divisions_for_focus(["Logística"])).exists()
    job = _start_and_run(api, "", django_capture_on_commit_callbacks)
    assert (job.status, job.leads_created) == ("completed", 0)
    assert job.current_step == ("Nenhuma empresa nova encontrada: nenhuma empresa do cadastro corresponde ao foco de "
                                "setor (Logística) em Amapá")


def test_a_size_range_that_excludes_every_fitting_company_says_so(api, user, registry, queues,
                                                                  django_capture_on_commit_callbacks):
    BusinessContextFactory(owner=user, industry_focus=["Logística"], geographic_focus=["Goiás"],
                           target_market="Transportadoras com 200 a 1000 funcionários")
    fitting = Establishment.objects.filter(*GOIAS_LOGISTICS)
    assert fitting.exists() and not fitting.filter(company__porte="05").exists()  # all small in the sample
    job = _start_and_run(api, "", django_capture_on_commit_callbacks)
    assert (job.status, job.leads_created) == ("completed", 0)
    assert job.current_step == ("Nenhuma empresa nova encontrada: há empresas que correspondem ao foco de setor "
                                "(Logística) em Goiás, mas nenhuma do porte do mercado-alvo de 200 a 1000 funcionários "
                                "(Demais)")


def test_every_fitting_company_already_a_lead_says_so(api, user, registry, queues, django_capture_on_commit_callbacks):
    user.plan = "enterprise"  # no quota, no cooldown: two jobs in a row
    user.save()
    BusinessContextFactory(owner=user, industry_focus=["Logística"], geographic_focus=["GO"], target_market="Transportadoras")
    first = _start_and_run(api, "", django_capture_on_commit_callbacks)
    assert first.leads_created == Establishment.objects.filter(*GOIAS_LOGISTICS).count() > 0
    first.status = "completed"
    first.save()
    second = _start_and_run(api, "transportadoras", django_capture_on_commit_callbacks)
    assert (second.status, second.leads_created) == ("completed", 0)
    assert second.current_step == ("Nenhuma empresa nova encontrada: todas as empresas do cadastro que correspondem à "
                                   "busca “transportadoras” em GO já são seus leads")
