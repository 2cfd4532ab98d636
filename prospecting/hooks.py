"""Hooks of prospecting (see nellia/hooks.py), filled by the apps above it in their `AppConfig.ready()`."""

from typing import NamedTuple

from leads.models import ProspectJob
from nellia.hooks import Slot

NOTHING_NEW = "Nenhuma empresa nova encontrada"  # a job's final step when it created no lead (then ": <why>")


class Harvest(NamedTuple):
    found: int
    created: int
    duplicates: int
    why_empty: str = ""  # when nothing was created: the job's final step, saying why (Portuguese)


# Harvest a job's leads from the CNPJ registry: `(job, limit) -> Harvest`, or None when the registry holds no data
# (the job then harvests the bundled corpus). Provided by `registry`.
registry_harvest: Slot[[ProspectJob, int], Harvest | None] = Slot("registry_harvest")
