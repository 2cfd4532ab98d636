from django.db import migrations

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


def seed(apps, schema_editor):
    Agent = apps.get_model("agents", "Agent")
    for name, display_name, stage, category, description in PIPELINE_AGENTS:
        Agent.objects.update_or_create(
            name=name,
            defaults={"display_name": display_name, "stage": stage, "category": category, "description": description},
        )


def unseed(apps, schema_editor):
    apps.get_model("agents", "Agent").objects.filter(name__in=[row[0] for row in PIPELINE_AGENTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("agents", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
