"""System checks: webhooks that are on must know where to post and what."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from webhooks.app_settings import app_settings


@checks.register(checks.Tags.compatibility)
def webhook_settings(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    problems: list[checks.CheckMessage] = []
    if not app_settings.WEBHOOK:
        return problems
    endpoint = urlsplit(app_settings.WEBHOOK_ENDPOINT)
    if endpoint.scheme not in ("http", "https") or not endpoint.hostname:
        problems.append(
            checks.Error(
                "OPENVIDU_WEBHOOK is true but OPENVIDU_WEBHOOK_ENDPOINT is not an http(s) URL",
                hint="Set OPENVIDU_WEBHOOK_ENDPOINT=https://your-app.example/webhook",
                id="webhooks.E001",
            )
        )
    for reader in ("WEBHOOK_HEADERS", "WEBHOOK_EVENTS", "WEBHOOK_MAX_ATTEMPTS", "WEBHOOK_TIMEOUT"):
        try:
            getattr(app_settings, reader)
        except ImproperlyConfigured as error:
            problems.append(checks.Error(str(error), id="webhooks.E002"))
    return problems
