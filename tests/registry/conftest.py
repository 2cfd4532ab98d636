from pathlib import Path

import pytest
from django.core.management import call_command

from registry.sample import SampleSpec, write_sample

SAMPLE_ESTABLISHMENTS = 3000


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory) -> Path:
    """A generated month of registry files in the published layout (written once per run)."""
    directory = tmp_path_factory.mktemp("registry") / "2025-11"
    write_sample(SampleSpec(establishments=SAMPLE_ESTABLISHMENTS, month="2025-11", parts=2, bad_lines=2), directory)
    return directory


@pytest.fixture
def registry(db, sample_dir, tmp_path):
    """The registry loaded from `sample_dir`."""
    call_command("registry_import", str(sample_dir), report_dir=str(tmp_path / "reports"), no_progress=True)
    return sample_dir
