"""The wire contract of the agent server: pydantic input and output models of every tool.

The Django bridge codes against these names; outputs publish their JSON schema through MCP structured output.
Inputs ignore unknown keys (the bridge may send more lead fields than an agent reads) but reject wrong types.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

Mode = Literal["offline", "llm"]
Channel = Literal["email", "linkedin", "whatsapp", "phone"]
CompanySize = Literal["micro", "small", "medium", "large", "enterprise"]
Tier = Literal["high_potential", "medium_potential", "low_potential", "not_qualified"]
Score = Annotated[float, Field(ge=0.0, le=1.0)]


class _In(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class _Out(BaseModel):
    usage: Usage = Field(default_factory=Usage)
    mode: Mode = "offline"


# ---- inputs -------------------------------------------------------------------------------------------------


class LeadData(_In):
    id: str = ""
    company_name: str = ""
    website: str = ""
    description: str = ""
    source_text: str = ""
    company_sector: str = ""
    company_size: str = ""
    market_region: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    contact_role: str = ""
    annual_revenue: str = ""

    @field_validator("*", mode="before")
    @classmethod
    def _null_is_empty(cls, value: Any, info: Any) -> Any:
        # Django sends NULL columns as None and numeric ids as ints; the contract is "strings, may be empty".
        if value is None and cls.model_fields[info.field_name].annotation is str:
            return ""
        if info.field_name == "id" and isinstance(value, int):
            return str(value)
        return value


class BusinessContextData(_In):
    business_description: str = ""
    product_service_description: str = ""
    target_market: str = ""
    value_proposition: str = ""
    ideal_customer: str = ""
    pain_points: list[str] = Field(default_factory=list)
    competitive_advantage: str = ""
    competitors: list[str] = Field(default_factory=list)
    industry_focus: list[str] = Field(default_factory=list)
    geographic_focus: list[str] = Field(default_factory=lambda: ["Brasil"])
    language: str = "pt-BR"
    version: int | None = None


# ---- stage outputs ------------------------------------------------------------------------------------------


class LeadUpdates(BaseModel):
    company_name: str = ""
    website: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    market_region: str = ""
    description: str = ""


class EnrichmentData(BaseModel):
    emails: list[str] = Field(default_factory=list)
    phones: list[str] = Field(default_factory=list)
    cnpj: list[str] = Field(default_factory=list)
    city: str = ""
    state: str = ""
    employees: int | None = None
    founded_year: int | None = None
    language: Literal["pt", "en"] = "pt"
    social_profiles: list[str] = Field(default_factory=list)


class IntakeOutput(_Out):
    lead_updates: LeadUpdates
    enrichment_data: EnrichmentData


class ScoreExplanations(BaseModel):
    relevance: str = ""
    roi_potential: str = ""
    brazilian_market_fit: str = ""
    overall: str = ""


class Analysis(BaseModel):
    company_sector: str = ""
    cnae_division: str = ""  # two-digit CNAE 2.x division ('49'); the coarse company_sector maps from it
    cnae_division_name: str = ""
    main_services: list[str] = Field(default_factory=list)
    company_size_estimate: str = ""
    potential_challenges: list[str] = Field(default_factory=list)
    recent_activities: list[str] = Field(default_factory=list)
    general_diagnosis: str = ""
    opportunity_fit: str = ""
    score_explanations: ScoreExplanations = Field(default_factory=ScoreExplanations)


class AnalysisOutput(_Out):
    analysis: Analysis
    company_sector: str
    company_size: CompanySize
    pain_point_analysis: list[str] = Field(default_factory=list)
    purchase_triggers: list[str] = Field(default_factory=list)
    relevance_score: Score
    roi_potential_score: Score
    brazilian_market_fit: Score
    overall_score: Score
    qualification_tier: Tier


class Persona(BaseModel):
    fictional_name: str
    likely_role: str
    decision_maker_probability: Score
    seniority: str = ""
    department: str = ""
    key_responsibilities: list[str] = Field(default_factory=list)
    professional_goals: list[str] = Field(default_factory=list)
    main_challenges: list[str] = Field(default_factory=list)
    motivations: list[str] = Field(default_factory=list)
    solution_seeking: str = ""
    communication_style: str = ""
    decision_making_process: str = ""


class PersonaOutput(_Out):
    persona: Persona


class Objection(BaseModel):
    objection: str
    response: str


class ContactStep(BaseModel):
    step: int = Field(ge=1)
    channel: Channel
    objective: str
    cta: str


class Strategy(BaseModel):
    primary_channel: Channel
    secondary_channel: Channel
    tone_of_voice: str = ""
    key_value_propositions: list[str] = Field(default_factory=list)
    talking_points: list[str] = Field(default_factory=list)
    potential_objections: list[Objection] = Field(default_factory=list)
    opening_questions: list[str] = Field(default_factory=list)
    first_interaction_goal: str = ""
    contact_sequence: list[ContactStep] = Field(min_length=3, max_length=5)
    follow_up_strategy: str = ""
    best_time: str = ""


class StrategyOutput(_Out):
    strategy: Strategy


class Message(BaseModel):
    channel: Channel
    language: str = "pt-BR"
    subject_line: str = ""
    body: str
    call_to_action: str = ""
    personalization_elements: list[str] = Field(default_factory=list)
    estimated_read_time_seconds: int = Field(default=0, ge=0)
    recommended: bool = True  # False for a not_qualified lead: the body says why contact is not recommended
    not_recommended_reason: str = ""


class MessageOutput(_Out):
    message: Message


class PreviousResults(_In):
    intake: IntakeOutput | None = None
    analysis: AnalysisOutput | None = None
    persona: PersonaOutput | None = None
    strategy: StrategyOutput | None = None


class StageInput(_In):
    """Common input of the five pipeline stages."""

    lead: LeadData
    business_context: BusinessContextData | None = None
    previous: PreviousResults = Field(default_factory=PreviousResults)


# ---- a batch of stage calls (one MCP call for many leads: the per-call cost of MCP over HTTP is paid once) ---

STAGE_BATCH_TOOL = "run_stage_batch"
STAGE_BATCH_MAX = 100  # calls in one batch
StageTool = Literal["intake_lead", "analyze_lead", "create_persona", "build_strategy", "craft_message"]


class StageCall(_In):
    tool: StageTool
    arguments: dict[str, Any]


class StageBatchInput(_In):
    calls: list[StageCall] = Field(min_length=1, max_length=STAGE_BATCH_MAX)


class StageCallResult(BaseModel):
    """A call's structured output, or why it failed (what the tool alone would have answered as `isError`)."""

    result: dict[str, Any] | None = None
    error: str | None = None


class StageBatchOutput(BaseModel):
    results: list[StageCallResult]  # in the order of the calls


def first_error(exc: ValidationError) -> str:
    """`where: what` of the first thing `exc` found wrong, for a one-line message."""
    errors = exc.errors()
    where = ".".join(str(part) for part in errors[0]["loc"]) if errors else ""
    return f"{where}: {errors[0]['msg'] if errors else 'invalid'}"


# ---- chat ---------------------------------------------------------------------------------------------------


class ChatTurn(_In):
    sender: Literal["user", "agent"]
    content: str = ""


class Scores(_In):
    relevance_score: float | None = None
    roi_potential_score: float | None = None
    brazilian_market_fit: float | None = None
    overall_score: float | None = None


class ChatLead(LeadData):
    """A lead as the chat sees it: the stored row with whatever stage results it already has."""

    status: str = ""
    processing_stage: str = ""
    qualification_tier: Tier | None = None
    scores: Scores | None = None
    relevance_score: float | None = None
    roi_potential_score: float | None = None
    brazilian_market_fit: float | None = None
    overall_score: float | None = None
    pain_point_analysis: list[str] = Field(default_factory=list)
    purchase_triggers: list[str] = Field(default_factory=list)
    analysis: Analysis | None = None
    persona: Persona | None = None
    strategy: Strategy | None = None
    message: Message | None = None
    enrichment_data: EnrichmentData | None = None


class TopLead(_In):
    id: str = ""
    company_name: str = ""
    qualification_tier: Tier | None = None
    overall_score: float | None = None
    processing_stage: str = ""


class PipelineSummary(_In):
    total: int = 0
    by_status: dict[str, int] = Field(default_factory=dict)
    by_tier: dict[str, int] = Field(default_factory=dict)
    top_leads: list[TopLead] = Field(default_factory=list)


class Attachment(_In):
    name: str = ""
    text: str = ""


class ChatInput(_In):
    agent_name: str = ""
    message: str
    history: list[ChatTurn] = Field(default_factory=list)
    business_context: BusinessContextData | None = None
    lead: ChatLead | None = None
    other_leads: list[ChatLead] = Field(default_factory=list)  # further leads the question names (to compare)
    pipeline: PipelineSummary | None = None
    attachments: list[Attachment] = Field(default_factory=list)


class ChatOutput(_Out):
    reply: str


# ---- harvest ------------------------------------------------------------------------------------------------


class HarvestInput(_In):
    business_context: BusinessContextData | None = None
    user_search_query: str = Field(default="", max_length=500)
    max_results: int = Field(default=10, ge=0, le=500)
    exclude_websites: list[str] = Field(default_factory=list)


class Candidate(BaseModel):
    company_name: str
    website: str
    company_sector: str
    city: str
    state: str
    description: str
    contact_email: str
    cnpj: str
    relevance: Score
    match_reasons: list[str] = Field(default_factory=list)


class HarvestOutput(_Out):
    candidates: list[Candidate] = Field(default_factory=list)
