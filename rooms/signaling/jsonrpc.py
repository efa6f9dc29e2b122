"""OpenVidu's JSON-RPC 2.0 framing (the Kurento flavour): requests, results, errors,
notifications, and the error codes openvidu-browser knows."""

from __future__ import annotations

from typing import Any

from rooms.internal import bounded_json

# A frame carries at most an SDP offer (a few KiB) or a signal; anything past this is
# refused before it is parsed.
MAX_FRAME_BYTES = 256 * 1024

# OpenVidu's codes (ProtocolElements / OpenViduException.Code).
USER_UNAUTHORIZED = 401
ROOM_NOT_FOUND = 202
ROOM_CLOSED = 203
USER_NOT_STREAMING = 105
USER_METADATA_FORMAT_INVALID = 500
SIGNAL_TO_INVALID = 601
FILTER_NOT_APPLIED = 406
EXISTING_FILTER_ALREADY_APPLIED = 405
GENERIC = 999
TRANSPORT_REQUEST = 803
EXISTING_USER_IN_ROOM = 104
MEDIA_ERROR = 300
RECONNECTION_ERROR = 40007
# JSON-RPC 2.0's own codes.
PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602


class RpcError(Exception):
    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data


class Request:
    def __init__(self, request_id: int | str | None, method: str, params: dict[str, Any]) -> None:
        self.id = request_id
        self.method = method
        self.params = params


def parse(text: str) -> Request:
    """A request frame, or RpcError with the id when one could be read."""
    if len(text.encode("utf-8")) > MAX_FRAME_BYTES:
        raise RpcError(INVALID_REQUEST, f"The message is larger than {MAX_FRAME_BYTES} bytes")
    try:
        frame = bounded_json.loads(text)
    except bounded_json.InvalidJson as error:
        raise RpcError(PARSE_ERROR, f"Parse error: {error}") from None
    if not isinstance(frame, dict):
        raise RpcError(INVALID_REQUEST, "A request must be a JSON object")
    request_id = frame.get("id")
    if request_id is not None and (
        isinstance(request_id, bool) or not isinstance(request_id, (int, str))
    ):
        raise RpcError(INVALID_REQUEST, "'id' must be a number or a string")
    method = frame.get("method")
    if not isinstance(method, str) or not method:
        raise _with_id(RpcError(INVALID_REQUEST, "'method' must be a non-empty string"), request_id)
    params = frame.get("params", {})
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise _with_id(RpcError(INVALID_PARAMS, "'params' must be an object"), request_id)
    return Request(request_id, method, params)


def _with_id(error: RpcError, request_id: Any) -> RpcError:
    error.data = {"id": request_id}
    return error


def result(request_id: Any, value: Any, rpc_session_id: str) -> dict[str, Any]:
    """A result; objects get the RPC session id injected, other values are wrapped."""
    body = dict(value) if isinstance(value, dict) else {"value": value}
    body["sessionId"] = rpc_session_id
    return {"jsonrpc": "2.0", "id": request_id, "result": body}


def error(request_id: Any, failure: RpcError) -> dict[str, Any]:
    body: dict[str, Any] = {"code": failure.code, "message": failure.message}
    if failure.data is not None and not (isinstance(failure.data, dict) and "id" in failure.data):
        body["data"] = failure.data
    return {"jsonrpc": "2.0", "id": request_id, "error": body}


def notification(method: str, params: dict[str, Any]) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "method": method, "params": params}
