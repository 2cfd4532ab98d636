from django.apps import AppConfig


class ProspectingConfig(AppConfig):
    """Prospecting jobs: plans, quota and cooldown, harvest, and the jobs' progress (the models stay in `leads`)."""

    name = "prospecting"

    def ready(self) -> None:
        from pipeline.hooks import on_lead_finished
        from prospecting.services import on_lead_finished as advance_job

        on_lead_finished.register(advance_job)
