from django.db import migrations

from agents.seed import PIPELINE_AGENTS, seed_pipeline_agents


def seed(apps, schema_editor):
    seed_pipeline_agents(apps.get_model("agents", "Agent"))


def unseed(apps, schema_editor):
    apps.get_model("agents", "Agent").objects.filter(name__in=[row[0] for row in PIPELINE_AGENTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("agents", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
