"""Hooks of prospecting (see nellia/hooks.py), filled by the apps above it in their `AppConfig.ready()`."""

from leads.models import ProspectJob
from nellia.hooks import Slot

# Harvest a job's leads from the CNPJ registry: `(job, limit) -> (found, created, duplicates)`, or None when the
# registry holds no data (the job then harvests the bundled corpus). Provided by `registry`.
registry_harvest: Slot[[ProspectJob, int], tuple[int, int, int] | None] = Slot("registry_harvest")
