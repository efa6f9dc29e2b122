"""The locks (requirements*.txt) hold every pin of pyproject.toml: `make lock` was run."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==([^\s;#]+)")


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(lines: list[str]) -> dict[str, str]:
    pins = {}
    for line in lines:
        match = PIN.match(line.strip())
        if match:
            pins[_name(match[1])] = match[2]
    return pins


def _lock(name: str) -> dict[str, str]:
    return _pins((ROOT / name).read_text(encoding="utf-8").splitlines())


PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [
        ("requirements.txt", PROJECT["dependencies"]),
        (
            "requirements-test.txt",
            PROJECT["dependencies"] + PROJECT["optional-dependencies"]["test"],
        ),
    ],
)
def test_every_pin_of_pyproject_is_in_its_lock(lock, requirements):
    wanted = _pins(requirements)
    assert len(wanted) == len(requirements), "every dependency is pinned with =="
    locked = _lock(lock)
    stale = {name: version for name, version in wanted.items() if locked.get(name) != version}
    assert not stale, f"{lock} is stale for {stale}: run `make lock`"


def test_the_test_lock_runs_the_versions_the_site_runs():
    main, test = _lock("requirements.txt"), _lock("requirements-test.txt")
    differ = {
        name: (version, test.get(name))
        for name, version in main.items()
        if test.get(name) != version
    }
    assert not differ, (
        f"requirements-test.txt differs from requirements.txt: {differ}: run `make lock`"
    )
