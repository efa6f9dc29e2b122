"""The addresses we announce when the server sits behind a 1:1 NAT.

The server's sockets have private addresses; browsers must be told the public ones.
`MEDIA_ANNOUNCED_ADDRESS` is either one public address (every host address of the same
family is announced as it) or `private=public` pairs, one per host address. Every place
our SDP names a host address is rewritten: the host candidates, the `c=` line (aiortc
puts the first candidate's address there) and an `a=rtcp:` address. The sockets stay
where they are: the NAT brings the browser's checks to them, and aioice answers from
the address the check arrived on, so the candidate pairs still form.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass

SETTING = "MEDIA_ANNOUNCED_ADDRESS"


class AnnouncedAddressError(ValueError):
    """MEDIA_ANNOUNCED_ADDRESS cannot be read; the message names the setting."""


@dataclass(frozen=True)
class Announcement:
    """Which public address stands for which private one."""

    pairs: tuple[tuple[str, str], ...] = ()
    # One address for every host address of its family, when no pairs are given.
    public: str | None = None

    def public_for(self, private: str) -> str | None:
        try:
            address = ipaddress.ip_address(private)
        except ValueError:
            return None  # an mDNS name or garbage: not ours to rewrite
        for inside, outside in self.pairs:
            if ipaddress.ip_address(inside) == address:
                return outside
        if self.public is not None and ipaddress.ip_address(self.public).version == address.version:
            return self.public
        return None


def _address(text: str) -> str:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        raise AnnouncedAddressError(f"{SETTING}: {text.strip()!r} is not an IP address") from None


@functools.lru_cache(maxsize=8)
def parse(value: str | None) -> Announcement:
    """Read the setting: `203.0.113.7`, or `10.0.0.5=203.0.113.7,10.0.0.6=203.0.113.8`."""
    if not value or not value.strip():
        return Announcement()
    items = [item.strip() for item in value.split(",") if item.strip()]
    if len(items) == 1 and "=" not in items[0]:
        return Announcement(public=_address(items[0]))
    pairs: list[tuple[str, str]] = []
    for item in items:
        private, equals, public = item.partition("=")
        if not equals:
            raise AnnouncedAddressError(
                f"{SETTING}: {item!r} has no '=': give one public address, or private=public "
                "pairs only"
            )
        inside, outside = _address(private), _address(public)
        if ipaddress.ip_address(inside).version != ipaddress.ip_address(outside).version:
            raise AnnouncedAddressError(
                f"{SETTING}: {item!r} maps an IPv{ipaddress.ip_address(inside).version} "
                f"address to an IPv{ipaddress.ip_address(outside).version} one"
            )
        if any(inside == known for known, _ in pairs):
            raise AnnouncedAddressError(f"{SETTING}: {inside} is given twice")
        pairs.append((inside, outside))
    return Announcement(pairs=tuple(pairs))


_HOST_CANDIDATE = re.compile(r"^(a=candidate:\S+ \d+ \S+ \d+ )(\S+)( \d+ typ host\b)", re.MULTILINE)
_CONNECTION = re.compile(r"^(c=IN IP[46] )(\S+)", re.MULTILINE)
_RTCP = re.compile(r"^(a=rtcp:\d+ IN IP[46] )(\S+)", re.MULTILINE)


def _ip_version_word(address: str) -> str:
    return f"IP{ipaddress.ip_address(address).version}"


def rewrite(sdp: str, announcement: Announcement) -> str:
    """Put the public addresses in every host address of an SDP we send."""
    if not announcement.pairs and announcement.public is None:
        return sdp

    def replace(match: re.Match[str]) -> str:
        public = announcement.public_for(match[2])
        return match[0] if public is None else f"{match[1]}{public}{match[3]}"

    def replace_line(match: re.Match[str]) -> str:
        public = announcement.public_for(match[2])
        if public is None:
            return match[0]
        # Pairs keep the family, so the "IN IP4"/"IN IP6" word stays right.
        assert _ip_version_word(public) in match[1]
        return f"{match[1]}{public}"

    sdp = _HOST_CANDIDATE.sub(replace, sdp)
    sdp = _CONNECTION.sub(replace_line, sdp)
    return _RTCP.sub(replace_line, sdp)
