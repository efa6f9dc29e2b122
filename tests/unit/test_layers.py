"""The layers' rules, read from the source: which app may import which."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules(app: str) -> list[Path]:
    return [path for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts]


def test_rooms_never_imports_the_optional_apps():
    offending = {
        str(path.relative_to(ROOT)): sorted(
            name for name in _imports(path) if name.split(".")[0] in ("recordings", "webhooks")
        )
        for path in _modules("rooms")
    }
    assert {path: names for path, names in offending.items() if names} == {}


def test_only_the_media_seam_imports_the_engine():
    seam = ROOT / "rooms/live/media.py"
    users = sorted(
        str(path.relative_to(ROOT))
        for app in ("rooms", "recordings", "webhooks", "openvidu_site")
        for path in _modules(app)
        if path != seam and "media.engine" in _imports(path)
    )
    assert users == []


def test_the_consumer_holds_no_query():
    source = (ROOT / "rooms/signaling/consumer.py").read_text()
    assert ".objects" not in source
    assert "get_engine" not in source
