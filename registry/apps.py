from django.apps import AppConfig


class RegistryConfig(AppConfig):
    """The national CNPJ registry: import, search, companies → leads, and the harvest source of prospecting jobs."""

    name = "registry"
    verbose_name = "CNPJ registry"

    def ready(self) -> None:
        from leads.hooks import seed_demo_data
        from prospecting.hooks import registry_harvest
        from registry.demo import load_demo_sample
        from registry.harvest import harvest_for_job

        registry_harvest.provide(harvest_for_job)
        seed_demo_data.register(load_demo_sample)
