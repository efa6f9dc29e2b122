"""The host site's URLs: its own front page and login, the room pages under /video/."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def front_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("The host site's own front page")


urlpatterns = [
    path("", front_page, name="front-page"),
    path("members/login/", auth_views.LoginView.as_view(), name="login"),
    path("video/", include("rooms.page_urls")),
]
