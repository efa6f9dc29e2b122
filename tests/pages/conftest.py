"""Personas and helpers for the page tests: an owner, a member, a stranger (anonymous)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from rooms import services
from rooms.models import Room


@pytest.fixture
def owner(django_user_model: Any) -> User:
    user: User = django_user_model.objects.create_user("olivia", password="pw-olivia-1")
    return user


@pytest.fixture
def member(django_user_model: Any) -> User:
    user: User = django_user_model.objects.create_user("mia", password="pw-mia-1")
    return user


@pytest.fixture
def owner_client(owner: User) -> Client:
    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture
def member_client(member: User) -> Client:
    client = Client()
    client.force_login(member)
    return client


@pytest.fixture
def page_room(db: None) -> Callable[..., Room]:
    def make(name: str = "standup", *, owner: User | None = None, is_public: bool = True) -> Room:
        return services.create_page_room(name, owner=owner, is_public=is_public)

    return make


CONFIG_OPENING = '<script id="room-config" type="application/json">'


def page_config(response: Any) -> dict[str, Any]:
    """The JSON the room page hands its script."""
    page = response.content.decode()
    start = page.index(CONFIG_OPENING) + len(CONFIG_OPENING)
    config: dict[str, Any] = json.loads(page[start : page.index("</script>", start)])
    return config
