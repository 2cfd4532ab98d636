"""`python manage.py import_leads FILE [--owner EMAIL] [--process]`: the import endpoint's service, from a shell."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser

from leads import importing
from leads.commands import WaitForLeadsMixin
from nellia.commands import NelliaCommand, OwnerMixin, non_negative_float

SHOWN_ERRORS = 20


class Command(OwnerMixin, WaitForLeadsMixin, NelliaCommand):
    help = (
        "Import leads from a CSV (header row; ',' or ';'; UTF-8 or Latin-1) or JSON file (an array, or the "
        "harvester's output). Rows are validated like the API; duplicates by website are skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="The .csv or .json file.")
        self.add_owner_argument(parser)
        parser.add_argument("--process", action="store_true", help="Queue the created leads for the pipeline.")
        parser.add_argument("--wait", action="store_true", help="With --process: wait until they are processed.")
        parser.add_argument("--timeout", type=non_negative_float, default=600, help="Seconds to wait with --wait (default 600).")

    def handle(self, *args: Any, file: str, owner: str | None, process: bool, wait: bool, timeout: float,
               **options: Any) -> None:
        path = Path(file)
        if not path.is_file():
            raise self.fail(f"No such file: {path}")
        owner_user = self.resolve_owner(owner)
        try:
            rows = importing.parse_upload(path.read_bytes(), filename=path.name)
        except importing.ImportRejectedError as exc:
            raise self.fail(f"{path.name}: {exc.detail}") from None
        with self.progress(total=len(rows), desc="Importing", unit="row") as bar:
            report = importing.import_leads(owner=owner_user, rows=rows, process=process, progress=bar.update)
        self.stdout.write(self.style.SUCCESS(
            f"{path.name} → {owner_user.email}: created {report.created}, duplicates {report.duplicates}, "
            f"failed {report.failed}" + (f", queued {report.queued}" if process else "") + "."
        ))
        for error in report.errors[:SHOWN_ERRORS]:
            fields = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error["fields"].items())
            self.stdout.write(self.style.WARNING(f"  row {error['row']}: {fields}"))
        if report.failed > SHOWN_ERRORS:
            self.stdout.write(f"  ... and {report.failed - SHOWN_ERRORS} more.")
        if process and report.lead_ids and (wait or settings.CELERY_EMBEDDED_WORKER):
            # The embedded worker runs in this process: leaving now would drop the queued work.
            counts = self.wait_for_leads(report.lead_ids, timeout=timeout)
            self.stdout.write(", ".join(f"{status} {n}" for status, n in counts.items()))
