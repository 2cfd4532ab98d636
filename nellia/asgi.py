"""ASGI entry point served by Daphne: HTTP → Django, WebSocket → Channels, `/socket.io/` → Socket.IO."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nellia.settings")
django_asgi_app = get_asgi_application()

import socketio  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from frontend.socketio import get_server  # noqa: E402
from nellia import daphne_websocket, heap  # noqa: E402
from nellia.routing import websocket_urlpatterns  # noqa: E402
from nellia.ws_auth import CookieOriginValidator, JWTAuthMiddlewareStack  # noqa: E402

daphne_websocket.install()
if settings.GC_FREEZE_AFTER_REQUESTS > 0:  # once warm (nellia.heap): an HTTP worker, or the real-time service
    heap.freeze_after(settings.GC_FREEZE_AFTER_REQUESTS)
    daphne_websocket.on_first_connection(heap.freeze)
channels_app = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": CookieOriginValidator(JWTAuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
# `/socket.io/` → the frontend profile's Socket.IO server (FRONTEND.md §10); everything else → Channels/Django.
application = socketio.ASGIApp(get_server(), other_asgi_app=channels_app, socketio_path="socket.io")
