"""URLs of the room pages; openvidu_site.urls includes them at the site's root."""

from __future__ import annotations

from django.urls import path

from rooms.pages import tokens, views, waiting

urlpatterns = [
    path("", views.home, name="home"),
    path("rooms/", views.open_room, name="open-room"),
    path("rooms/<str:name>/", views.room, name="room"),
    path("rooms/<str:name>/token", tokens.room_token, name="room-token"),
    path("rooms/<str:name>/waiting", waiting.room_waiting, name="room-waiting"),
    path("join", views.join_invitation, name="join"),
]
