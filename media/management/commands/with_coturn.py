"""Run a command with Debian's coturn beside it (`make run TURN=true`), and stop coturn after."""

from __future__ import annotations

import subprocess
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from media import app_settings, coturn, turn


class Command(BaseCommand):
    help = "Start coturn with the staticAuthSecret of MEDIA_ICE_SERVERS, run COMMAND, stop coturn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("command", nargs="+")

    def handle(self, *args: Any, command: list[str], **options: Any) -> None:
        try:
            plan = coturn.plan_for(turn.parse_setting(app_settings.get("MEDIA_ICE_SERVERS")))
            line = plan.command()
        except coturn.CoturnError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"  TURN               turn:{plan.listening_ip}:{plan.port} (UDP and TCP), "
            f"relays on UDP {plan.relay_min_port}-{plan.relay_max_port}"
        )
        server = subprocess.Popen(line, stdout=subprocess.DEVNULL)
        try:
            completed = subprocess.run(command)
        except KeyboardInterrupt:
            completed = None
        finally:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if completed is not None and completed.returncode:
            raise CommandError(f"{command[0]} ended with {completed.returncode}")
