from __future__ import annotations

import pytest
import pytest_asyncio
from django.test import AsyncClient

from recordings.runtime import runtime
from tests.conftest import SECRET, basic


@pytest.fixture(autouse=True)
def _recording_enabled(settings, tmp_path):
    settings.OPENVIDU_RECORDING = True
    settings.OPENVIDU_RECORDING_PATH = tmp_path / "recordings"
    settings.OPENVIDU_PUBLICURL = "https://rooms.example.test"


class SecretClient:
    """Django's AsyncClient with the secret on every request (its constructor's headers
    do not reach ASGI requests)."""

    def __init__(self) -> None:
        self.client = AsyncClient()
        self.authorization = basic("OPENVIDUAPP", SECRET)

    def _with_secret(self, kwargs):
        kwargs["headers"] = {"Authorization": self.authorization, **kwargs.get("headers", {})}
        return kwargs

    async def get(self, path, **kwargs):
        return await self.client.get(path, **self._with_secret(kwargs))

    async def post(self, path, data=None, **kwargs):
        return await self.client.post(path, data, **self._with_secret(kwargs))

    async def delete(self, path, **kwargs):
        return await self.client.delete(path, **self._with_secret(kwargs))


@pytest_asyncio.fixture
async def rest():
    """An async client holding the secret: the recording views are async."""
    yield SecretClient()
    await runtime.close()
