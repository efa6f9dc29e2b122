"""Live rooms: what participants do that touches both media and the database.

Public modules:

- `rooms.live.media`: `MediaHome`, the one interface to a room's media, and
  `media_home(room_pk)`; the local engine stands behind it today.
- `rooms.live.seats`: publish, subscribe, reconnect a stream, leave, and the media
  teardown when a seat ends elsewhere; plain domain values in and out, no sockets.
"""
