"""The rooms app in a site of its own: its settings, its URLs under /video/, its base
template. Runs only with DJANGO_SETTINGS_MODULE=tests.hostproject.settings."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from rooms.adapter import get_adapter
from tests.hostproject.adapter import HostAdapter
from tests.pages.conftest import page_config

pytestmark = pytest.mark.django_db


def test_it_runs_with_the_host_settings():
    assert settings.ROOT_URLCONF == "tests.hostproject.urls"
    assert "openvidu_site" not in " ".join(settings.INSTALLED_APPS)
    assert type(get_adapter()) is HostAdapter


def test_the_system_checks_pass(capsys):
    call_command("check")
    assert "no issues" in capsys.readouterr().out


def test_the_page_urls_resolve_under_the_prefix():
    assert reverse("home") == "/video/"
    assert reverse("open-room") == "/video/rooms/"
    assert reverse("room", args=["standup"]) == "/video/rooms/standup/"
    assert reverse("room-token", args=["standup"]) == "/video/rooms/standup/token"
    assert reverse("join") == "/video/join"


def test_the_home_page_is_framed_by_the_hosts_base_template(client):
    response = client.get("/video/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<body class="host page">' in page
    assert 'action="/video/rooms/"' in page
    # The main site's links to its API docs and admin: not part of this site.
    assert "For developers" not in page


def test_the_room_page_tells_its_script_the_prefixed_urls(host_client):
    host_client.post("/video/rooms/", {"name": "standup"})
    config = page_config(host_client.get("/video/rooms/standup/"))
    assert config["tokenUrl"] == "/video/rooms/standup/token"
    assert config["homeUrl"] == "/video/"
    assert config["roomUrl"] == "http://testserver/video/rooms/standup/"
