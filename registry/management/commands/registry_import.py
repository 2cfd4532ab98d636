"""`python manage.py registry_import PATH… [--month YYYY-MM] [--force]`: load published CNPJ files."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser

from nellia.commands import NelliaCommand
from registry import importing


class Command(NelliaCommand):
    help = (
        "Load the Receita Federal's CNPJ files (zips, extracted CSVs or directories of them; any subset) into the "
        "registry. Files already imported for the month are skipped (resumable); a directory is taken as a whole "
        "month, so rows it no longer holds are marked removed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Zips, CSVs or directories.")
        parser.add_argument("--month", help="Month of the files, YYYY-MM (default: read from the file names).")
        parser.add_argument("--force", action="store_true", help="Load files again even if already imported.")
        parser.add_argument("--report-dir", default=str(settings.REGISTRY_DOWNLOAD_DIR / "reports"),
                            help="Where each file's rejected lines are written (default var/registry/reports).")

    def handle(self, *args: Any, paths: list[str], month: str | None, force: bool, report_dir: str,
               **options: Any) -> None:
        try:
            sources = [source for path in paths for source in importing.sources_in(Path(path))]
            months = {source: importing.month_of(source, month) for source in sources}
        except importing.SourceError as exc:
            raise self.fail(str(exc)) from None
        if not sources:
            raise self.fail("No published CNPJ file found in the given paths.")
        importing.prepare_bulk_load(sources)
        totals = {"rows": 0, "rejected": 0}
        try:
            for source in sources:
                with self.progress(total=source.size, desc=source.name[-40:], unit="B") as bar:
                    report = importing.import_source(source, month=months[source], force=force, progress=bar.update)
                self._print(report, Path(report_dir))
                totals["rows"] += report.rows if not report.skipped else 0
                totals["rejected"] += report.rejected if not report.skipped else 0
        finally:
            importing.finish_bulk_load(source.kind.key for source in sources)
        for path in paths:
            if Path(path).is_dir():
                self._mark_removed([s for s in sources if Path(path) == s.path.parent], months)
        self.stdout.write(self.style.SUCCESS(f"Done: {totals['rows']} rows loaded, {totals['rejected']} rejected."))

    def _print(self, report: importing.FileReport, report_dir: Path) -> None:
        if report.skipped:
            self.stdout.write(f"{report.name}: skipped, {report.skipped}.")
            return
        line = f"{report.name} ({report.kind}, {report.month}): {report.rows} rows, {report.rejected} rejected"
        if report.rejected:
            report_dir.mkdir(parents=True, exist_ok=True)
            target = report_dir / f"{report.name}.rejected.txt"
            with open(target, "w", encoding="utf-8") as handle:
                for number, reason, raw in report.rejected_lines:
                    handle.write(f"line {number}: {reason}: {raw}\n")
            line += f" (see {target})"
            self.stdout.write(self.style.WARNING(line))
        else:
            self.stdout.write(line)

    def _mark_removed(self, sources: list[importing.Source], months: dict) -> None:
        for kind in importing.TRACKED_KINDS:
            for month in sorted({months[s] for s in sources if s.kind.key == kind}):
                marked = importing.mark_removed(kind, month)
                if marked:
                    self.stdout.write(f"{kind}: {marked} no longer in {month}, marked removed.")
