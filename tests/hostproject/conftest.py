"""Keeps the host site's own tests out of the main run: they need its settings module,
so tests/hostproject/test_host_site.py runs them in a pytest of their own."""

from __future__ import annotations

import os

HOST_SETTINGS = "tests.hostproject.settings"

if os.environ.get("DJANGO_SETTINGS_MODULE") != HOST_SETTINGS:
    collect_ignore = ["suite"]
