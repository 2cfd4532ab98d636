"""The frontend's vocabulary for tiers and stages (FRONTEND.md §4.2, §4.3), both ways."""

from leads.models import Lead

TIER_LABELS: dict[str | None, str] = {
    Lead.Tier.HIGH.value: "Alto Potencial",
    Lead.Tier.MEDIUM.value: "Potencial Médio",
    Lead.Tier.LOW.value: "Baixo Potencial",
    Lead.Tier.NOT_QUALIFIED.value: "Não Qualificado",
    None: "N/A",
}
_TIER_INPUT: dict[str, str | None] = {"n/a": None}
for _value, _label in TIER_LABELS.items():
    if _value is None:
        continue
    _TIER_INPUT[_label.lower()] = _value
    _TIER_INPUT[_value] = _value
    _TIER_INPUT[_value.replace("_", " ")] = _value  # "high potential"


def tier_label(value: str | None) -> str:
    return TIER_LABELS.get(value or None, "N/A")


def parse_tier(raw: object) -> str | None:
    """The `/api/` tier for any accepted spelling (case-insensitive); None for null/"N/A". ValueError otherwise."""
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise ValueError("Unknown qualification tier.")
    key = raw.strip().lower()
    if key not in _TIER_INPUT:
        raise ValueError(f"Unknown qualification tier '{raw}'.")
    return _TIER_INPUT[key]


BOARD_STAGES: list[str] = [choice.value for choice in Lead.BoardStage]

