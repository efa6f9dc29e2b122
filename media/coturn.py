"""Debian's coturn beside the server, with the secret and ports of MEDIA_ICE_SERVERS.

`make run TURN=true` (and the TURN tests) start it through here, so the TURN server and
the credentials we hand out are made from the same `staticAuthSecret`.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from urllib.parse import urlsplit

from media.turn import IceServerEntry

INSTALL = "apt-get install -y coturn"
# coturn's defaults: 3478 for turn: over UDP and TCP, 5349 for turns:.
TURN_PORT = 3478
TURNS_PORT = 5349


class CoturnError(RuntimeError):
    pass


@dataclass(frozen=True)
class CoturnPlan:
    listening_ip: str
    port: int
    secret: str
    relay_min_port: int = 49160
    relay_max_port: int = 49200
    realm: str = "openvidu"

    def command(self, binary: str | None = None) -> list[str]:
        found = binary or shutil.which("turnserver")
        if found is None:
            raise CoturnError(f"turnserver is not installed: {INSTALL}")
        return [
            found,
            "-n",  # no configuration file: everything is on this line
            "--listening-ip",
            self.listening_ip,
            "--relay-ip",
            self.listening_ip,
            "--listening-port",
            str(self.port),
            "--min-port",
            str(self.relay_min_port),
            "--max-port",
            str(self.relay_max_port),
            "--use-auth-secret",
            "--static-auth-secret",
            self.secret,
            "--realm",
            self.realm,
            "--fingerprint",
            "--no-cli",
            "--no-tls",
            "--no-dtls",
            "--no-software-attribute",
            "--simple-log",
            "--log-file",
            "stdout",
        ]


def plan_for(entries: list[IceServerEntry]) -> CoturnPlan:
    """The coturn that serves the first entry with a staticAuthSecret and a turn: URI."""
    for entry in entries:
        if entry.static_auth_secret is None:
            continue
        for url in entry.urls:
            scheme, _, rest = url.partition(":")
            if scheme != "turn":
                continue
            parts = urlsplit(f"//{rest.partition('?')[0]}")
            if parts.hostname is None:
                continue
            return CoturnPlan(parts.hostname, parts.port or TURN_PORT, entry.static_auth_secret)
    raise CoturnError(
        "MEDIA_ICE_SERVERS has no entry with a staticAuthSecret and a turn: URI for coturn"
    )
