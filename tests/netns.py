"""Network namespaces a test makes for itself, joined to the test's own by veth pairs.

Each `Namespace` is held open by a `sleep` started with `unshare --net`; commands run in
it through `nsenter`. Addresses come from 198.18.0.0/15 (the network rule). Everything
made here is undone by `close()`: the processes end and their veth pairs go with them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Sequence


def available() -> str | None:
    """Why these tests cannot run here, or None."""
    for tool in ("unshare", "nsenter", "ip", "nft"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install nftables iproute2 util-linux)"
    if os.geteuid() != 0:
        return "making network namespaces needs root"
    return None


def run(command: Sequence[str]) -> str:
    result = subprocess.run(list(command), capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)}: {result.stderr.strip()}")
    return result.stdout


class Namespace:
    _count = 0

    def __init__(self) -> None:
        self._holder = subprocess.Popen(["unshare", "--net", "sleep", "infinity"])
        ours = os.readlink("/proc/self/ns/net")
        # unshare has made the namespace once the holder's differs from ours.
        while os.readlink(f"/proc/{self._holder.pid}/ns/net") == ours:
            if self._holder.poll() is not None:
                raise RuntimeError("unshare --net failed")
            time.sleep(0.01)
        self.pid = self._holder.pid
        Namespace._count += 1
        self.name = f"t16n{os.getpid() % 10000}x{Namespace._count}"
        self.run(["ip", "link", "set", "lo", "up"])

    def command(self, command: Sequence[str]) -> list[str]:
        return ["nsenter", "-t", str(self.pid), "-n", *command]

    def run(self, command: Sequence[str]) -> str:
        return run(self.command(command))

    def link(self, here: str, there: str, route_via_here: Sequence[str] = ()) -> None:
        """A veth pair: `here` (addr/prefix) on our side, `there` inside, and routes back."""
        ours, theirs = f"{self.name}a", f"{self.name}b"
        run(["ip", "link", "add", ours, "type", "veth", "peer", "name", theirs])
        run(["ip", "link", "set", theirs, "netns", str(self.pid)])
        run(["ip", "addr", "add", here, "dev", ours])
        run(["ip", "link", "set", ours, "up"])
        self.run(["ip", "addr", "add", there, "dev", theirs])
        self.run(["ip", "link", "set", theirs, "up"])
        gateway = here.split("/")[0]
        for network in route_via_here:
            self.run(["ip", "route", "add", network, "via", gateway])

    def join(self, other: Namespace, mine: str, theirs: str) -> None:
        """A veth pair between this namespace (`mine`, addr/prefix) and another (`theirs`)."""
        ours, their_end = f"{self.name}c", f"{self.name}d"
        self.run(["ip", "link", "add", ours, "type", "veth", "peer", "name", their_end])
        self.run(["ip", "link", "set", their_end, "netns", str(other.pid)])
        self.run(["ip", "addr", "add", mine, "dev", ours])
        self.run(["ip", "link", "set", ours, "up"])
        other.run(["ip", "addr", "add", theirs, "dev", their_end])
        other.run(["ip", "link", "set", their_end, "up"])

    def firewall(self, rules: str) -> None:
        """An nftables ruleset for this namespace only."""
        subprocess.run(self.command(["nft", "-f", "-"]), input=rules, text=True, check=True)

    def close(self) -> None:
        self._holder.kill()
        self._holder.wait()


def nft(rules: str) -> None:
    """nftables rules in the test's own namespace (tests/private-network's)."""
    subprocess.run(["nft", "-f", "-"], input=rules, text=True, check=True)
