"""Video rooms that speak OpenVidu 2's protocols: the domain and its edges.

Public modules (docs/extending.md describes each): `app_settings`, `adapter`,
`signals`, `services` and `participation` (the only code that changes rooms, seats and
streams; role rules), `live.seats` and `live.media` (live seats with their media;
`MediaHome`, the one interface to a room's media), `hooks` (what optional apps such as
recordings register), `lifecycle`, `nodes`, `events` (event schemas), `reasons`,
`addresses`, `server_secret`, `admin_mixins`, `openvidu_version`.

The rest (`signaling`, `api`, the `page_*` modules, `lock_order`, `bounded_json`, ...)
is the app's inside.
"""
