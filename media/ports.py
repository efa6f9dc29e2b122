"""The media port range: every socket of the server's peers is bound inside it.

A firewall that lets through MEDIA_PORT_MIN..MEDIA_PORT_MAX is then enough. Binding is
done by trying the ports of the range in turn from a moving start (the kernel knows
which are taken; a port another process holds is skipped). A full range is reported as
`PortsExhausted`, which the engine turns into a media error for that one participant.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
from dataclasses import dataclass

SETTINGS = "MEDIA_PORT_MIN/MEDIA_PORT_MAX"


class PortsExhausted(OSError):
    def __init__(self, port_range: PortRange, address: str) -> None:
        super().__init__(
            errno.EADDRINUSE,
            f"every port of {SETTINGS} {port_range.first}-{port_range.last} is in use on {address}",
        )


@dataclass
class PortRange:
    first: int
    last: int
    _next: int = 0
    # Whether the last bind found the range full: the engine's words for a refused peer.
    exhausted: bool = False

    def __len__(self) -> int:
        return self.last - self.first + 1

    def bind(self, kind: socket.SocketKind, address: str) -> socket.socket:
        """A non-blocking socket of `kind` bound to `address` on a free port of the range."""
        family = socket.AF_INET6 if ipaddress.ip_address(address).version == 6 else socket.AF_INET
        for step in range(len(self)):
            port = self.first + (self._next + step) % len(self)
            sock = socket.socket(family, kind)
            try:
                if kind == socket.SOCK_STREAM:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sock.bind((address, port))
            except OSError as error:
                sock.close()
                if error.errno in (errno.EADDRINUSE, errno.EACCES):
                    continue
                raise
            sock.setblocking(False)
            # Start after this one next time: a port just closed is not taken again at once.
            self._next = (self._next + step + 1) % len(self)
            self.exhausted = False
            return sock
        self.exhausted = True
        raise PortsExhausted(self, address)
