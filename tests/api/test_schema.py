"""The OpenAPI schema and its browsable docs page."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_schema_describes_every_endpoint(stranger):
    response = stranger.get("/openvidu/api/schema", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/openvidu/api/sessions",
        "/openvidu/api/sessions/{session_id}",
        "/openvidu/api/sessions/{session_id}/connection",
        "/openvidu/api/sessions/{session_id}/connection/{connection_id}",
        "/openvidu/api/sessions/{session_id}/stream/{stream_id}",
        "/openvidu/api/tokens",
        "/openvidu/api/config",
    ):
        assert path in paths, path


def test_the_docs_page_loads_its_assets_from_this_server(stranger):
    response = stranger.get("/openvidu/api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    assert "cdn." not in page
    assert "unpkg" not in page
