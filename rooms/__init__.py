"""Video rooms that speak OpenVidu 2's protocols: the domain and its edges.

Public modules (docs/extending.md describes each): `app_settings`, `adapter`,
`signals`, `services` and `participation` (the only code that changes rooms, seats and
streams; role rules), `live.seats` and `live.media` (live seats with their media;
`MediaHome`, the one interface to a room's media), `hooks` (what optional apps such as
recordings register), `lifecycle`, `nodes`, `events` (event schemas), `reasons`,
`addresses`, `server_secret`, `admin_mixins`, `openvidu_version`, `seat_data`,
`page_urls` (the URLs a host site includes).

Subpackages: `live` (seats with their media), `signaling` (the JSON-RPC consumer),
`api` (the REST API and its middleware), `pages` (the room pages; a host site includes
`rooms.page_urls`), `history` (the room's history and its timeline), `internal`
(helpers no host project should import). `signaling`, `api` and `internal` are the
app's inside.
"""
