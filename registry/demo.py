"""`seed_demo`'s share of the registry (registered into `leads.hooks.seed_demo_data`)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from registry.models import Establishment
from registry.sample import SampleSpec, write_sample

DEMO_ESTABLISHMENTS = 2000


def load_demo_sample(write: Callable[[str], object]) -> None:
    """A generated month of DEMO_ESTABLISHMENTS establishments, when the registry is empty (sample data, not real
    companies), loaded by `registry_import`."""
    if Establishment.objects.exists():
        write("CNPJ registry: already holds data.")
        return
    with tempfile.TemporaryDirectory() as directory:
        write_sample(SampleSpec(establishments=DEMO_ESTABLISHMENTS), Path(directory))
        call_command("registry_import", directory, report_dir=directory, no_progress=True, stdout=StringIO())
    write(f"CNPJ registry: {DEMO_ESTABLISHMENTS} generated establishments loaded (sample data, not real companies).")
