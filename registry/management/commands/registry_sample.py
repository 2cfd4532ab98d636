"""`python manage.py registry_sample --establishments N --out DIR`: a month of registry files, generated."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from nellia.commands import NelliaCommand
from registry.layout import MONTH_RE
from registry.sample import SampleSpec, write_sample


class Command(NelliaCommand):
    help = "Write generated CNPJ registry files in the Receita Federal's published layout (zips of Latin-1 CSVs)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--establishments", type=int, required=True, help="How many establishments.")
        parser.add_argument("--out", required=True, help="Directory for the zips (created if missing).")
        parser.add_argument("--month", default="2025-11", help="Month of the files, YYYY-MM (default 2025-11).")
        parser.add_argument("--seed", type=int, default=15, help="Random seed (same seed, same files).")
        parser.add_argument("--parts", type=int, default=0, help="Files per kind (default: one per 200k, ≤ 10).")
        parser.add_argument("--bad-lines", type=int, default=0, help="Malformed lines added to each establishments file.")

    def handle(self, *args: Any, establishments: int, out: str, month: str, seed: int, parts: int, bad_lines: int,
               **options: Any) -> None:
        if establishments < 1:
            raise self.fail("--establishments must be at least 1.")
        if not MONTH_RE.match(month):
            raise self.fail("--month must be YYYY-MM.")
        if not 0 <= parts <= 10:
            raise self.fail("--parts must be between 1 and 10.")
        spec = SampleSpec(establishments=establishments, month=month, seed=seed, parts=parts, bad_lines=bad_lines)
        written = write_sample(spec, Path(out))
        self.stdout.write(self.style.SUCCESS(f"{len(written)} files written to {out}: {establishments} establishments."))
