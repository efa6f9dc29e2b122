from __future__ import annotations

from django.urls import path

from rooms.signaling.consumer import OpenViduConsumer

# openvidu-browser opens ws[s]://host/openvidu?sessionId=... whatever path its token had.
websocket_urlpatterns = [path("openvidu", OpenViduConsumer.as_asgi())]
