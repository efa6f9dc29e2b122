"""The entries of MEDIA_ICE_SERVERS: checked once at start, credentials made per peer.

An entry is `{"urls": ..., "username": ..., "credential": ...}` with a static password,
or `{"urls": ..., "staticAuthSecret": ...}` for a TURN server run with coturn's
`use-auth-secret`: then every browser and every server peer gets its own time-limited
username and password made from the secret (the TURN REST API scheme), and the secret
itself never leaves the server.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from media.ice_servers import (
    TURN_SCHEMES,
    InvalidIceServer,
    check_uri,
    turn_rest_credentials,
)

SETTING = "MEDIA_ICE_SERVERS"
_KEYS = {"urls", "url", "username", "credential", "staticAuthSecret"}


@dataclass(frozen=True)
class IceServerEntry:
    urls: tuple[str, ...]
    username: str | None = None
    credential: str | None = None
    static_auth_secret: str | None = None

    @property
    def is_turn(self) -> bool:
        return any(url.partition(":")[0] in TURN_SCHEMES for url in self.urls)

    def credentials(self) -> tuple[str | None, str | None]:
        """The username and password to hand out now: fresh ones when made from a secret."""
        if self.static_auth_secret is not None:
            return turn_rest_credentials(self.static_auth_secret)
        return self.username, self.credential


def parse_entry(index: int, raw: Any) -> IceServerEntry:
    """One entry of the setting, or an InvalidIceServer that names the setting and the entry."""
    where = f"{SETTING}[{index}]"
    if not isinstance(raw, dict):
        raise InvalidIceServer(f"{where} must be a JSON object, not {raw!r}")
    unknown = set(raw) - _KEYS
    if unknown:
        raise InvalidIceServer(
            f"{where} has unknown keys {', '.join(sorted(unknown))} "
            f"(it takes urls, username, credential, staticAuthSecret)"
        )
    urls = raw.get("urls", raw.get("url"))
    listed = [urls] if isinstance(urls, str) else urls
    if not listed or not isinstance(listed, list) or not all(isinstance(u, str) for u in listed):
        raise InvalidIceServer(f"{where} needs 'urls': a stun:/turn: URI or a list of them")
    for key in ("username", "credential", "staticAuthSecret"):
        if key in raw and not (isinstance(raw[key], str) and raw[key]):
            raise InvalidIceServer(f"{where}: {key} must be a non-empty string")
    schemes = []
    for url in listed:
        try:
            schemes.append(check_uri(url))
        except InvalidIceServer as error:
            raise InvalidIceServer(f"{where}: {error}") from None
    turn = any(scheme in TURN_SCHEMES for scheme in schemes)
    secret = raw.get("staticAuthSecret")
    if secret is not None:
        if not turn or len(set(s in TURN_SCHEMES for s in schemes)) > 1:
            raise InvalidIceServer(f"{where}: staticAuthSecret is for turn:/turns: URIs only")
        if "username" in raw or "credential" in raw:
            raise InvalidIceServer(
                f"{where}: give staticAuthSecret or username and credential, not both"
            )
    elif turn and not (raw.get("username") and raw.get("credential")):
        raise InvalidIceServer(
            f"{where}: a TURN server needs username and credential, or staticAuthSecret"
        )
    return IceServerEntry(
        urls=tuple(listed),
        username=raw.get("username"),
        credential=raw.get("credential"),
        static_auth_secret=secret,
    )


def parse_setting(value: Any) -> list[IceServerEntry]:
    if not isinstance(value, list):
        raise InvalidIceServer(f"{SETTING} must be a JSON array")
    return [parse_entry(index, raw) for index, raw in enumerate(value)]


def browser_entries(entries: list[IceServerEntry]) -> list[dict[str, str]]:
    """OpenVidu's `customIceServers` shape: one `{url, username?, credential?}` per URL."""
    servers = []
    for entry in entries:
        username, credential = entry.credentials()
        for url in entry.urls:
            server = {"url": url}
            if username and credential:
                server.update(username=username, credential=credential)
            servers.append(server)
    return servers
