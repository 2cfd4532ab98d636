from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from agents.models import Agent


def run(*args: str) -> str:
    out = StringIO()
    call_command("agents", *args, stdout=out)
    return out.getvalue()


def test_list(db):
    output = run("list")
    assert "lead_intake_agent" in output
    assert "message_crafting_agent" in output


def test_stop_and_start_by_name_or_stage(db):
    assert "inactive" in run("stop", "lead_analysis_agent")
    assert Agent.objects.get(name="lead_analysis_agent").status == "inactive"
    assert "active" in run("start", "analysis")
    assert Agent.objects.get(name="lead_analysis_agent").status == "active"


def test_unknown_agent(db):
    with pytest.raises(CommandError, match="No agent named 'nope'"):
        run("stop", "nope")


def test_help_of_every_command(capsys):
    from django.core.management import get_commands, load_command_class

    for name in ("seed_demo", "import_leads", "agents"):
        parser = load_command_class(get_commands()[name], name).create_parser("manage.py", name)
        assert parser.format_help()
