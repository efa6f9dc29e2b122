"""Packet forwarding: the publisher's RTP packets go to each subscriber one by one.

`forwarder.PacketForwarder` is the default `Forwarder` (media/forwarding.py); the
other modules are its parts: `keyframes` (does a packet start a picture), `rewriter`
(a subscriber's own sequence numbers and timestamps), `history` (the packets kept to
answer NACKs).
"""
