"""Personas of the host site: a host (in the "hosts" group), a member, a stranger."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client


@pytest.fixture
def host(django_user_model: Any) -> User:
    user: User = django_user_model.objects.create_user(
        "grace", password="pw-grace-1", first_name="Grace", last_name="Hopper"
    )
    user.groups.add(Group.objects.create(name="hosts"))
    return user


@pytest.fixture
def member(django_user_model: Any) -> User:
    user: User = django_user_model.objects.create_user(
        "alan", password="pw-alan-1", first_name="Alan", last_name="Turing"
    )
    return user


@pytest.fixture
def host_client(host: User) -> Client:
    client = Client()
    client.force_login(host)
    return client


@pytest.fixture
def member_client(member: User) -> Client:
    client = Client()
    client.force_login(member)
    return client
