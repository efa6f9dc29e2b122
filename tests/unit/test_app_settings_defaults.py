"""Every setting the apps read has a default: a host project may leave it out."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.test import override_settings

from media import app_settings as media_settings
from recordings.app_settings import app_settings as recording_settings
from rooms.app_settings import app_settings

LEFT_OUT = (
    "OPENVIDU_SECRET",
    "OPENVIDU_DEVELOPMENT_SECRET",
    "INSECURE_SECRET_KEY",
    "OPENVIDU_PUBLICURL",
    "OPENVIDU_RECORDING",
    "OPENVIDU_RECORDING_PATH",
    "OPENVIDU_RECORDING_PUBLIC_ACCESS",
    "OPENVIDU_RECORDING_AUTOSTOP_TIMEOUT",
    "OPENVIDU_RECORDING_NOTIFICATION",
    "MEDIA_ICE_SERVERS",
    "MEDIA_HOST_ADDRESSES",
    "MEDIA_FORWARDING",
    "MEDIA_ANNOUNCED_ADDRESS",
)


def test_the_defaults_when_left_out():
    with override_settings():
        for name in LEFT_OUT:
            delattr(settings, name)
        assert app_settings.SECRET == app_settings.DEVELOPMENT_SECRET == "MY_SECRET"
        assert app_settings.INSECURE_SECRET_KEY is None
        assert app_settings.PUBLICURL == "http://localhost:8000"
        assert recording_settings.RECORDING is False
        assert Path("/opt/openvidu/recordings") == recording_settings.RECORDING_PATH
        assert recording_settings.RECORDING_PUBLIC_ACCESS is False
        assert recording_settings.RECORDING_AUTOSTOP_TIMEOUT == 120
        assert recording_settings.RECORDING_NOTIFICATION == "publisher_moderator"
        assert media_settings.get("MEDIA_ICE_SERVERS") == []
        assert media_settings.get("MEDIA_HOST_ADDRESSES") == []
        assert media_settings.get("MEDIA_FORWARDING") == "passthrough"
        assert media_settings.get("MEDIA_ANNOUNCED_ADDRESS") is None


def test_the_site_values_when_set():
    assert app_settings.SECRET == settings.OPENVIDU_SECRET
    assert app_settings.PUBLICURL == settings.OPENVIDU_PUBLICURL
    assert Path(settings.OPENVIDU_RECORDING_PATH) == recording_settings.RECORDING_PATH


def test_the_serve_defaults_when_left_out():
    with override_settings():
        for name in ("HOST", "PORT", "BEHIND_PROXY"):
            delattr(settings, name)
        assert (app_settings.HOST, app_settings.PORT, app_settings.BEHIND_PROXY) == (
            "127.0.0.1",
            8000,
            False,
        )
