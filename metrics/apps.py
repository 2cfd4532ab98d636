from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "metrics"

    def ready(self) -> None:
        from leads.hooks import known_lead_count, leads_changed
        from metrics import selectors, services

        leads_changed.register(services.on_leads_changed)
        known_lead_count.provide(selectors.lead_count)
