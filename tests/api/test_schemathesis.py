"""Schemathesis over the OpenAPI schema, against a live Daphne: zero failures.

Every check schemathesis has (no 5xx, only declared statuses, responses that match the
schema, valid bodies accepted and invalid ones refused, 405 for undeclared methods),
over every operation, with a fixed seed so each run sends the same requests. The
departures from its defaults are OpenVidu's behaviours, each explained in
schemathesis.toml next to this file.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.live_server import database_url, live_server

pytestmark = pytest.mark.django_db(transaction=True)

CONFIG = Path(__file__).with_name("schemathesis.toml")
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def test_schemathesis_finds_nothing(tmp_path):
    secret = "a-schemathesis-secret"
    environment = {"OPENVIDU_RECORDING": "true", "OPENVIDU_RECORDING_PATH": str(tmp_path)}
    with live_server(
        database=database_url(connection.settings_dict), secret=secret, extra_env=environment
    ) as server:
        result = subprocess.run(
            [
                str(SCHEMATHESIS),
                "--no-color",
                "--config-file",
                str(CONFIG),
                "run",
                f"{server.url}/openvidu/api/schema",
                "--checks",
                "all",
                "--auth",
                f"OPENVIDUAPP:{secret}",
                "--max-examples",
                "25",
                "--seed",
                "12",
                "--report-dir",
                str(tmp_path / "report"),
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        log = server.log()
    assert result.returncode == 0, result.stdout[-20_000:] + result.stderr[-5_000:]
    assert "Traceback" not in log, log[-20_000:]
