"""Typed reading of a request's params: a wrong type is a JSON-RPC error naming the param."""

from __future__ import annotations

from typing import Any

from rooms.signaling.jsonrpc import INVALID_PARAMS, RpcError

_MISSING = object()


class Params:
    def __init__(self, method: str, values: dict[str, Any]) -> None:
        self.method = method
        self.values = values

    def _get(self, name: str, kinds: tuple[type, ...], label: str, default: Any) -> Any:
        value = self.values.get(name, _MISSING)
        if value is _MISSING or value is None:
            if default is _MISSING:
                raise RpcError(INVALID_PARAMS, f"{self.method}: '{name}' is required")
            return default
        if isinstance(value, bool) and bool not in kinds:
            raise RpcError(INVALID_PARAMS, f"{self.method}: '{name}' must be {label}")
        if not isinstance(value, kinds):
            raise RpcError(INVALID_PARAMS, f"{self.method}: '{name}' must be {label}")
        return value

    def text(self, name: str, default: Any = _MISSING, *, max_length: int = 65536) -> Any:
        value = self._get(name, (str,), "a string", default)
        if isinstance(value, str) and len(value) > max_length:
            raise RpcError(
                INVALID_PARAMS, f"{self.method}: '{name}' is longer than {max_length} characters"
            )
        return value

    def flag(self, name: str, default: Any = _MISSING) -> Any:
        return self._get(name, (bool,), "true or false", default)

    def integer(self, name: str, default: Any = _MISSING) -> Any:
        return self._get(name, (int,), "a whole number", default)

    def number(self, name: str, default: Any = _MISSING) -> Any:
        return self._get(name, (int, float), "a number", default)

    def array(self, name: str, default: Any = _MISSING) -> Any:
        return self._get(name, (list,), "an array", default)
