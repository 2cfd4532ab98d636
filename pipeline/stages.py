"""The pipeline's stages, in order, and the agent and MCP tool that run each one."""

from django.db import models


class Stage(models.TextChoices):
    INTAKE = "intake", "Intake"
    ANALYSIS = "analysis", "Analysis"
    PERSONA = "persona", "Persona"
    STRATEGY = "strategy", "Strategy"
    MESSAGE = "message", "Message"


PIPELINE: list[str] = [stage.value for stage in Stage]
COMPLETED = "completed"

AGENT_FOR_STAGE: dict[str, str] = {
    Stage.INTAKE: "lead_intake_agent",
    Stage.ANALYSIS: "lead_analysis_agent",
    Stage.PERSONA: "persona_creation_agent",
    Stage.STRATEGY: "approach_strategy_agent",
    Stage.MESSAGE: "message_crafting_agent",
}
TOOL_FOR_STAGE: dict[str, str] = {
    Stage.INTAKE: "intake_lead",
    Stage.ANALYSIS: "analyze_lead",
    Stage.PERSONA: "create_persona",
    Stage.STRATEGY: "build_strategy",
    Stage.MESSAGE: "craft_message",
}


def next_stage(stage: str) -> str:
    """The stage after `stage`; `completed` after the last one."""
    index = PIPELINE.index(stage)
    return PIPELINE[index + 1] if index + 1 < len(PIPELINE) else COMPLETED


def progress_after(stage: str) -> int:
    """Percent done once `stage` has finished."""
    return round(100 * (PIPELINE.index(stage) + 1) / len(PIPELINE))
