from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "leads"

    def ready(self) -> None:
        from nellia import search  # noqa: F401  (the `unaccent_icontains` lookup; SQLite's nellia_unaccent)
