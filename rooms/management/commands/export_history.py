"""Export the rooms' history (OpenVidu's CDR) for a date range as JSON lines.

    manage.py export_history --since 2026-11-01 --until 2026-12-01 > november.jsonl

Each line is one event in OpenVidu's CDR file format, `{"participantJoined": {...}}`,
or with `--format webhook` the body a webhook posts, `{"event": "participantJoined",
...}`. Events are written in the order they happened; memory stays flat however many.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from rooms.models import RoomEvent


def _moment(value: str, option: str) -> datetime:
    """A date (its midnight) or an ISO 8601 date and time; naive ones are in UTC."""
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value) if len(value) == 10 else None
        if day is None:
            raise CommandError(f"{option}: {value!r} is not a date (2026-11-25) or a date and time")
        moment = datetime.combine(day, time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return moment


class Command(BaseCommand):
    help = "Export room history (OpenVidu CDR events) in a date range as JSON lines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", required=True, help="first day or moment (inclusive)")
        parser.add_argument("--until", help="end day or moment (exclusive); default: now")
        parser.add_argument("--room", help="only the rooms with this session id")
        parser.add_argument(
            "--format",
            choices=("cdr", "webhook"),
            default="cdr",
            help='cdr: {"eventName": {...}} as OpenVidu\'s CDR files; webhook: the posted body',
        )

    def handle(self, *args: Any, **options: Any) -> None:
        since = _moment(options["since"], "--since")
        until = _moment(options["until"], "--until") if options["until"] else timezone.now()
        if until <= since:
            raise CommandError("--until must be later than --since")
        events = RoomEvent.objects.filter(at__gte=since, at__lt=until)
        if options["room"]:
            events = events.filter(room__session_id=options["room"])
        cdr = options["format"] == "cdr"
        for event in events.order_by("at", "pk").iterator(chunk_size=2000):
            line = {event.name: event.payload} if cdr else event.as_webhook()
            self.stdout.write(json.dumps(line, separators=(",", ":")))
