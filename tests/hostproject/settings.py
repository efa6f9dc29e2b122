"""A second Django site that installs the rooms app as a library would: the proof that
`rooms` is reusable. Its own URLconf mounts the room pages under /video/, its own base
template frames them, and its own adapter changes the rules.

Only what a host changes is here (the apps default the rest);
tests/hostproject/test_host_site.py runs the tests in tests/hostproject/suite/ with this
module as DJANGO_SETTINGS_MODULE.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The outer test hands each run its own directory; a run by hand gets a fresh one.
VAR_DIR = Path(os.environ.get("HOSTPROJECT_VAR_DIR") or tempfile.mkdtemp(prefix="rooms-host-"))

SECRET_KEY = "host-project-test-key-not-for-production"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "channels",
    "rest_framework",
    "rooms",
    # The rooms' signaling runs on the media engine. `recordings` and `webhooks` are
    # optional apps, and this site installs neither: the rooms app stands alone.
    "media",
]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]

ROOT_URLCONF = "tests.hostproject.urls"
ASGI_APPLICATION = "tests.hostproject.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The host's own base.html; the rooms' templates come from the app.
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ],
        },
    },
]

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "host.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

USE_TZ = True
STATIC_URL = "assets/"
LOGIN_URL = "/members/login/"

# The rooms app's own settings.
ROOMS = {"ADAPTER": "tests.hostproject.adapter.HostAdapter"}

# OpenVidu's settings (read by the rooms app under their OpenVidu names) and the
# media engine's: only the ones this host changes; the rest keep the apps' defaults
# (docs/extending.md).
OPENVIDU_SECRET = "host-secret"
OPENVIDU_PUBLICURL = "https://host.example.test"
MEDIA_HOST_ADDRESSES = ["127.0.0.1"]
