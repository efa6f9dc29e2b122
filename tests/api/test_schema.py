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


def test_the_schema_is_generated_without_a_warning(tmp_path):
    """drf-spectacular's own warnings (an unknown field, a guessed serializer) fail this."""
    import yaml
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    assert schema["components"]["securitySchemes"]["OpenViduSecret"] == {
        "type": "http",
        "scheme": "basic",
        "description": "user OPENVIDUAPP, password the OPENVIDU_SECRET",
    }
    operations = {
        (path, method): operation
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }
    for route in (
        ("/openvidu/api/recordings/start", "post"),
        ("/openvidu/api/recordings/stop/{recording_id}", "post"),
        ("/openvidu/api/recordings/{recording_id}", "get"),
        ("/openvidu/api/recordings/{recording_id}", "delete"),
        ("/openvidu/api/recordings", "get"),
        ("/openvidu/api/config/openvidu-publicurl", "get"),
    ):
        assert route in operations, route
    for (path, method), operation in operations.items():
        if path.endswith("openvidu-publicurl"):
            assert operation["security"] == []
            continue
        assert "401" in operation["responses"], (path, method)
        assert "405" in operation["responses"], (path, method)
        if "requestBody" in operation:
            assert "400" in operation["responses"], (path, method)
