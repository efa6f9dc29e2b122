"""The OpenVidu release this server answers as: REST config, joinRoom, recordings."""

from __future__ import annotations

OPENVIDU_VERSION = "2.32.2"
