"""A live server on the test database, for clients that only speak HTTP to a real host."""

from __future__ import annotations

import secrets
from collections.abc import Generator, Iterator

import pytest
from django.db import connection

from tests.live_server import LiveServer, attach_log, database_url, live_server


@pytest.fixture
def daphne_server(transactional_db: None) -> Iterator[LiveServer]:
    """Daphne serving the site on the test database, with a secret of its own.

    `transactional_db` because the server is another process: it sees only committed
    rows, and the rows it writes must be flushed after the test, not rolled back.
    Depending on it also stops the server before the flush (or the drop of a PostgreSQL
    test database), which an open connection of the server would block.
    """
    # Not the development secret: proves the server took OPENVIDU_SECRET from its environment.
    secret = secrets.token_urlsafe(24)
    with live_server(database=database_url(connection.settings_dict), secret=secret) as server:
        yield server


@pytest.fixture
def live_server_url(daphne_server: LiveServer) -> str:
    return daphne_server.url


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    attach_log(item, report)
    return report
