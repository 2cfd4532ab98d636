"""Prospecting plans: how many harvested leads a user may get per calendar period."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Plan:
    id: str
    name: str
    quota: int | None  # None: unlimited
    period: str  # "day" | "week" | "month"
    cooldown: bool = True


PLANS: dict[str, Plan] = {
    plan.id: plan
    for plan in (
        Plan("free", "Free", 10, "week"),
        Plan("starter", "Starter", 75, "day"),
        Plan("pro", "PRO", 500, "day"),
        Plan("enterprise", "Enterprise", None, "month", cooldown=False),
    )
}
PLAN_CHOICES = [(plan.id, plan.name) for plan in PLANS.values()]
