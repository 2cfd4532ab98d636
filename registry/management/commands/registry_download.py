"""`python manage.py registry_download [--month YYYY-MM] [--base-url URL] [--import]`: fetch a month's files."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandParser

from nellia.commands import NelliaCommand
from registry import download, layout


class Command(NelliaCommand):
    help = (
        "Download a month of the Receita Federal's CNPJ files (default: last month) from REGISTRY_BASE_URL into "
        "REGISTRY_DOWNLOAD_DIR/<month>/, resuming partial files and checking every zip."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", default=None, help="YYYY-MM (default: last month).")
        parser.add_argument("--base-url", default=settings.REGISTRY_BASE_URL, help="Where the monthly folders are.")
        parser.add_argument("--out", default=None, help="Directory (default REGISTRY_DOWNLOAD_DIR/<month>).")
        parser.add_argument("--only", nargs="+", choices=[k.key for k in layout.KINDS], help="Only these kinds.")
        parser.add_argument("--retries", type=int, default=4, help="Retries per file (default 4).")
        parser.add_argument("--import", dest="run_import", action="store_true", help="Then run registry_import.")

    def handle(self, *args: Any, month: str | None, base_url: str, out: str | None, only: list[str] | None,
               retries: int, run_import: bool, **options: Any) -> None:
        month = month or download.previous_month()
        if not layout.MONTH_RE.match(month):
            raise self.fail("--month must be YYYY-MM.")
        kinds = set(only or [k.key for k in layout.KINDS if k is not layout.PARTNERS or settings.REGISTRY_STORE_PARTNERS])
        directory = Path(out) if out else settings.REGISTRY_DOWNLOAD_DIR / month
        directory.mkdir(parents=True, exist_ok=True)
        url = download.month_url(base_url, month)
        with download.client() as http:
            try:
                names = [n for n in download.list_files(http, url) if (kind := layout.kind_of(n)) and kind.key in kinds]
                for name in names:
                    with self.progress(total=None, desc=name, unit="B") as bar:
                        result = download.download_file(http, url + name, directory / name, retries=retries,
                                                        progress=bar.update)
                    state = "downloaded" if result.fetched else "already here"
                    self.stdout.write(f"{name}: {state}, {result.size} bytes, zip OK.")
            except (download.DownloadError, OSError) as exc:
                raise self.fail(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"{len(names)} files of {month} in {directory}."))
        if run_import:
            call_command("registry_import", str(directory), month=month, stdout=self.stdout, stderr=self.stderr)
