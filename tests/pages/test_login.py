"""Django's login and logout, with the site's own login page."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_login_page_logs_in_and_goes_back_to_the_room(client, owner):
    page = client.get("/accounts/login/?next=/rooms/board/").content.decode()
    assert 'name="username"' in page
    assert 'value="/rooms/board/"' in page
    response = client.post(
        "/accounts/login/",
        {"username": "olivia", "password": "pw-olivia-1", "next": "/rooms/board/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/rooms/board/"


def test_a_wrong_password_is_said_in_words(client, owner):
    response = client.post("/accounts/login/", {"username": "olivia", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_logging_out_returns_home(owner_client):
    response = owner_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/"
