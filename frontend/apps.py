from django.apps import AppConfig


class FrontendConfig(AppConfig):
    name = "frontend"
    verbose_name = "Frontend profile (/api/v1/, Socket.IO)"

    def ready(self) -> None:
        from events.relay import register_transport
        from frontend.exceptions import frontend_error_body
        from frontend.socketio import socketio_transport
        from nellia.middleware import register_error_body

        register_transport(socketio_transport)
        register_error_body("/api/v1/", frontend_error_body)
