"""The tools as plain functions: validate input, run the offline agent or the LLM, return the output model.

These are what the MCP server registers, and what tests or an in-process bridge may call directly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any, TypeVar

from pydantic import BaseModel

from . import analysis, intake, llm, persona, strategy
from . import chat as chat_agent
from . import harvest as harvest_agent
from . import message as message_agent
from .config import Settings
from .grounding import grounding, problems
from .models import (
    AnalysisOutput,
    BusinessContextData,
    ChatInput,
    ChatOutput,
    HarvestInput,
    HarvestOutput,
    IntakeOutput,
    MessageOutput,
    PersonaOutput,
    StageInput,
    StrategyOutput,
)
from .profile import LeadProfile, build_profile, context_or_default

M = TypeVar("M", bound=BaseModel)

_TASKS = {
    "intake_lead": "Normalise the lead's fields and extract contacts (e-mails, Brazilian phones as '+55 11 3456-7890', "
                   "CNPJs with valid check digits as '11.222.333/0001-81'), city, state (UF), employees, founding year, "
                   "language and social profiles from its text.",
    "analyze_lead": "Analyse the lead against the business context: sector, size class, pains, purchase triggers, "
                    "scores from 0 to 1 with explanations and a qualification tier.",
    "create_persona": "Describe the most likely buyer persona at the lead for the business context's offer.",
    "build_strategy": "Plan the outreach strategy for this lead and persona, with a 3 to 5 step contact sequence.",
    "craft_message": "Write the first outreach message for this lead, naming the company, a real pain or trigger "
                     "and the matching value proposition, with a subject line and a call to action.",
    "chat": "Answer the operator's message as the named agent, grounded only in the data given.",
}


def _coerce(model: type[M], data: M | Mapping[str, Any]) -> M:
    return data if isinstance(data, model) else model.model_validate(data)


class _Chain:
    """Earlier stage results for one lead: taken from `previous` when given, computed offline otherwise (once: the
    message needs the persona and the analysis, and so does the strategy it is built on)."""

    def __init__(self, data: StageInput, settings: Settings) -> None:
        self.data, self.ctx = data, context_or_default(data.business_context)
        enrichment = data.previous.intake.enrichment_data if data.previous.intake else None
        self.profile: LeadProfile = build_profile(data.lead, enrichment, settings.reference_year)

    @cached_property
    def analysis(self) -> AnalysisOutput:
        return self.data.previous.analysis or analysis.run_analysis(self.profile, self.ctx)

    @cached_property
    def persona(self) -> PersonaOutput:
        return self.data.previous.persona or persona.build_persona(self.profile, self.ctx)

    @cached_property
    def strategy(self) -> StrategyOutput:
        return self.data.previous.strategy or strategy.plan_strategy(
            self.profile, self.ctx, self.persona.persona, self.analysis.qualification_tier)


def _offline_stage(name: str, data: StageInput, settings: Settings) -> BaseModel:
    if name == "intake_lead":
        return intake.run_intake(data, settings.reference_year)
    chain = _Chain(data, settings)
    if name == "analyze_lead":
        return chain.analysis
    if name == "create_persona":
        return chain.persona
    if name == "build_strategy":
        return chain.strategy
    return message_agent.write_message(chain.profile, chain.ctx, chain.persona.persona, chain.strategy.strategy,
                                       chain.analysis)


def _checked(output: M, ctx: BusinessContextData | None, tier: str | None = None) -> M:
    """An LLM answer held to the offline agents' checks (seams, language, channel rules, bad fits): failing them
    is an error, like an answer that does not match the schema."""
    found = problems(output, ctx, tier)
    if found:
        raise llm.AgentError(f"LLM output failed the checks: {'; '.join(found[:5])}")
    return output


def _stage(name: str, output_model: type[M]) -> Callable[..., M]:
    def run(data: StageInput | Mapping[str, Any], settings: Settings | None = None) -> M:
        settings = settings or Settings.from_env()
        stage_input = _coerce(StageInput, data)
        if settings.llm_enabled:
            payload = {**stage_input.model_dump(mode="json"), "grounding": grounding(
                stage_input.business_context, stage_input.lead, settings.reference_year)}
            analysed = stage_input.previous.analysis
            return _checked(llm.complete(settings, _TASKS[name], payload, output_model), stage_input.business_context,
                            analysed.qualification_tier if analysed else None)
        result = _offline_stage(name, stage_input, settings)
        assert isinstance(result, output_model)
        return result

    run.__name__ = run.__qualname__ = name
    run.__doc__ = _TASKS[name]
    return run


intake_lead = _stage("intake_lead", IntakeOutput)
analyze_lead = _stage("analyze_lead", AnalysisOutput)
create_persona = _stage("create_persona", PersonaOutput)
build_strategy = _stage("build_strategy", StrategyOutput)
craft_message = _stage("craft_message", MessageOutput)


def chat(data: ChatInput | Mapping[str, Any], settings: Settings | None = None) -> ChatOutput:
    """Answer an operator as the named agent, from the lead, pipeline and attachments given."""
    settings = settings or Settings.from_env()
    chat_input = _coerce(ChatInput, data)
    if settings.llm_enabled:
        payload = {**chat_input.model_dump(mode="json"), "grounding": grounding(
            chat_input.business_context, chat_input.lead, settings.reference_year)}
        return _checked(llm.complete(settings, _TASKS["chat"], payload, ChatOutput), chat_input.business_context)
    return chat_agent.answer(chat_input, settings.reference_year)


def harvest_leads(data: HarvestInput | Mapping[str, Any], settings: Settings | None = None) -> HarvestOutput:
    """Rank the bundled corpus of Brazilian companies against the business context and query (always offline)."""
    return harvest_agent.harvest(_coerce(HarvestInput, data))


STAGE_TOOLS = {f.__name__: f for f in (intake_lead, analyze_lead, create_persona, build_strategy, craft_message)}
