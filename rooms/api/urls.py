from __future__ import annotations

from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from rooms.api import views

# No trailing slashes: OpenVidu's clients call these paths exactly.
urlpatterns = [
    path("sessions", views.SessionsView.as_view(), name="sessions"),
    path("sessions/<str:session_id>", views.SessionDetailView.as_view(), name="session"),
    path(
        "sessions/<str:session_id>/connection",
        views.ConnectionsView.as_view(),
        name="connections",
    ),
    path(
        "sessions/<str:session_id>/connection/<str:connection_id>",
        views.ConnectionDetailView.as_view(),
        name="connection",
    ),
    path(
        "sessions/<str:session_id>/stream/<str:stream_id>",
        views.StreamDetailView.as_view(),
        name="stream",
    ),
    path("signal", views.SignalView.as_view(), name="signal"),
    path("tokens", views.TokensView.as_view(), name="tokens"),
    path("config", views.ConfigView.as_view(), name="config"),
    path("config/openvidu-publicurl", views.public_url, name="config-publicurl"),
    path(
        "config/openvidu-version",
        views.ConfigValueView.as_view(key="VERSION"),
        name="config-version",
    ),
    path(
        "config/openvidu-recording",
        views.ConfigValueView.as_view(key="OPENVIDU_RECORDING"),
        name="config-recording",
    ),
    path(
        "config/openvidu-cdr",
        views.ConfigValueView.as_view(key="OPENVIDU_CDR"),
        name="config-cdr",
    ),
    path("schema", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI loads its script from here (the split view: no inline script), but
    # styles its widgets with inline <style> elements.
    path(
        "docs",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="schema")
        ),
        name="docs",
    ),
]
