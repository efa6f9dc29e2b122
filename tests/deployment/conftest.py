"""A live server on the test database, shaped as the README deploys it."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from django.db import connection

from tests.browser import MEDIA_ENVIRONMENT
from tests.live_server import LiveServer, database_url, live_server


@pytest.fixture
def production_server(transactional_db: None) -> Iterator[LiveServer]:
    """Daphne with DEBUG off, a real secret, and the pass's DATABASE_URL and REDIS_URL."""
    with live_server(
        database=database_url(connection.settings_dict),
        secret=secrets.token_urlsafe(24),
        extra_env={"SECRET_KEY": secrets.token_urlsafe(50), **MEDIA_ENVIRONMENT},
    ) as server:
        yield server
