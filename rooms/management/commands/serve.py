"""Serve HTTP and WebSockets with Daphne, after saying where and with which secret."""

from __future__ import annotations

from typing import Any

from daphne.cli import CommandLineInterface
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve the site with Daphne on HOST:PORT (defaults from the settings)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.HOST)
        parser.add_argument("--port", type=int, default=settings.PORT)

    def handle(self, *args: Any, host: str, port: int, **options: Any) -> None:
        local = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
        secret = settings.OPENVIDU_SECRET
        shown = (
            secret if secret == settings.OPENVIDU_DEVELOPMENT_SECRET else "(from OPENVIDU_SECRET)"
        )
        self.stdout.write(
            "\n".join(
                [
                    "",
                    f"  Video rooms        {local}/",
                    f"  Public URL         {settings.OPENVIDU_PUBLICURL}",
                    f"  REST API           {local}/openvidu/api/  (docs: {local}/openvidu/api/docs)",
                    f"  REST secret        OPENVIDUAPP:{shown}",
                    f"  Admin              {local}/admin/  (make an account: .venv/bin/python manage.py createsuperuser)",
                    "",
                ]
            )
        )
        self.stdout.flush()
        # Daphne's own CLI: the same signal handling and logging as `daphne` itself.
        # X-Forwarded-For only from a proxy (BEHIND_PROXY): from anyone else it would
        # let a client pick the address that login lockouts and throttles count.
        proxy = ["--proxy-headers"] if settings.BEHIND_PROXY else []
        CommandLineInterface().run(
            [
                "--bind",
                host,
                "--port",
                str(port),
                *proxy,
                settings.ASGI_APPLICATION.replace(".application", ":application"),
            ]
        )
