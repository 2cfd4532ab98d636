"""`manage.py relay_events`: the event relay (events.relay) as its own process, until SIGTERM or SIGINT."""

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand

from events.relay import run_relay


class Command(BaseCommand):
    help = "Broadcast committed events to the WebSocket and Socket.IO clients, in one commit-ordered sequence."

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write("Event relay started.")
        run_relay(stop)
        self.stdout.write("Event relay stopped.")
