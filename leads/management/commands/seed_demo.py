"""`python manage.py seed_demo`: a ready-to-explore platform (idempotent: run it as often as you like).

Creates (when missing) the demo admin and user, the sample business context and the 12 sample leads
(`leads/fixtures/demo/`) for the demo user, the demo data of apps above (`leads.hooks.seed_demo_data`: a
generated month of the CNPJ registry when it is empty), then processes a few of them end to end through the
real pipeline and waits for them (in the embedded default the worker runs inside this process).
"""

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandParser
from django.db import transaction

from business_context.models import BusinessContext
from business_context.services import save_context
from leads import importing
from leads.commands import WaitForLeadsMixin
from leads.hooks import process_leads, seed_demo_data
from leads.models import Lead
from nellia.commands import NelliaCommand, non_negative_float, non_negative_int

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
ADMIN = ("admin@nellia.local", "nellia-admin")
DEMO = ("demo@nellia.local", "nellia-demo")


class Command(WaitForLeadsMixin, NelliaCommand):
    help = (
        "Create the demo admin (admin@nellia.local / nellia-admin) and user (demo@nellia.local / nellia-demo), the "
        "sample business context and 12 sample leads, and process some of them. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--process", type=non_negative_int, default=3, metavar="N",
                            help="Process N sample leads that are still new (default 3; 0: none).")
        parser.add_argument("--timeout", type=non_negative_float, default=180, help="Seconds to wait for them (default 180).")
        parser.add_argument("--no-wait", action="store_true",
                            help="Queue without waiting (real mode only: needs a running Celery worker).")
        parser.add_argument("--reset-passwords", action="store_true", help="Set the demo passwords again.")
        parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="Printed in the summary.")

    def handle(self, *args: Any, process: int, timeout: float, no_wait: bool, reset_passwords: bool,
               base_url: str, **options: Any) -> None:
        if not (FIXTURES / "sample_leads.csv").is_file():
            raise self.fail(f"Sample data missing: {FIXTURES}")
        with transaction.atomic():
            _admin, admin_new = self._user(*ADMIN, admin=True, reset=reset_passwords)
            demo, demo_new = self._user(*DEMO, admin=False, reset=reset_passwords)
            context_new = self._context(demo)
            rows = importing.parse_upload((FIXTURES / "sample_leads.csv").read_bytes(), filename="sample_leads.csv")
            report = importing.import_leads(owner=demo, rows=rows, source=Lead.Source.DEMO)
        self.stdout.write(
            f"Users: {ADMIN[0]} ({'created' if admin_new else 'exists'}), {DEMO[0]} "
            f"({'created' if demo_new else 'exists'}). Business context: {'created' if context_new else 'exists'}. "
            f"Sample leads: {report.created} created, {report.duplicates} already there."
        )
        seed_demo_data(self.stdout.write)
        if process:
            self._process(demo, process, timeout, no_wait)
        self._summary(base_url)

    def _user(self, email: str, password: str, *, admin: bool, reset: bool) -> tuple[Any, bool]:
        users = get_user_model().objects
        user = users.filter(email__iexact=email).first()
        if user is None:
            create = users.create_superuser if admin else users.create_user
            return create(email=email, password=password, first_name="Demo", last_name="Admin" if admin else "User"), True
        if reset:
            user.set_password(password)
            user.is_active = True
            user.save(update_fields=["password", "is_active"])
        return user, False

    def _context(self, owner: Any) -> bool:
        if BusinessContext.objects.filter(owner=owner).exists():
            return False
        data = json.loads((FIXTURES / "business_context.json").read_text(encoding="utf-8"))
        save_context(owner=owner, data=data, partial=False)
        return True

    def _process(self, demo: Any, count: int, timeout: float, no_wait: bool) -> None:
        new = Lead.objects.filter(owner=demo, status=Lead.Status.NEW).order_by("created_at", "company_name")
        lead_ids = list(new.values_list("pk", flat=True)[:count])
        if not lead_ids:
            self.stdout.write("No new sample leads to process.")
            return
        queued = [lead.pk for lead in process_leads(lead_ids)]
        self.stdout.write(f"Processing {len(queued)} sample lead(s) through the agent pipeline...")
        if no_wait and not settings.CELERY_EMBEDDED_WORKER:
            self.stdout.write("Queued; a Celery worker will process them.")
            return
        counts = self.wait_for_leads(queued, timeout=timeout)
        self.stdout.write(self.style.SUCCESS(", ".join(f"{status}: {n}" for status, n in counts.items() if n)))

    def _summary(self, base_url: str) -> None:
        base = base_url.rstrip("/")
        self.stdout.write(self.style.SUCCESS("Nellia Prospector demo is ready."))
        self.stdout.write(f"  Admin:    {base}/admin/      {ADMIN[0]} / {ADMIN[1]}")
        self.stdout.write(f"  Demo:     {DEMO[0]} / {DEMO[1]}")
        self.stdout.write(f"  API docs: {base}/api/docs/")
        self.stdout.write(f"  Login:    POST {base}/api/auth/login {{\"email\": \"{DEMO[0]}\", \"password\": \"{DEMO[1]}\"}}")
