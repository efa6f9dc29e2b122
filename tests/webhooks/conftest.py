from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.webhooks.receiver import Receiver
from webhooks import dispatcher


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    yield server
    server.close()


@pytest.fixture
def webhooks_on(settings: Any, receiver: Receiver, transactional_db: None) -> Iterator[Receiver]:
    """Webhooks posted to the loopback receiver, retried fast; workers stopped after."""
    settings.OPENVIDU_WEBHOOK = True
    settings.OPENVIDU_WEBHOOK_ENDPOINT = receiver.url
    settings.OPENVIDU_WEBHOOK_HEADERS = ["Authorization: Bearer app-token"]
    settings.ROOMS = {
        "WEBHOOK_RETRY_DELAY": 0.05,
        "WEBHOOK_RETRY_MAX_DELAY": 0.2,
        "WEBHOOK_POLL_INTERVAL": 0.2,
        "WEBHOOK_TIMEOUT": 20,
        "WEBHOOK_WORKERS": 2,
    }
    yield receiver
    receiver.release()
    dispatcher.stop()
    assert not dispatcher.is_running()
