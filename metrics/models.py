"""Pre-aggregated lead numbers for the dashboard (PostgreSQL).

`LeadCountsDelta` rows are written by database triggers on `leads_lead` (migration 0001), never by Python: every
INSERT, UPDATE, DELETE or COPY statement appends, in the same transaction, one row per (owner, status, stage, tier)
group it changed, carrying the signed change of the counts and sums `metrics.selectors.overview` shows. The
numbers of an owner are the sum of their rows, so they are exactly the aggregate over the leads whatever wrote
them (services, the pipeline, bulk import, `QuerySet.update`, cascades, raw SQL). Writers only append, so they
never wait for each other; readers fold an owner's rows into one row per group now and then
(`metrics.selectors.compact_lead_counts`) to keep the sums short.

On SQLite (the embedded development mode) there are no triggers and the selectors aggregate the leads directly.
"""

from typing import TypedDict

from django.db import models


class _SumField(TypedDict):
    max_digits: int
    decimal_places: int
    default: int


SUM_FIELD: _SumField = {"max_digits": 40, "decimal_places": 20, "default": 0}


class LeadCountsDelta(models.Model):
    id = models.BigAutoField(primary_key=True)
    # Not a foreign key: rows of a deleted owner are netted to zero by the deletes of their leads.
    owner_id = models.UUIDField(db_index=True)
    status = models.CharField(max_length=20)
    processing_stage = models.CharField(max_length=20)
    qualification_tier = models.CharField(max_length=20, null=True)
    n = models.BigIntegerField(default=0)
    # Completed leads with both processed_at and queued_at: their count and summed pipeline time (µs).
    timed = models.BigIntegerField(default=0)
    run_time_us = models.BigIntegerField(default=0)
    relevance_sum = models.DecimalField(**SUM_FIELD)
    relevance_n = models.BigIntegerField(default=0)
    roi_potential_sum = models.DecimalField(**SUM_FIELD)
    roi_potential_n = models.BigIntegerField(default=0)
    brazilian_market_fit_sum = models.DecimalField(**SUM_FIELD)
    brazilian_market_fit_n = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.owner_id} {self.status}/{self.processing_stage}/{self.qualification_tier}: {self.n:+d}"
