"""Typed readers for settings that come from the environment.

Every reader fails at start with a message that names the variable, so a typo in a
deployment is found by the first `manage.py` call and not by the first user.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


class ConfigurationError(Exception):
    """A setting read from the environment has a value we cannot use."""


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str) -> str:
    value = _raw(name)
    return default if value is None else value


def env_optional(name: str) -> str | None:
    return _raw(name)


def env_bool(name: str, default: bool) -> bool:
    """Only `true` and `false` (any case): `yes`, `1` or `ture` are refused, not guessed."""
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    raise ConfigurationError(f"{name} must be 'true' or 'false', not {value!r}")


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {value!r}") from None
    if minimum is not None and number < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}, not {number}")
    if maximum is not None and number > maximum:
        raise ConfigurationError(f"{name} must be at most {maximum}, not {number}")
    return number


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise ConfigurationError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list; blanks between commas are dropped."""
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_json_list(name: str, default: list[Any]) -> list[Any]:
    """A JSON array, e.g. of ICE server objects."""
    value = _raw(name)
    if value is None:
        return list(default)
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as error:
        raise ConfigurationError(f"{name} is not valid JSON: {error}") from None
    if not isinstance(parsed, list):
        raise ConfigurationError(f"{name} must be a JSON array")
    return parsed


def env_secret(name: str, default: str) -> str:
    """A secret from NAME, or from the file named by NAME_FILE (Docker and systemd secrets)."""
    direct = _raw(name)
    file_name = _raw(f"{name}_FILE")
    if direct is not None and file_name is not None:
        raise ConfigurationError(f"set either {name} or {name}_FILE, not both")
    if file_name is not None:
        try:
            secret = Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ConfigurationError(f"{name}_FILE: cannot read {file_name}: {error}") from None
        if not secret:
            raise ConfigurationError(f"{name}_FILE: {file_name} is empty")
        return secret
    return default if direct is None else direct


def env_http_url(name: str, default: str) -> str:
    """An http(s) URL with a host and no path, query or fragment; kept without a trailing slash."""
    value = _raw(name) or default
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(
            f"{name} must be an http:// or https:// URL with a host, not {value!r}"
        )
    try:
        parts.port  # noqa: B018 - a bad port raises here
    except ValueError:
        raise ConfigurationError(f"{name} has an invalid port: {value!r}") from None
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ConfigurationError(f"{name} must not have a path, query or fragment, not {value!r}")
    return f"{parts.scheme}://{parts.netloc}"


def env_string_list(
    name: str, default: list[str], *, allowed: tuple[str, ...] | None = None
) -> list[str]:
    """A JSON array of strings, e.g. OpenVidu's OPENVIDU_WEBHOOK_EVENTS; `allowed` limits them."""
    values = env_json_list(name, default)
    for value in values:
        if not isinstance(value, str):
            raise ConfigurationError(f"{name} must be a JSON array of strings, not {value!r}")
        if allowed is not None and value not in allowed:
            raise ConfigurationError(f"{name}: {value!r} is not one of {', '.join(allowed)}")
    return values


def env_header_list(name: str) -> list[str]:
    """A JSON array of "Name: value" HTTP headers (OpenVidu's OPENVIDU_WEBHOOK_HEADERS)."""
    headers = env_string_list(name, [])
    for header in headers:
        field, separator, _value = header.partition(":")
        if not separator or not field.strip() or any(c in field for c in " \t\r\n"):
            raise ConfigurationError(f"{name}: {header!r} is not of the form 'Name: value'")
    return headers


def env_endpoint_url(name: str) -> str:
    """A required http(s) URL that may have a path and query (a webhook receiver)."""
    value = _raw(name)
    if value is None:
        raise ConfigurationError(f"{name} must be set")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(f"{name} must be an http:// or https:// URL, not {value!r}")
    try:
        parts.port  # noqa: B018 - a bad port raises here
    except ValueError:
        raise ConfigurationError(f"{name} has an invalid port: {value!r}") from None
    return value
