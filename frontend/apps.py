from django.apps import AppConfig


class FrontendConfig(AppConfig):
    name = "frontend"
    verbose_name = "Frontend profile (/api/v1/, Socket.IO)"

    def ready(self) -> None:
        from events.relay import register_transport
        from frontend.socketio import socketio_transport

        register_transport(socketio_transport)
