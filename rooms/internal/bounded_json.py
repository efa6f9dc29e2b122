"""JSON from clients, read with bounds on size and nesting.

Every body and frame a client sends (REST bodies, recording bodies, signaling frames)
is read here, so the limits are the same everywhere. Nesting is bounded because
Python's parser recurses: a few kilobytes of `[[[[...` would otherwise raise
RecursionError deep in the stack instead of a parse error.
"""

from __future__ import annotations

import json
from typing import Any

# No OpenVidu body or frame nests deeper than a handful of levels.
MAX_DEPTH = 32


class InvalidJson(ValueError):
    """The text is not JSON, or nests deeper than MAX_DEPTH; the message says which."""


def loads(text: str | bytes, max_depth: int = MAX_DEPTH) -> Any:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidJson(f"not JSON: {error.msg} at position {error.pos}") from None
    except RecursionError:
        raise InvalidJson(f"nested deeper than {max_depth} levels") from None
    except UnicodeDecodeError:
        raise InvalidJson("not UTF-8 text") from None
    if _depth(value) > max_depth:
        raise InvalidJson(f"nested deeper than {max_depth} levels")
    return value


def _depth(value: Any) -> int:
    """How deep arrays and objects nest, counted without recursion."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        pending.extend((child, level + 1) for child in children)
    return deepest
