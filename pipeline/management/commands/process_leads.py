"""`python manage.py process_leads (--ids ID [ID ...] | --all-new) [--restart] [--wait]`.

Queues leads through the pipeline (`pipeline.services.enqueue_many`). With `--wait` it follows them with a
progress bar until each is completed, failed or waiting for a stopped agent. In the embedded default
(in-memory broker) the worker runs inside this command's process, so it always waits: leaving would drop the
queued work.
"""

import uuid
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser

from leads.commands import WaitForLeadsMixin
from leads.models import Lead
from nellia.commands import NelliaCommand, lead_id_arg, non_negative_float
from pipeline.services import enqueue_many


class Command(WaitForLeadsMixin, NelliaCommand):
    help = "Process leads through the agent pipeline."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--ids", nargs="+", type=lead_id_arg, metavar="ID", help="Lead ids to process.")
        which.add_argument("--all-new", action="store_true", help="Every lead with status 'new'.")
        parser.add_argument("--restart", action="store_true", help="Start over from intake (history is kept).")
        parser.add_argument("--wait", action="store_true", help="Wait for the leads to finish, with a progress bar.")
        parser.add_argument("--timeout", type=non_negative_float, default=0, help="Give up waiting after N seconds (0: never).")

    def handle(self, *args: Any, ids: list[str] | None, all_new: bool, restart: bool, wait: bool,
               timeout: float, **options: Any) -> None:
        selected = Lead.objects.filter(status=Lead.Status.NEW) if all_new else Lead.objects.filter(pk__in=ids or [])
        lead_ids = list(selected.order_by("created_at").values_list("pk", flat=True))
        if ids and len(lead_ids) != len(set(ids)):
            found = {str(lead_id) for lead_id in lead_ids}
            raise CommandError(f"Unknown lead id(s): {', '.join(sorted(set(ids) - found))}")
        result = enqueue_many(lead_ids, restart=restart)
        queued = [lead.pk for lead in result.leads]
        self.stdout.write(f"Queued {len(queued)} lead(s); {len(result.busy)} already queued or processing.")
        embedded = settings.CELERY_EMBEDDED_WORKER
        if queued and (wait or embedded):
            if embedded and not wait:
                self.stdout.write("Embedded worker: waiting in this process until the leads are done.")
            self._wait(queued, timeout)

    def _wait(self, lead_ids: list[uuid.UUID], timeout: float) -> None:
        counts = self.wait_for_leads(lead_ids, timeout=timeout)
        self.stdout.write(self.style.SUCCESS(
            f"Completed {counts[Lead.Status.COMPLETED]}, failed {counts[Lead.Status.FAILED]}, "
            f"waiting {counts[Lead.Status.WAITING]}."
        ))
        for lead in Lead.objects.filter(pk__in=lead_ids, status=Lead.Status.FAILED):
            self.stdout.write(self.style.WARNING(f"  {lead.company_name}: {lead.last_error}"))
