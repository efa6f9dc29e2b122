"""CPU time and memory of processes, read from /proc (no psutil on this machine).

CPU is counted per process, all its threads together (utime + stime of
/proc/<pid>/stat): the server's figure is its own process only, whatever else the
machine runs, and the load generator's processes are counted apart so readers see how
much of the machine they took.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass

_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_times(pid: int) -> tuple[float, float]:
    """(user, system) CPU seconds of a process so far; zeros when it has gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            text = stat.read()
    except OSError:
        return 0.0, 0.0
    # The command name (field 2) may hold spaces: split after its closing parenthesis.
    fields = text[text.rindex(")") + 2 :].split()
    # Fields 14 and 15 of the file (utime, stime) are 12 and 13 after the name.
    return int(fields[11]) / _TICKS, int(fields[12]) / _TICKS


def cpu_seconds(pid: int) -> float:
    return sum(cpu_times(pid))


def rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _socket_inodes(pid: int) -> set[int]:
    inodes = set()
    try:
        for descriptor in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                target = os.readlink(f"/proc/{pid}/fd/{descriptor}")
                if target.startswith("socket:["):
                    inodes.add(int(target[8:-1]))
    except OSError:
        pass
    return inodes


def udp_drops(pids: list[int]) -> int:
    """Datagrams the kernel dropped at these processes' UDP sockets (receive buffer full).

    On loopback a datagram is lost only there: drops at a receiver's sockets mean that
    process did not read fast enough. /proc/net/udp lists this namespace's sockets.
    """
    wanted = set().union(*(_socket_inodes(pid) for pid in pids)) if pids else set()
    total = 0
    with open("/proc/net/udp") as table:
        next(table)
        for line in table:
            fields = line.split()
            if int(fields[9]) in wanted:
                total += int(fields[12])
    return total


def machine_busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine, all cores, from /proc/stat."""
    with open("/proc/stat") as stat:
        values = [int(value) for value in stat.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])  # guest time is already inside user
    return (total - idle) / _TICKS, total / _TICKS


def busy_percent(seconds: float = 1.0) -> float:
    """How busy the whole machine is right now, in percent of one core."""
    busy, total = machine_busy_seconds()
    time.sleep(seconds)
    busy_after, total_after = machine_busy_seconds()
    cores = os.cpu_count() or 1
    spent = total_after - total
    return 100 * cores * (busy_after - busy) / spent if spent else 0.0


@dataclass
class Sample:
    wall: float
    server_user: float
    server_system: float
    generator: float
    machine_busy: float
    machine_total: float
    server_drops: int
    generator_drops: int


def sample(server_pid: int, generator_pids: list[int]) -> Sample:
    busy, total = machine_busy_seconds()
    user, system = cpu_times(server_pid)
    return Sample(
        wall=time.monotonic(),
        server_user=user,
        server_system=system,
        generator=sum(cpu_seconds(pid) for pid in generator_pids),
        machine_busy=busy,
        machine_total=total,
        server_drops=udp_drops([server_pid]),
        generator_drops=udp_drops(generator_pids),
    )


@dataclass
class Usage:
    """CPU over a window, in percent of one core (100 = one core busy all the time)."""

    seconds: float
    server_percent: float
    server_system_percent: float  # the kernel's part of it (sockets, loopback delivery)
    generator_percent: float
    machine_percent: float  # of all cores together: 100 = the whole machine busy
    server_drops: int  # UDP datagrams dropped at the server's sockets in the window
    generator_drops: int  # ... at the load generator's sockets


def usage(start: Sample, end: Sample) -> Usage:
    wall = end.wall - start.wall
    machine_total = end.machine_total - start.machine_total
    return Usage(
        seconds=wall,
        server_percent=100
        * (end.server_user + end.server_system - start.server_user - start.server_system)
        / wall,
        server_system_percent=100 * (end.server_system - start.server_system) / wall,
        generator_percent=100 * (end.generator - start.generator) / wall,
        machine_percent=(
            100 * (end.machine_busy - start.machine_busy) / machine_total if machine_total else 0
        ),
        server_drops=end.server_drops - start.server_drops,
        generator_drops=end.generator_drops - start.generator_drops,
    )
