"""registry_download against a local HTTP server on loopback: index, Range resume, retries, zip checks."""

import http.server
import re
import shutil
import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from registry import download
from registry.models import Establishment


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files with `Range` support; `failures[name]` answers 503 that many times, `cut[name]` drops the
    connection after that many bytes once."""

    failures: dict = {}
    cut: dict = {}
    ranges: list = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        name = self.path.rsplit("/", 1)[-1]
        if self.failures.get(name):
            self.failures[name] -= 1
            self.send_error(503)
            return
        path = self.translate_path(self.path)
        if not self.path.endswith(".zip"):
            return super().do_GET()
        data = Path(path).read_bytes()
        start = 0
        match = re.match(r"bytes=(\d+)-", self.headers.get("Range", ""))
        if match:
            start = int(match.group(1))
            self.ranges.append((name, start))
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        body = data[start:]
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        limit = self.cut.pop(name, None)
        self.wfile.write(body[:limit] if limit else body)
        if limit:
            self.close_connection = True


@pytest.fixture
def server(sample_dir, tmp_path):
    root = tmp_path / "www"
    shutil.copytree(sample_dir, root / "2025-11")
    Handler.failures, Handler.cut, Handler.ranges = {}, {}, []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), lambda *a: Handler(*a, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    monkeypatch.setattr(download.time, "sleep", lambda seconds: None)


def test_a_month_is_downloaded_checked_and_imported(server, tmp_path, db, sample_dir):
    out = tmp_path / "got"
    call_command("registry_download", month="2025-11", base_url=server, out=str(out), run_import=True,
                 no_progress=True)
    assert sorted(p.name for p in out.iterdir() if p.suffix == ".zip") == sorted(p.name for p in sample_dir.iterdir())
    assert all((out / p.name).read_bytes() == p.read_bytes() for p in sample_dir.iterdir())
    assert Establishment.objects.count() > 0


def test_an_interrupted_file_resumes_with_range_and_failures_are_retried(server, tmp_path):
    Handler.cut["Estabelecimentos0.zip"] = 5000
    Handler.failures["Empresas0.zip"] = 2
    out = tmp_path / "got"
    call_command("registry_download", month="2025-11", base_url=server, out=str(out), only=["companies", "establishments"],
                 no_progress=True)
    assert ("Estabelecimentos0.zip", 5000) in Handler.ranges
    assert download.is_valid_zip(out / "Estabelecimentos0.zip") and download.is_valid_zip(out / "Empresas0.zip")
    assert not list(out.glob("*.part"))


def test_files_already_here_are_not_fetched_again(server, tmp_path, capsys):
    out = tmp_path / "got"
    call_command("registry_download", month="2025-11", base_url=server, out=str(out), only=["cnaes"], no_progress=True)
    call_command("registry_download", month="2025-11", base_url=server, out=str(out), only=["cnaes"], no_progress=True)
    assert "Cnaes.zip: already here" in capsys.readouterr().out


def test_a_corrupt_zip_is_fetched_again(server, tmp_path):
    out = tmp_path / "got"
    out.mkdir()
    (out / "Cnaes.zip").write_bytes(b"PK\x03\x04 not really a zip")
    call_command("registry_download", month="2025-11", base_url=server, out=str(out), only=["cnaes"], no_progress=True)
    assert download.is_valid_zip(out / "Cnaes.zip")


def test_a_server_that_keeps_failing_is_a_clear_error(server, tmp_path):
    Handler.failures["Cnaes.zip"] = 99
    with pytest.raises(CommandError, match="failed after 3 attempts"):
        call_command("registry_download", month="2025-11", base_url=server, out=str(tmp_path / "x"), only=["cnaes"],
                     retries=2, no_progress=True)


def test_an_unknown_month_is_a_clear_error(server, tmp_path):
    with pytest.raises(CommandError, match="no such month"):
        call_command("registry_download", month="2024-01", base_url=server, out=str(tmp_path / "x"), no_progress=True)
