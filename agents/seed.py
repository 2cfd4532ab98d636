"""The five pipeline agents. Used by the data migration and by anything that must restore them."""

PIPELINE_AGENTS = [
    ("lead_intake_agent", "Lead Intake Agent", "intake", "initial_processing",
     "Normalises the lead and extracts contacts, CNPJ, location, size and language from its text."),
    ("lead_analysis_agent", "Lead Analysis Agent", "analysis", "initial_processing",
     "Finds the sector, size, pains and buying triggers and scores relevance, ROI potential and market fit."),
    ("persona_creation_agent", "Persona Creation Agent", "persona", "specialized",
     "Builds the likely decision-maker persona from sector, size and the ideal customer."),
    ("approach_strategy_agent", "Approach Strategy Agent", "strategy", "specialized",
     "Plans channels, value propositions, objections and the contact sequence."),
    ("message_crafting_agent", "Message Crafting Agent", "message", "specialized",
     "Writes the personalised first message in the business context's language."),
]


def seed_pipeline_agents(agent_model) -> None:
    """Create the pipeline agents that are missing; takes the model so migrations can pass their historical one."""
    for name, display_name, stage, category, description in PIPELINE_AGENTS:
        agent_model.objects.get_or_create(
            name=name,
            defaults={"display_name": display_name, "stage": stage, "category": category, "description": description},
        )
