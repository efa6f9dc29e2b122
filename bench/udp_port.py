"""`python -m bench.udp_port`: what one shared UDP port costs per packet against a socket per peer.

Both ways receive the same SRTP-sized datagrams (first byte 0x80, 1200 bytes) from N
senders on loopback, in bursts, on one asyncio loop; the figure is the process CPU time
per delivered datagram, sending included (the same in both). "socket per peer": N
sockets, each with its own protocol (aiortc's way). "one port": one socket and
media.udp_mux.SharedUdpPort routing each datagram to one of N protocols by its source
address. It also times the routing decision alone. Figures, not tests.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket
import time
from typing import Any

from media.udp_mux import SharedUdpPort

PAYLOAD = b"\x80" + bytes(1199)


class Counter(asyncio.DatagramProtocol):
    total = 0  # of every peer: what the drive loop watches, at no cost per peer

    def __init__(self) -> None:
        self.count = 0

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.count += 1
        Counter.total += 1


def _senders(count: int) -> list[socket.socket]:
    senders = []
    for _ in range(count):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("127.0.0.1", 0))
        sock.setblocking(False)
        senders.append(sock)
    return senders


async def _drive(
    senders: list[socket.socket],
    targets: list[tuple[str, int]],
    counters: list[Counter],
    packets: int,
    burst: int,
) -> tuple[float, int]:
    start_cpu, delivered = time.process_time(), 0
    Counter.total = 0
    sent = 0
    while sent < packets:
        for _ in range(burst):
            index = sent % len(senders)
            with contextlib.suppress(BlockingIOError):
                senders[index].sendto(PAYLOAD, targets[index])
            sent += 1
        # Let the loop read the burst before the next one (or give up on what is lost).
        idle = 0
        while Counter.total < sent and idle < 100:
            before = Counter.total
            await asyncio.sleep(0)
            idle = idle + 1 if Counter.total == before else 0
    delivered = sum(counter.count for counter in counters)
    return time.process_time() - start_cpu, delivered


async def socket_per_peer(peers: int, packets: int, burst: int) -> tuple[float, int]:
    loop = asyncio.get_running_loop()
    counters, transports, targets = [], [], []
    for _ in range(peers):
        transport, counter = await loop.create_datagram_endpoint(
            Counter, local_addr=("127.0.0.1", 0)
        )
        counters.append(counter)
        transports.append(transport)
        targets.append(transport.get_extra_info("sockname"))
    senders = _senders(peers)
    try:
        return await _drive(senders, targets, counters, packets, burst)
    finally:
        for transport in transports:
            transport.close()
        for sock in senders:
            sock.close()


async def one_port(peers: int, packets: int, burst: int) -> tuple[float, int]:
    shared = SharedUdpPort("127.0.0.1", 0)
    await shared.open()
    senders = _senders(peers)
    counters = []
    for index, sender in enumerate(senders):
        counter = Counter()
        muxed = shared.attach(counter, f"ufrag{index}")
        # What the ICE checks teach the port: this sender's address is this peer's.
        muxed.sendto(b"\x00\x01\x00\x00" + bytes(16), sender.getsockname())
        counters.append(counter)
    target = shared.sockname
    for sender in senders:  # drain the checks the senders got
        try:
            while sender.recv(2048):
                pass
        except BlockingIOError:
            pass
    try:
        return await _drive(senders, [target] * peers, counters, packets, burst)
    finally:
        for sock in senders:
            sock.close()
        shared.close()


def routing_alone(peers: int, rounds: int) -> float:
    shared = SharedUdpPort("127.0.0.1", 0)
    shared._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # never read: route() only
    addresses = [("127.0.0.1", 20000 + index) for index in range(peers)]
    for index, address in enumerate(addresses):
        muxed = shared.attach(Counter(), f"ufrag{index}")
        shared._by_address[address] = muxed
    start = time.perf_counter()
    for round_ in range(rounds):
        shared.route(PAYLOAD, addresses[round_ % peers])
    elapsed = time.perf_counter() - start
    shared._socket.close()
    return elapsed / rounds


async def main(peers_list: list[int], packets: int, burst: int, repeats: int) -> None:
    print(
        f"{packets} datagrams of {len(PAYLOAD)} bytes per run, bursts of {burst}, best of {repeats}"
    )
    print(f"{'peers':>6} {'way':<16} {'CPU us/packet':>14} {'delivered':>10} {'sockets':>8}")
    for peers in peers_list:
        for name, way, sockets in (
            ("socket per peer", socket_per_peer, peers),
            ("one port", one_port, 1),
        ):
            best: tuple[float, int] | None = None
            for _ in range(repeats):
                cpu, delivered = await way(peers, packets, burst)
                per_packet = cpu / max(delivered, 1)
                if best is None or per_packet < best[0]:
                    best = (per_packet, delivered)
            assert best is not None
            print(
                f"{peers:>6} {name:<16} {best[0] * 1e6:>14.2f} "
                f"{best[1] / packets:>9.1%} {sockets:>8}"
            )
        print(f"{peers:>6} {'routing alone':<16} {routing_alone(peers, 200_000) * 1e6:>14.3f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--peers", type=int, nargs="+", default=[10, 100, 400])
    parser.add_argument("--packets", type=int, default=100_000)
    parser.add_argument("--burst", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.peers, arguments.packets, arguments.burst, arguments.repeats))
