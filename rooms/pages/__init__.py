"""The room pages: the home page, a room's page, its token endpoint, invitation links.

`views` renders the pages, `tokens` gives a person a seat when they press Join,
`decisions` asks the adapter who may create and join, `forms` validates what the pages
post, `urls` routes them (a host site includes `rooms.page_urls`, which names these).
"""
