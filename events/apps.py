from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Event log"

    def ready(self) -> None:
        from events.relay import register_transport
        from events.transports import channels_transport

        register_transport(channels_transport)
