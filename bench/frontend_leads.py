"""Benchmark: `GET /api/v1/leads` (no limit: 1,000 full leads) against the same leads through `/api/leads`.

    .venv/bin/python bench/frontend_leads.py     (or `make bench`; recreates the database `BENCH_DB`)

Requests go through the whole Django stack in process (middleware, JWT auth, view, renderer), one at a time.
Prints p50/p99 for: the frontend list (1,000 rows, one request) as PostgreSQL renders it (issue 14), the same
request rendered in Python as before (`present_lead` per row: the in-run baseline), one `/api/leads` page of 100,
and the full 1,000 through `/api/leads` (10 pages), with the load average (the machine is shared).
Target (issues 7 and 14): frontend p99 < 150 ms. Exit code 1 when missed.
"""

import os
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import load, machine, setup_django

# The list is under the `expensive` throttle (60/min per user): this bench times the list, not 429s.
os.environ["EXPENSIVE_RATE_LIMIT"] = "1000000/s"
setup_django(fresh=True)

LEADS = int(os.environ.get("BENCH_LEADS", "1000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "60"))
TARGET_P99_MS = 150.0


def _seed() -> tuple:
    from django.utils import timezone

    from accounts.models import User
    from leads.models import Lead

    user = User.objects.create_user(email="bench@example.com.br", password="bench-pass-123")
    text = "Transportadora rodoviária com frota própria e centros de distribuição no Sudeste. " * 3
    analysis = {"company_sector": "Logística", "main_services": ["Frete", "Armazenagem", "Last mile"],
                "company_size_estimate": "média", "potential_challenges": ["Prospecção manual", "Ciclo longo"] * 3,
                "recent_activities": ["Nova filial em Campinas"] * 3, "general_diagnosis": text,
                "opportunity_fit": text, "score_explanations": {"relevance": text[:120], "roi": text[:120]}}
    persona = {"fictional_name": "Carlos Lima", "likely_role": "Diretor Comercial", "decision_maker_probability": 0.8,
               "seniority": "diretoria", "department": "Comercial", "key_responsibilities": ["Metas", "Time"] * 3,
               "professional_goals": ["Crescer 20%"] * 3, "main_challenges": ["Leads frios"] * 3,
               "motivations": ["Eficiência"] * 3, "solution_seeking": text[:200], "communication_style": "direto",
               "decision_making_process": text[:200]}
    strategy = {"primary_channel": "email", "secondary_channel": "linkedin", "tone_of_voice": "consultivo",
                "key_value_propositions": ["Menos tempo de pesquisa", "Mais respostas"] * 2,
                "talking_points": ["Frota", "Filial"] * 3,
                "potential_objections": [{"objection": "Caro", "response": text[:150]}] * 2,
                "opening_questions": ["Como vocês prospectam hoje?"] * 3, "first_interaction_goal": "Agendar diagnóstico",
                "contact_sequence": [{"step": i, "channel": "email", "objective": "Apresentar", "cta": "Responder"}
                                     for i in range(1, 5)],
                "follow_up_strategy": text[:200], "best_time": "terça 10h"}
    message = {"channel": "email", "language": "pt-BR", "subject_line": "Ideia para a TransLog", "body": text * 2,
               "call_to_action": "15 minutos na terça?", "personalization_elements": ["filial"] * 3,
               "estimated_read_time_seconds": 40}
    now = timezone.now()
    Lead.objects.bulk_create(
        Lead(owner=user, company_name=f"Empresa {i} Ltda", website=f"https://empresa{i}.com.br", description=text,
             company_sector="Logística", status="completed", processing_stage="completed", progress=100,
             relevance_score=0.8, roi_potential_score=0.7, brazilian_market_fit=0.9, overall_score=0.8,
             qualification_tier="high_potential", analysis=analysis, persona=persona, strategy=strategy, message=message,
             pain_point_analysis=["Prospecção manual", "Ciclo longo"], purchase_triggers=["Nova filial"],
             enrichment_data={"emails": [f"contato@empresa{i}.com.br"], "cnpj": ["11.222.333/0001-81"], "city": "Campinas",
                              "state": "SP"},
             board_stage="negociando" if i % 7 == 0 else None, queued_at=now, processed_at=now)
        for i in range(LEADS)
    )
    return user


def _time(client, path: str, rounds: int, pages: int = 1) -> list[float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        for page in range(1, pages + 1):
            url = f"{path}&page={page}" if pages > 1 else path
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code, response.content[:200])
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _report(name: str, samples: list[float]) -> float:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    print(f"{name:<44} p50 {p50:7.1f} ms   p99 {p99:7.1f} ms   (n={len(ordered)})")
    return p99


def main() -> int:
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.tokens import RefreshToken

    print(f"machine: {machine()}")
    user = _seed()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    rows = client.get("/api/v1/leads").json()["data"]["data"]
    size = len(client.get("/api/v1/leads").content)
    print(f"{len(rows)} leads, /api/v1/leads body {size / 1024:.0f} KiB, PostgreSQL, in-process Django stack")
    _time(client, "/api/v1/leads", 5)  # warm-up
    _time(client, "/api/leads?page_size=100", 5)
    print(load())
    database, python = [], []
    for _ in range(ROUNDS):  # interleaved: both see the same load
        database += _time(client, "/api/v1/leads", 1)
        with mock.patch("frontend.views.leads.lead_json_rows", return_value=None):  # the Python rendering of before
            python += _time(client, "/api/v1/leads", 1)
    p99 = _report("GET /api/v1/leads (1000 leads, PostgreSQL JSON)", database)
    _report("  baseline: same, rendered in Python", python)
    _report("GET /api/leads?page_size=100 (1 page)", _time(client, "/api/leads?page_size=100", ROUNDS))
    pages = max(1, -(-LEADS // 100))
    _report(f"GET /api/leads, all {LEADS} ({pages} pages)", _time(client, "/api/leads?page_size=100", ROUNDS // 3 or 1, pages))
    print(load())
    verdict = "OK" if p99 < TARGET_P99_MS else "MISSED"
    print(f"target: /api/v1/leads p99 < {TARGET_P99_MS:.0f} ms -> {verdict}")
    return 0 if p99 < TARGET_P99_MS else 1


if __name__ == "__main__":
    sys.exit(main())
