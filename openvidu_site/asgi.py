"""ASGI entry point: Daphne serves HTTP (Django) and, from the live-rooms issue on, WebSockets."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openvidu_site.settings")

# Django must be set up before anything imports models (consumers do).
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from rooms.checks import refuse_development_secrets  # noqa: E402
from rooms.signaling import send_bounds  # noqa: E402
from rooms.signaling.node_seats import NodeSeats  # noqa: E402
from rooms.signaling.routing import websocket_urlpatterns  # noqa: E402
from webhooks import dispatcher  # noqa: E402

# Here, not only in manage.py's checks: daphne, uvicorn and gunicorn import this module
# directly, and must not serve production traffic with a development secret.
refuse_development_secrets()

# Daphne queues without limit what a client does not read (rooms.signaling.send_bounds).
send_bounds.install()

# Webhooks an earlier process queued and did not post go out now, not with the next event.
dispatcher.start()

# No origin check on the signaling socket: OpenVidu apps are served from any origin,
# and the single-use token, not the origin, is what lets a participant in.
# NodeSeats: before the first request, the seats this node left when it last stopped
# are closed (rooms/nodes.py), and the sweep for lost seats starts.
application = NodeSeats(
    ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            "websocket": AuthMiddlewareStack(URLRouter(websocket_urlpatterns)),
        }
    )
)
