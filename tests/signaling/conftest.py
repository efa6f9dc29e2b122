from __future__ import annotations

from typing import Any

from tests.signaling.rpc import RpcClient


async def join(
    client: RpcClient, token: str, session: str = "live", data: str = ""
) -> dict[str, Any]:
    result: dict[str, Any] = await client.call(
        "joinRoom",
        token=token,
        session=session,
        platform="Chrome 156 on Linux",
        sdkVersion="2.32.2",
        metadata=data,
        secret="",
        recorder=False,
        stt=False,
    )
    return result
