"""Runs tests/hostproject/suite in a pytest of its own, under the host site's settings.

Django reads its settings once per process, and this run has the main site's: the host
site needs a second process. Its output is the failure message, so a failure there
reads as it would have in a direct run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.hostproject.conftest import HOST_SETTINGS

ROOT = Path(__file__).resolve().parents[2]
SUITE = Path(__file__).resolve().parent / "suite"
# Variables of the main run that would change how the host site's run goes.
NOT_PASSED_ON = ("DATABASE_URL", "REDIS_URL", "ROOMS_TEST_SERVICES", "PYTEST_ADDOPTS")


def test_the_rooms_app_works_in_a_host_site(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in NOT_PASSED_ON}
    env |= {"DJANGO_SETTINGS_MODULE": HOST_SETTINGS, "HOSTPROJECT_VAR_DIR": str(tmp_path)}
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-q",
        "--ds",
        HOST_SETTINGS,
        # tests/conftest.py belongs to the main site: it imports its ASGI application.
        "--confcutdir",
        str(SUITE.parent),
        str(SUITE),
    ]
    run = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    output = f"$ {' '.join(command)}\n{run.stdout}\n{run.stderr}"
    assert run.returncode == 0, f"the host site's tests failed:\n{output}"
    # Exit code 0 with everything skipped would prove nothing.
    summary = run.stdout.strip().splitlines()[-1]
    passed = re.search(r"(\d+) passed", summary)
    assert passed, f"no host site test passed:\n{output}"
    assert int(passed.group(1)) > 0, f"no host site test passed:\n{output}"
    assert "skipped" not in summary, f"host site tests were skipped:\n{output}"
