from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from events.services import prune_events
from nellia.commands import positive_int


class Command(BaseCommand):
    help = "Delete events older than the retention window (EVENT_RETENTION_HOURS, or --hours)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=positive_int, default=None, metavar="N",
                            help="Override EVENT_RETENTION_HOURS (hours, more than 0).")

    def handle(self, *args, **options) -> None:
        hours = options["hours"] if options["hours"] is not None else settings.EVENT_RETENTION_HOURS
        deleted = prune_events(older_than_hours=hours)
        self.stdout.write(self.style.SUCCESS(f"Deleted {deleted} event(s) older than {hours} h."))
