"""URLs of the room pages; openvidu_site.urls includes them at the site's root."""

from __future__ import annotations

from django.urls import path

from rooms import page_tokens, page_waiting, pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("rooms/", pages.open_room, name="open-room"),
    path("rooms/<str:name>/", pages.room, name="room"),
    path("rooms/<str:name>/token", page_tokens.room_token, name="room-token"),
    path("rooms/<str:name>/waiting", page_waiting.room_waiting, name="room-waiting"),
    path("join", pages.join_invitation, name="join"),
]
