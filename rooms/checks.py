"""System checks that refuse development secrets in production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured

from rooms.app_settings import app_settings


@register(deploy=False)
def development_secrets(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG:
        return []
    problems: list[CheckMessage] = []
    if app_settings.SECRET == app_settings.DEVELOPMENT_SECRET:
        problems.append(
            Error(
                "OPENVIDU_SECRET is OpenVidu's development secret while DEBUG is off",
                hint="Set OPENVIDU_SECRET (or OPENVIDU_SECRET_FILE) to a long random string.",
                id="rooms.E001",
            )
        )
    if settings.SECRET_KEY == app_settings.INSECURE_SECRET_KEY:
        problems.append(
            Error(
                "SECRET_KEY is the development key while DEBUG is off",
                hint="Set SECRET_KEY (or SECRET_KEY_FILE) to a long random string.",
                id="rooms.E002",
            )
        )
    return problems


def refuse_development_secrets() -> None:
    """Stop a server from starting in production with a development secret.

    System checks run only through manage.py; a server started directly (daphne,
    uvicorn or gunicorn on the ASGI application) calls this when it imports the app.
    """
    problems = development_secrets()
    if problems:
        lines = "\n".join(f"  {problem.id}: {problem.msg}. {problem.hint}" for problem in problems)
        raise ImproperlyConfigured(f"Refusing to serve with DEBUG off:\n{lines}")
