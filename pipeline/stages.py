"""The stage registry: each pipeline stage declared once, in order.

An entry names the agent that runs the stage, the agent server tool it calls, the tool's output model (validated
here too: the contract is ours), the lead fields it writes and how (`apply`), and how its result is rebuilt
from the lead for the later stages (`stored`). Adding a stage is an entry here, its `Stage` value and lead fields
(leads/models.py), the agent server tool, and a migration (see docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from pydantic import BaseModel

from leads.fields import ANALYSIS_FIELDS, INPUT_FIELDS, INTAKE_FILLABLE
from leads.models import COMPLETED, Lead, Stage
from leads.selectors import find_duplicate_id
from leads.websites import normalize_website
from mcp_bridge.agent_server import models as contract

Result = dict[str, Any]


@dataclass(frozen=True)
class StageSpec:
    stage: Stage
    agent: str  # `Agent.name` of the agent that runs it
    tool: str  # the agent server tool it calls
    output: type[BaseModel]  # that tool's output model
    writes: tuple[str, ...]  # the lead fields it may write
    task_label: str  # the agent's `current_task` while it runs: "<label> <company name>"
    apply: Callable[[Lead, Result], list[str]]  # write a validated result on the lead; returns the changed fields
    stored: Callable[[Lead], Result | None] | None = None  # its result rebuilt from the lead (None: not sent on)

    @property
    def name(self) -> str:
        return self.stage.value


def _max_length(name: str) -> int | None:
    """The lead text field's max_length (None: unlimited, so `value[:None]` keeps it whole)."""
    return getattr(Lead._meta.get_field(name), "max_length", None)


def _fill_intake(lead: Lead, result: Result) -> list[str]:
    """Intake fills empty input fields only (a valid, not duplicate website; a valid e-mail) and the enrichment."""
    changed = []
    updates = result.get("lead_updates") or {}
    for name in INTAKE_FILLABLE:
        value = str(updates.get(name) or "").strip()
        if not value or getattr(lead, name):
            continue
        if name == "website":
            try:
                value = normalize_website(value)
            except ValueError:
                continue
            if value and find_duplicate_id(owner=lead.owner_id, website=value, exclude_id=lead.pk):
                continue  # the owner has a lead on this site already
        if name == "contact_email":
            try:
                validate_email(value)
            except ValidationError:
                continue
        setattr(lead, name, value[: _max_length(name)])
        changed.append(name)
    lead.enrichment_data = result.get("enrichment_data") or {}
    changed.append("enrichment_data")
    return changed


def _set_analysis(lead: Lead, result: Result) -> list[str]:
    for name in ANALYSIS_FIELDS:
        value = result.get(name)
        if name in ("company_sector", "company_size"):
            value = str(value or "")[: _max_length(name)]
        setattr(lead, name, value)
    return list(ANALYSIS_FIELDS)


def _stored_analysis(lead: Lead) -> Result | None:
    return None if lead.analysis is None else {name: getattr(lead, name) for name in ANALYSIS_FIELDS}


def _one_field(name: str) -> tuple[Callable[[Lead, Result], list[str]], Callable[[Lead], Result | None]]:
    """`apply` and `stored` of a stage whose result is one JSON field of the lead named like its output key."""

    def apply(lead: Lead, result: Result) -> list[str]:
        setattr(lead, name, result[name])
        return [name]

    def stored(lead: Lead) -> Result | None:
        value = getattr(lead, name)
        return None if value is None else {name: value}

    return apply, stored


_persona_apply, _persona_stored = _one_field("persona")
_strategy_apply, _strategy_stored = _one_field("strategy")
_message_apply, _ = _one_field("message")

STAGES: tuple[StageSpec, ...] = (
    StageSpec(
        Stage.INTAKE, agent="lead_intake_agent", tool="intake_lead", output=contract.IntakeOutput,
        writes=(*INTAKE_FILLABLE, "enrichment_data"), task_label="Recebendo", apply=_fill_intake,
        stored=lambda lead: {"lead_updates": {}, "enrichment_data": lead.enrichment_data or {}},
    ),
    StageSpec(
        Stage.ANALYSIS, agent="lead_analysis_agent", tool="analyze_lead", output=contract.AnalysisOutput,
        writes=ANALYSIS_FIELDS, task_label="Analisando", apply=_set_analysis, stored=_stored_analysis,
    ),
    StageSpec(
        Stage.PERSONA, agent="persona_creation_agent", tool="create_persona", output=contract.PersonaOutput,
        writes=("persona",), task_label="Criando persona para", apply=_persona_apply, stored=_persona_stored,
    ),
    StageSpec(
        Stage.STRATEGY, agent="approach_strategy_agent", tool="build_strategy", output=contract.StrategyOutput,
        writes=("strategy",), task_label="Planejando abordagem para", apply=_strategy_apply, stored=_strategy_stored,
    ),
    StageSpec(
        Stage.MESSAGE, agent="message_crafting_agent", tool="craft_message", output=contract.MessageOutput,
        writes=("message",), task_label="Escrevendo mensagem para", apply=_message_apply,
    ),
)

PIPELINE: list[str] = [spec.name for spec in STAGES]
SPECS: dict[str, StageSpec] = {spec.name: spec for spec in STAGES}
AGENT_FOR_STAGE: dict[str, str] = {spec.name: spec.agent for spec in STAGES}


def next_stage(stage: str) -> str:
    """The stage after `stage`; `completed` after the last one."""
    index = PIPELINE.index(stage)
    return PIPELINE[index + 1] if index + 1 < len(PIPELINE) else COMPLETED


def progress_after(stage: str) -> int:
    """Percent done once `stage` has finished."""
    return round(100 * (PIPELINE.index(stage) + 1) / len(PIPELINE))


def lead_data(lead: Lead) -> dict[str, str]:
    """The agent server's LeadData for `lead`: its input fields as strings."""
    data = {"id": str(lead.pk)}
    for name in INPUT_FIELDS:
        value = getattr(lead, name)
        data[name] = "" if value is None else str(value)
    return data


def stored_results(lead: Lead) -> dict[str, Result | None]:
    """The results of the stages before the lead's current one, rebuilt from what the lead stores (None: stage
    not done or nothing stored); stages without `stored` are left out."""
    current = PIPELINE.index(lead.processing_stage) if lead.processing_stage in PIPELINE else len(PIPELINE)
    return {
        spec.name: spec.stored(lead) if index < current else None
        for index, spec in enumerate(STAGES)
        if spec.stored is not None
    }
