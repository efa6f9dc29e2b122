"""Serve HTTP and WebSockets with Daphne, after saying where and with which secret."""

from __future__ import annotations

import os
import socket
from typing import Any

from daphne.cli import CommandLineInterface
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from rooms.app_settings import app_settings
from rooms.internal.local_urls import default_allowed_hosts, local_url


def follow_address(host: str, port: int) -> None:
    """Make the defaults that come from HOST and PORT follow --host and --port.

    The settings computed them from the environment before the command read its
    arguments; a value the environment set stays as it is.
    """
    if os.environ.get("OPENVIDU_PUBLICURL") is None:
        settings.OPENVIDU_PUBLICURL = local_url(host, port)
        if os.environ.get("ALLOWED_HOSTS") is None:
            settings.ALLOWED_HOSTS = default_allowed_hosts(host, settings.OPENVIDU_PUBLICURL)
        if os.environ.get("CSRF_TRUSTED_ORIGINS") is None:
            settings.CSRF_TRUSTED_ORIGINS = [settings.OPENVIDU_PUBLICURL]
    rooms = getattr(settings, "ROOMS", {})
    if rooms.get("NODE_ID") is None:
        # Two servers of one machine on two ports are two nodes; a restart on the same
        # port is the same node, which closes what it left behind.
        settings.ROOMS = {**rooms, "NODE_ID": f"{socket.gethostname()}:{port}"}


class Command(BaseCommand):
    help = "Serve the site with Daphne on HOST:PORT (defaults from the settings)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=app_settings.HOST)
        parser.add_argument("--port", type=int, default=app_settings.PORT)

    def handle(self, *args: Any, host: str, port: int, **options: Any) -> None:
        follow_address(host, port)
        local = local_url(host, port)
        secret = app_settings.SECRET
        shown = secret if secret == app_settings.DEVELOPMENT_SECRET else "(from OPENVIDU_SECRET)"
        self.stdout.write(
            "\n".join(
                [
                    "",
                    f"  Video rooms        {local}/",
                    f"  Public URL         {app_settings.PUBLICURL}",
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
        proxy = ["--proxy-headers"] if app_settings.BEHIND_PROXY else []
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
