from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from leads.models import Lead
from tests.broker import on_stage_send


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_leads", *args, "--no-progress", stdout=out)
    return out.getvalue()


def test_imports_a_file_for_an_owner(user, tmp_path):
    path = tmp_path / "leads.csv"
    path.write_bytes("empresa;site\nAção Ltda;acao.com.br\n;semnome.com.br\nAção Ltda;acao.com.br/\n".encode("latin-1"))
    output = run(str(path), "--owner", user.email.upper())
    assert "created 1, duplicates 1, failed 1" in output
    assert "row 2: company_name" in output
    assert Lead.objects.get(owner=user).company_name == "Ação Ltda"


def test_default_owner_is_the_only_admin(admin_user, tmp_path):
    path = tmp_path / "leads.json"
    path.write_text('[{"company_name": "Acme"}]')
    run(str(path))
    assert Lead.objects.get().owner == admin_user


def test_errors(user, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "missing.csv"), "--owner", user.email)
    path = tmp_path / "leads.csv"
    path.write_text("name_x\nAcme\n")
    with pytest.raises(CommandError, match="No user"):
        run(str(path), "--owner", "nobody@example.com")
    with pytest.raises(CommandError, match="Missing required column"):
        run(str(path), "--owner", user.email)
    with pytest.raises(CommandError, match="--owner"):
        run(str(path))  # no admin to default to


def test_process_flag_queues(user, tmp_path, monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    on_stage_send(monkeypatch, lambda *args: sent.append(args))
    path = tmp_path / "leads.csv"
    path.write_text("company_name\nA\nB\n")
    with django_capture_on_commit_callbacks(execute=True):
        output = run(str(path), "--owner", user.email, "--process")
    assert "queued 2" in output
    assert len(sent) == 2
