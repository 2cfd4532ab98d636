"""`python manage.py prospect --user EMAIL [--query TEXT] [--no-wait] [--timeout N]`.

Starts a prospecting job for the user (`prospecting.services.start_job`: the same checks as the API — business
context, running job, quota, cooldown) and follows it with a progress bar until it completes or fails. In the
embedded default (in-memory broker) the worker runs inside this process, so it always waits.
"""

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from accounts.selectors import user_by_email
from leads.models import ProspectJob
from nellia.commands import non_negative_float
from prospecting import services
from prospecting.errors import StartRefusedError


class Command(BaseCommand):
    help = "Harvest new leads for a user (a prospecting job) and enrich them through the pipeline."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, metavar="EMAIL", help="The user the leads are for.")
        parser.add_argument("--query", default="", help="What to look for (optional; the business context is used).")
        parser.add_argument("--no-wait", action="store_true", help="Return once the job is queued (real mode only).")
        parser.add_argument("--timeout", type=non_negative_float, default=0, help="Stop following after N seconds (0: never).")

    def handle(self, *args: Any, user: str, query: str, no_wait: bool, timeout: float, **options: Any) -> None:
        owner = user_by_email(user)
        if owner is None:
            raise CommandError(f"No user with e-mail {user}.")
        try:
            job = services.start_job(owner=owner, search_query=query)
        except StartRefusedError as exc:
            raise CommandError(f"{exc} ({exc.code})") from None
        self.stdout.write(f"Prospecting job {job.pk} started for {owner.email} (up to {job.max_leads} leads).")
        if no_wait and not settings.CELERY_EMBEDDED_WORKER:
            return
        job = self._follow(job, timeout)
        if job.status == ProspectJob.Status.FAILED:
            raise CommandError(f"Job failed: {job.error}")
        style = self.style.SUCCESS if job.status == ProspectJob.Status.COMPLETED else self.style.WARNING
        self.stdout.write(style(
            f"Job {job.status}: {job.candidates_found} candidates, {job.leads_created} leads created, "
            f"{job.duplicates_skipped} already known."
        ))

    def _follow(self, job: ProspectJob, timeout: float) -> ProspectJob:
        deadline = time.monotonic() + timeout if timeout else None
        with tqdm(total=100, desc="prospecting", unit="%", file=self.stdout) as bar:
            while True:
                job.refresh_from_db()
                bar.update(job.progress - bar.n)
                bar.set_postfix_str(job.current_step[:60])
                if job.status not in ProspectJob.RUNNING:
                    return job
                if deadline and time.monotonic() > deadline:
                    self.stdout.write(self.style.WARNING("Still running; follow it in the admin or the API."))
                    return job
                time.sleep(0.5)
