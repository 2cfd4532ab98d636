"""`python manage.py agents list | start NAME | stop NAME`."""

from typing import Any

from django.core.management.base import CommandParser

from agents import selectors, services
from agents.models import Agent
from nellia.commands import NelliaCommand


class Command(NelliaCommand):
    help = "List the agents with their numbers, or start/stop one (NAME: its name, stage or id)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{list,start,stop}")
        actions.add_parser("list", help="Every agent with its status and metrics.")
        for action, text in (("start", "Start an agent; leads waiting at its stage resume."),
                             ("stop", "Stop an agent; leads reaching its stage wait.")):
            sub = actions.add_parser(action, help=text)
            sub.add_argument("name", metavar="NAME", help="e.g. lead_analysis_agent, analysis, or the agent's id.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "list":
            self._list()
            return
        agent = self._find(options["name"])
        agent = services.start_agent(agent=agent) if action == "start" else services.stop_agent(agent=agent)
        self.stdout.write(self.style.SUCCESS(f"{agent.name}: {agent.status}"))

    def _find(self, name: str) -> Agent:
        name = name.strip()
        agent = Agent.objects.filter(name=name).first() or Agent.objects.filter(stage=name).first()
        if agent is None:
            try:
                agent = Agent.objects.filter(pk=name).first()
            except Exception:  # not a UUID
                agent = None
        if agent is None:
            known = ", ".join(Agent.objects.order_by("name").values_list("name", flat=True))
            raise self.fail(f"No agent named {name!r}. Known agents: {known}.")
        return agent

    def _list(self) -> None:
        agents = list(selectors.agents_list())
        metrics = selectors.metrics_for_agents(agents)
        header = f"{'NAME':<26} {'STAGE':<9} {'STATUS':<11} {'QUEUE':>5} {'DONE':>6} {'ERR':>5} {'OK%':>6} {'AVG ms':>8}"
        self.stdout.write(header)
        for agent in agents:
            m = metrics[agent.pk]
            self.stdout.write(
                f"{agent.name:<26} {agent.stage or '-':<9} {agent.status:<11} {m['queue_depth']:>5} "
                f"{m['processed_count']:>6} {m['error_count']:>5} {100 * m['success_rate']:>6.1f} "
                f"{m['avg_processing_time_ms']:>8.0f}"
            )
