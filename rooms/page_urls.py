"""The room pages' URLs, at the path a host site includes: `include("rooms.page_urls")`.

The pages live in `rooms.pages`; this module keeps the documented include path stable.
"""

from __future__ import annotations

from rooms.pages.urls import urlpatterns

__all__ = ["urlpatterns"]
