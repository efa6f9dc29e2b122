"""Settings for the video rooms site, every value read from the environment.

README.md has the table of variables with their defaults; keep the two in step.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url

from openvidu_site.channel_layer import channel_layers
from openvidu_site.env import (
    ConfigurationError,
    env_bool,
    env_choice,
    env_endpoint_url,
    env_header_list,
    env_http_url,
    env_int,
    env_json_list,
    env_list,
    env_optional,
    env_secret,
    env_str,
    env_string_list,
)
from rooms.internal.local_urls import default_allowed_hosts, local_url

# The event names only: rooms.app_settings imports no models, so this is safe here.
from webhooks.app_settings import WEBHOOK_EVENTS

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

# A development key, refused by the `rooms.E002` check when DEBUG is off.
INSECURE_SECRET_KEY = "django-insecure-video-rooms-development-key-change-me"
SECRET_KEY = env_secret("SECRET_KEY", INSECURE_SECRET_KEY)
DEBUG = env_bool("DEBUG", True)

HOST = env_str("HOST", "127.0.0.1")
PORT = env_int("PORT", 8000, minimum=1, maximum=65535)

# OpenVidu's development secret, refused by the `rooms.E001` check when DEBUG is off.
OPENVIDU_DEVELOPMENT_SECRET = "MY_SECRET"
OPENVIDU_SECRET = env_secret("OPENVIDU_SECRET", OPENVIDU_DEVELOPMENT_SECRET)
OPENVIDU_PUBLICURL = env_http_url("OPENVIDU_PUBLICURL", local_url(HOST, PORT))
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default_allowed_hosts(HOST, OPENVIDU_PUBLICURL))
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [OPENVIDU_PUBLICURL])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "rooms",
    "media",
    "webhooks",
    "recordings",
    # Locks out an address after failed logins to the admin and the site (docs/deployment.md).
    "axes",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

MIDDLEWARE = [
    "rooms.api.deprecated_paths.DeprecatedPathsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything that may refuse a request with an HTML page (CSRF, body limits).
    "rooms.api.json_errors.JsonErrorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout into its 429 answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "openvidu_site.urls"
ASGI_APPLICATION = "openvidu_site.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database(url: str | None) -> dict[str, Any]:
    if url is None:
        # The embedded default must work on a fresh checkout, where var/ does not exist.
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # Daphne serves many requests at once: wait for a lock instead of failing,
            # and take the write lock at BEGIN so two writers never deadlock.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
            # A file, not memory: tests that run Daphne in a subprocess share it.
            "TEST": {"NAME": VAR_DIR / "test-db.sqlite3"},
        }
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as error:
        raise ConfigurationError(f"DATABASE_URL is not a database URL we know: {error}") from None
    if not config.get("ENGINE"):
        raise ConfigurationError(f"DATABASE_URL has an unknown scheme: {url!r}")
    return config


DATABASES = {"default": _database(env_optional("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_optional("REDIS_URL")
# The cache holds the counts of failed logins and authentications: shared by every
# process through Redis when there is one, per process otherwise.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if REDIS_URL is not None and urlsplit(REDIS_URL).scheme in ("redis", "rediss", "unix"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
CHANNEL_LAYERS = channel_layers(REDIS_URL)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Daphne does not serve files; WhiteNoise does, from the finders in development.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# CORS `*` on OpenVidu's paths only, as OpenVidu does; the site's own pages keep the default.
CORS_URLS_REGEX = r"^/openvidu/.*$"
CORS_ALLOW_ALL_ORIGINS = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rooms.api.auth.OpenViduSecretAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["rooms.api.parsers.LimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "rooms.api.errors.openvidu_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    # Failed authentications with the secret, per address (rooms/api/auth_throttle.py).
    "DEFAULT_THROTTLE_RATES": {
        "authentication_failure": env_str("REST_AUTH_FAILURE_RATE", "20/min"),
    },
    # The client's address is REMOTE_ADDR: an X-Forwarded-For header from the client is
    # not believed (behind a proxy, Daphne's --proxy-headers sets REMOTE_ADDR).
    "NUM_PROXIES": 0,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Video rooms: OpenVidu 2 compatible REST API",
    "DESCRIPTION": (
        "The REST API of OpenVidu 2.32, served by Django. Authenticate with HTTP Basic, "
        "user `OPENVIDUAPP`, password the OPENVIDU_SECRET."
    ),
    "VERSION": "2.32.2",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The recordings and config/openvidu-publicurl are plain Django views (rooms.api.schema).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "rooms.api.schema.add_plain_views",
    ],
}

# Media engine (the `media` app). ICE servers handed to aiortc and to browsers: none by
# default, never aiortc's public STUN fallback. A JSON array of
# {"urls": "turn:host:3478", "username": "...", "credential": "..."}.
MEDIA_ICE_SERVERS = env_json_list("MEDIA_ICE_SERVERS", [])
# The addresses aiortc gathers host candidates on (comma-separated); empty means every
# interface address except loopback, aioice's own choice.
MEDIA_HOST_ADDRESSES = env_list("MEDIA_HOST_ADDRESSES", [])
# How media reaches subscribers: "passthrough" forwards each RTP packet as it arrives (no
# decoding, no encoding, no reassembly; docs/media.md); "frames" forwards whole encoded
# frames (the previous pass-through); "reencode" decodes and re-encodes per subscriber
# (aiortc's MediaRelay way, kept as the benchmark's baseline).
MEDIA_FORWARDING = env_choice(
    "MEDIA_FORWARDING", "passthrough", ("passthrough", "frames", "reencode")
)
# The public address to announce instead of the host address, for a server behind 1:1 NAT:
# one address, or private=public pairs (comma-separated), one per host address.
MEDIA_ANNOUNCED_ADDRESS = env_optional("MEDIA_ANNOUNCED_ADDRESS")
# Ask the STUN servers of MEDIA_ICE_SERVERS for our public address (server-reflexive
# candidates). Off: that is traffic to a third party, never a default.
MEDIA_STUN_DISCOVERY = env_bool("MEDIA_STUN_DISCOVERY", False)
# The ports every media socket of the server is bound in (both or neither; unset: any).
MEDIA_PORT_MIN = env_int("MEDIA_PORT_MIN", 0, minimum=1, maximum=65535) or None
MEDIA_PORT_MAX = env_int("MEDIA_PORT_MAX", 0, minimum=1, maximum=65535) or None
# One UDP port for the host candidates of every peer (unset: a socket per peer).
MEDIA_UDP_PORT = env_int("MEDIA_UDP_PORT", 0, minimum=1, maximum=65535) or None
# A TCP port for ICE over TCP (passive candidates), for browsers that cannot use UDP.
MEDIA_TCP_PORT = env_int("MEDIA_TCP_PORT", 0, minimum=1, maximum=65535) or None
# Seconds an IP camera's URI may take to open before its IPCAM connection is refused.
MEDIA_IPCAM_OPEN_TIMEOUT = env_int("MEDIA_IPCAM_OPEN_TIMEOUT", 10, minimum=1, maximum=120)

# Recording, with OpenVidu's settings and defaults (off unless asked for, as in OpenVidu).
OPENVIDU_RECORDING = env_bool("OPENVIDU_RECORDING", False)
OPENVIDU_RECORDING_PATH = Path(env_str("OPENVIDU_RECORDING_PATH", str(VAR_DIR / "recordings")))
OPENVIDU_RECORDING_PUBLIC_ACCESS = env_bool("OPENVIDU_RECORDING_PUBLIC_ACCESS", False)
OPENVIDU_RECORDING_AUTOSTOP_TIMEOUT = env_int("OPENVIDU_RECORDING_AUTOSTOP_TIMEOUT", 120, minimum=0)
OPENVIDU_RECORDING_NOTIFICATION = env_choice(
    "OPENVIDU_RECORDING_NOTIFICATION",
    "publisher_moderator",
    ("none", "moderator", "publisher_moderator", "all"),
)
# Where OpenVidu looks for custom recording layouts; reported by GET config (this
# recorder draws CUSTOM as BEST_FIT).
OPENVIDU_RECORDING_CUSTOM_LAYOUT = Path(
    env_str("OPENVIDU_RECORDING_CUSTOM_LAYOUT", str(VAR_DIR / "custom-layout"))
)

# Webhooks, with OpenVidu's settings: every event of section 7 posted to the endpoint,
# stored and retried until it is delivered (webhooks/, docs/webhooks.md).
OPENVIDU_WEBHOOK = env_bool("OPENVIDU_WEBHOOK", False)
OPENVIDU_WEBHOOK_ENDPOINT = env_str("OPENVIDU_WEBHOOK_ENDPOINT", "")
OPENVIDU_WEBHOOK_HEADERS = env_header_list("OPENVIDU_WEBHOOK_HEADERS")
OPENVIDU_WEBHOOK_EVENTS = env_string_list(
    "OPENVIDU_WEBHOOK_EVENTS", list(WEBHOOK_EVENTS), allowed=WEBHOOK_EVENTS
)
if OPENVIDU_WEBHOOK:
    OPENVIDU_WEBHOOK_ENDPOINT = env_endpoint_url("OPENVIDU_WEBHOOK_ENDPOINT")
# OpenVidu's pre-2.16 REST paths (/api/..., /config, /recordings/...), served as
# openvidu-server 2.32 serves them with SUPPORT_DEPRECATED_API=true, its default.
SUPPORT_DEPRECATED_API = env_bool("SUPPORT_DEPRECATED_API", True)

# The rooms app's own settings (rooms/app_settings.py, docs/extending.md).
ROOMS = {
    "ADAPTER": env_str("ROOMS_ADAPTER", "rooms.adapter.RoomsAdapter"),
    # None: the host name (`manage.py serve`: host name and port).
    "NODE_ID": env_optional("ROOMS_NODE_ID"),
}

# Security of the pages in production (docs/deployment.md).
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    # The proxy terminates TLS and says so; only trust this behind a proxy that sets it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)
_https = urlsplit(OPENVIDU_PUBLICURL).scheme == "https"
# Over https in production: cookies only over TLS, and browsers told to stay on https.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _https and not DEBUG
SECURE_HSTS_SECONDS = env_int(
    "SECURE_HSTS_SECONDS", 31_536_000 if _https and not DEBUG else 0, minimum=0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_HTTPONLY = True
# The pages' scripts get the CSRF token from the page, never from the cookie.
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# django-csp: scripts and styles from this server only. The signaling socket may be on
# the public URL's host, which is not always the page's.
_socket_origin = ("wss://" if _https else "ws://") + urlsplit(OPENVIDU_PUBLICURL).netloc
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        "connect-src": ["'self'", _socket_origin],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# django-axes: an address that fails to log in this many times waits an hour.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_RESET_ON_SUCCESS = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # httpx logs every webhook post at INFO; failures are logged by webhooks.dispatcher.
    "loggers": {"httpx": {"level": "WARNING"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")),
    },
}
