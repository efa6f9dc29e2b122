"""The rooms app's inside: helpers no host project should import.

`identifiers` (ids and their formats), `room_names` (page room names), `bounded_json`
(JSON with depth and size bounds), `lock_order` (the one order rows are locked in, and
the retry on a deadlock), `adapter_checks` (the system check of `ROOMS["ADAPTER"]`),
`local_urls` (the address `manage.py serve` binds, and the public URL and allowed hosts
that follow from it). They may change without notice; the public modules are listed in
`rooms/__init__.py`.
"""
