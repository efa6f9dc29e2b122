"""The host site's ASGI application: its HTTP views, and the rooms' signaling socket.

openvidu-browser connects to ws[s]://<host>/openvidu whatever the pages' prefix is, so
the socket is routed at the root, as OpenVidu serves it.
"""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.hostproject.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from rooms.signaling.node_seats import NodeSeats  # noqa: E402
from rooms.signaling.routing import websocket_urlpatterns  # noqa: E402

application = NodeSeats(
    ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            "websocket": AuthMiddlewareStack(URLRouter(websocket_urlpatterns)),
        }
    )
)
