from django.apps import AppConfig


class PipelineConfig(AppConfig):
    """The lead pipeline: stage registry, enqueue/resume services, stage runner, stale sweeper (no models)."""

    name = "pipeline"

    def ready(self) -> None:
        from agents.services import agent_started
        from leads.hooks import process_leads
        from pipeline import services

        agent_started.register(services.resume_waiting)
        process_leads.provide(services.enqueue_leads)
