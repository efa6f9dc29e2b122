"""The home page."""

from __future__ import annotations


def test_the_home_page_links_the_api_docs_and_the_admin(client, db):
    page = client.get("/").content.decode()
    assert "/openvidu/api/docs" in page
    assert "/admin/" in page
