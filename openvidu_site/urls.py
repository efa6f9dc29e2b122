from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from recordings import urls as recording_urls
from rooms.api.views import accept_certificate

urlpatterns = [
    path("", include("rooms.page_urls")),
    path("", include(recording_urls.page_urlpatterns)),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("openvidu/api/", include(recording_urls.api_urlpatterns)),
    path("openvidu/api/", include("rooms.api.urls")),
    path("openvidu/", include(recording_urls.file_urlpatterns)),
    path("openvidu/accept-certificate", accept_certificate, name="accept-certificate"),
]
