"""Settings shared by every environment. Everything that varies comes from the environment."""

from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

import environ

from config.headers import content_security_policy, media_origins, permissions_policy

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SITE_DIR = BASE_DIR / "site"

env = environ.Env()
# A .env file is a convenience for local work; real deployments set variables directly.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "home",
    "home.newsletter",
    "archive",
    "search",
    "opendata",
    "accounts",
    "health",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "corsheaders",
    "django_tasks",
    "django_tasks_db",
    # The API's docs page (opendata.api): with the app installed, django-ninja serves Swagger
    # UI from its static files instead of a CDN, and without inline script.
    "ninja",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
    "axes",
]

MIDDLEWARE = [
    "config.requestlog.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions, CSRF and locale: a cached page skips them all (home/pagecache/).
    "home.pagecache.middleware.PageCacheMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's LocaleMiddleware, except that a 404 of the open data endpoints (no language
    # prefix) stays a 404 instead of a redirect to a page (opendata/middleware.py)
    "opendata.middleware.OpenDataLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "config.ratelimits.RateLimitMiddleware",
    # Last, so that it sees the login views' responses and swaps in the lockout page.
    "axes.middleware.AxesMiddleware",
]

# The open data endpoints (opendata/urls.py) are read by viewers, harvesters and scripts on other
# sites: any origin may GET them, without credentials; so may the recordings and captions IIIF
# manifests point to (archive/urls.py, any language). Nothing else is shared across origins.
CORS_URLS_REGEX = (
    r"^/(oai|iiif|api)/"
    r"|^/[a-z-]+/archive/[^/]+/(media/|steps/[0-9]+/media/|captions\.vtt$)"
)
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Link", "Retry-After"]
# The repository part of OAI identifiers (oai:<this>:<item identifier>): set it once, to the
# site's domain name, and never change it after the first harvest (opendata/identifiers.py).
OAI_REPOSITORY_IDENTIFIER = env("OAI_REPOSITORY_IDENTIFIER", default="fabrique.localhost")
# The OAI-PMH repository (opendata/oai/): its name and contact in Identify, the network named as
# edm:provider in EDM records, records per page, and how long a resumption token stays valid.
OAI_REPOSITORY_NAME = env(
    "OAI_REPOSITORY_NAME", default="Fabrique – archive du patrimoine industriel"
)
OAI_ADMIN_EMAIL = env("OAI_ADMIN_EMAIL", default="archive@fabrique.invalid")
OAI_EDM_PROVIDER = env("OAI_EDM_PROVIDER", default="Fabrique")
OAI_PAGE_SIZE = env.int("OAI_PAGE_SIZE", default=200)
OAI_RESUMPTION_TOKEN_LIFETIME = env.int("OAI_RESUMPTION_TOKEN_LIFETIME", default=24 * 60 * 60)

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SITE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# The embedded default is SQLite so that `make run` needs no server; DATABASE_URL selects
# PostgreSQL (or anything django-environ understands).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
# A persistent connection that died between requests (database restarted, connection killed)
# is noticed and replaced before the next request uses it, instead of failing that request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The lockout backend comes first: it refuses a locked (username, IP) pair before any password
# is checked, on every form that calls authenticate() (Wagtail's admin and front-end logins).
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Login protection (accounts/, README "Production") ---------------------------------------
# django-axes locks a (username, IP address) pair after AXES_FAILURE_LIMIT failed sign-ins for
# AXES_COOLOFF_MINUTES; another account from the same address, or the same account from
# another address, can still sign in. Failures during the lockout do not extend it, so the
# time the lockout page announces holds. Administrators unlock from Settings › Locked sign-ins.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.float("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.addresses.client_ip"
# Django's admin is not mounted: axes' own admin pages would be unreachable.
AXES_ENABLE_ADMIN = False
# Proxies in front of the site that append to X-Forwarded-For (1 behind Caddy or nginx): the
# visitor's IP is read that many entries from its right (accounts/addresses.py). With 0 the
# client is REMOTE_ADDR; behind a proxy every visitor would share one lockout and one rate limit.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Who a locked-out person may write to (shown on the lockout page); empty: "an administrator".
LOGIN_HELP_EMAIL = env("LOGIN_HELP_EMAIL", default="")
# Password reset requests (Wagtail admin), per client IP and per address asked for.
PASSWORD_RESET_RATE_IP = env("PASSWORD_RESET_RATE_IP", default="10/h")
PASSWORD_RESET_RATE_ADDRESS = env("PASSWORD_RESET_RATE_ADDRESS", default="3/h")

# --- Health (health/, README "Production") ---------------------------------------------------
# /health/ready/ fails when the oldest pending index task is older than this, or when the index
# worker (Elasticsearch engine only) has not been seen for this long.
HEALTH_OUTBOX_MAX_AGE = env.int("HEALTH_OUTBOX_MAX_AGE", default=600)
HEALTH_WORKER_MAX_SILENCE = env.int("HEALTH_WORKER_MAX_SILENCE", default=120)

# --- Languages -------------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [
    ("fr", _("French")),
    ("en", _("English")),
    ("de", _("German")),
    ("lb", _("Luxembourgish")),
    ("nl", _("Dutch")),
]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and media ------------------------------------------------------------------------
STATICFILES_DIRS = [SITE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
STATIC_URL = "/static/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = env("MEDIA_URL", default="/media/")

AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if AWS_STORAGE_BUCKET_NAME:
    # Any S3-compatible store (MinIO, SeaweedFS, AWS): files live there when a bucket is named.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "access_key": env("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 600,
            # Presigned URLs and POST policies are signed with SigV4: boto3 otherwise signs URLs
            # with the legacy SigV2, which newer AWS regions refuse and which cannot carry the
            # response overrides archive/serving.py sends.
            "signature_version": env("AWS_S3_SIGNATURE_VERSION", default="s3v4"),
        },
    }
    # Public derivatives (image renditions, under images/ in the same bucket) get plain,
    # cacheable URLs: the bucket lets anyone read images/* and nothing else (docker/compose.yml's
    # minio-init sets that policy). Originals stay private behind presigned URLs above. Renditions
    # carry no camera metadata (archive/renditions.py).
    STORAGES["renditions"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **STORAGES["default"]["OPTIONS"],
            "querystring_auth": False,
            # A CDN only ever fronts the public renditions: with a custom domain, django-storages
            # stops signing URLs, which must never happen to the private originals.
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN", default=None),
        },
    }
    WAGTAILIMAGES_RENDITION_STORAGE = "renditions"

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Archive uploads -------------------------------------------------------------------------
# Limits enforced by archive/validation.py while it streams a contribution, keyed by kind: a file
# over its kind's byte limit is refused as soon as the limit is passed, without reading the rest.
# Oral histories run long, hence 2 GiB for audio and video.
ARCHIVE_MAX_UPLOAD_BYTES = {
    "photo": env.int("ARCHIVE_MAX_PHOTO_BYTES", default=50 * 1024**2),
    "audio": env.int("ARCHIVE_MAX_AUDIO_BYTES", default=2 * 1024**3),
    "video": env.int("ARCHIVE_MAX_VIDEO_BYTES", default=2 * 1024**3),
    "document": env.int("ARCHIVE_MAX_DOCUMENT_BYTES", default=100 * 1024**2),
}
# Pixels (width x height x frames) a photo may declare. Checked on the header, before decoding,
# so that a tiny file that would expand to gigabytes (a decompression bomb) is refused at once.
# Pillow refuses on its own anything above ~179 million unless PIL.Image.MAX_IMAGE_PIXELS is raised.
ARCHIVE_MAX_IMAGE_PIXELS = env.int("ARCHIVE_MAX_IMAGE_PIXELS", default=100_000_000)
# `manage.py storage_audit --delete-orphans` never deletes an object younger than this: an upload
# in flight stores its object before the row that names it exists.
ARCHIVE_STORAGE_AUDIT_GRACE_HOURS = env.float("ARCHIVE_STORAGE_AUDIT_GRACE_HOURS", default=24.0)
# Direct uploads (archive/uploads.py): how long the presigned POST (or the local upload URL)
# accepts a new upload, at most 15 minutes; and how long after that the client may still ask
# for the file to be checked and added (a 2 GB recording takes a while on a slow line).
ARCHIVE_UPLOAD_URL_SECONDS = env.int("ARCHIVE_UPLOAD_URL_SECONDS", default=900)
ARCHIVE_UPLOAD_COMPLETE_SECONDS = env.int("ARCHIVE_UPLOAD_COMPLETE_SECONDS", default=6 * 3600)
# Bulk import (archive/importing.py, README "Bulk import"): size of the CSV file and rows per
# file; entries, unpacked bytes and compression ratio of a ZIP of media (zip bombs); the admin's
# ZIP upload, and how long an uploaded import waits for its confirmation.
ARCHIVE_IMPORT_MAX_CSV_BYTES = env.int("ARCHIVE_IMPORT_MAX_CSV_BYTES", default=20 * 1024**2)
ARCHIVE_IMPORT_MAX_ROWS = env.int("ARCHIVE_IMPORT_MAX_ROWS", default=50_000)
ARCHIVE_IMPORT_MAX_ZIP_ENTRIES = env.int("ARCHIVE_IMPORT_MAX_ZIP_ENTRIES", default=20_000)
ARCHIVE_IMPORT_MAX_ZIP_BYTES = env.int("ARCHIVE_IMPORT_MAX_ZIP_BYTES", default=10 * 1024**3)
ARCHIVE_IMPORT_MAX_ZIP_RATIO = env.int("ARCHIVE_IMPORT_MAX_ZIP_RATIO", default=100)
ARCHIVE_IMPORT_MAX_ZIP_UPLOAD_BYTES = env.int(
    "ARCHIVE_IMPORT_MAX_ZIP_UPLOAD_BYTES", default=4 * 1024**3
)
ARCHIVE_IMPORT_UPLOAD_MAX_AGE = env.int("ARCHIVE_IMPORT_UPLOAD_MAX_AGE", default=3600)

# --- Email -----------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
if env("EMAIL_URL", default=""):
    vars().update(env.email("EMAIL_URL"))
# The backend above (or EMAIL_URL's) is the one that delivers, from the task queue; whatever
# sends mail inside a request (Django's password reset, Wagtail's notices) only queues it.
EMAIL_DELIVERY_BACKEND = EMAIL_BACKEND
EMAIL_BACKEND = "archive.mail.QueuedEmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Fabrique <noreply@fabrique.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Seconds before a connection to the mail server gives up (Django's default waits for ever, and
# the task sending the message holds its row meanwhile).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Every email goes through the task queue (archive/mail.py). A failed attempt is tried again
# EMAIL_RETRY_SECONDS later, the delay doubling each time up to EMAIL_RETRY_MAX_SECONDS; after
# EMAIL_MAX_ATTEMPTS the message is left failed in the admin (Settings › Emails) to retry by hand.
# The defaults keep trying for about four hours.
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=10)
EMAIL_RETRY_SECONDS = env.int("EMAIL_RETRY_SECONDS", default=60)
EMAIL_RETRY_MAX_SECONDS = env.int("EMAIL_RETRY_MAX_SECONDS", default=3600)
# `manage.py prune_emails` deletes sent emails' rows (they name people's addresses) after this.
EMAIL_KEEP_DAYS = env.int("EMAIL_KEEP_DAYS", default=30)
CONTACT_FORM_RATE = env("CONTACT_FORM_RATE", default="5/h")
NEWSLETTER_FORM_RATE = env("NEWSLETTER_FORM_RATE", default="5/h")
REGISTRATION_FORM_RATE = env("REGISTRATION_FORM_RATE", default="10/h")
# Registrations are anonymised this many days after their session or event has ended.
REGISTRATION_RETENTION_DAYS = env.int("REGISTRATION_RETENTION_DAYS", default=90)

# --- Archive search --------------------------------------------------------------------------
# Which engine answers the public archive search (search.engines.get_engine()): "database" (the
# embedded default, no server needed) or "elasticsearch". The Elasticsearch engine reads and
# writes through the alias INDEX; `search_reindex` builds a new index behind it and swaps it.
ARCHIVE_SEARCH = {
    "ENGINE": env("ARCHIVE_SEARCH_ENGINE", default="database"),
    # Comma-separated node URLs; basic-auth credentials may be given in the URL.
    "URLS": env.list("ARCHIVE_SEARCH_URLS", default=["http://127.0.0.1:9200"]),
    "API_KEY": env("ARCHIVE_SEARCH_API_KEY", default=""),
    "INDEX": env("ARCHIVE_SEARCH_INDEX", default="fabrique-archive"),
    # Seconds before a search request gives up (the page then says search is unavailable);
    # bulk writes from the worker and reindexing get longer.
    "TIMEOUT": env.float("ARCHIVE_SEARCH_TIMEOUT", default=5.0),
    "BULK_TIMEOUT": env.float("ARCHIVE_SEARCH_BULK_TIMEOUT", default=60.0),
    # Only for servers speaking the OpenSearch API (the test suite's emulator): the Elasticsearch
    # 8 client's versioned media type is answered with 406 there, so send plain JSON. Never for
    # a real Elasticsearch 8 (see search/transport.py).
    "OPENSEARCH_COMPAT": env.bool("ARCHIVE_SEARCH_OPENSEARCH_COMPAT", default=False),
}

# --- Task queue ------------------------------------------------------------------------------
# Django's tasks framework (the django-tasks backport Wagtail uses): emails, Wagtail's reference
# index and file clean-up, image derivatives. The database backend keeps tasks in PostgreSQL, in
# the same transactions as the changes that enqueue them, and `manage.py db_worker` runs them
# (the compose `tasks` service). `make run` uses the immediate backend (config/settings/dev.py).
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

# --- Cache -----------------------------------------------------------------------------------
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://fabrique")}
RATELIMIT_USE_CACHE = "default"
# The page cache (home/pagecache/, README "Production"): anonymous GETs of public pages, purged
# URL by URL when what they show changes. Seconds an entry lives at most (0 turns it off); the
# browser's max-age (0: it revalidates every time, answered with 304); paths after the language
# prefix that are never cached (search results, token links).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=3600)
PAGE_CACHE_MAX_AGE = env.int("PAGE_CACHE_MAX_AGE", default=0)
PAGE_CACHE_EXCLUDED_PATHS = ["/search/", "/newsletter/", "/registration/"]
# A frontend cache (Varnish, nginx, a CDN) in front of the site gets the same purges through
# wagtail.contrib.frontend_cache. FRONTEND_CACHE_PURGE_URL names an HTTP purger (Varnish, nginx
# proxy_cache_purge); for Cloudflare, CloudFront or Azure set WAGTAILFRONTENDCACHE in a settings
# module of your own (Wagtail's documentation lists their options).
if env("FRONTEND_CACHE_PURGE_URL", default=""):
    WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": env("FRONTEND_CACHE_PURGE_URL"),
        }
    }
# Our purges already name every language's URL: Wagtail must not multiply each by the languages.
WAGTAILFRONTENDCACHE_LANGUAGES = []

# --- Rate limits (config/ratelimits.py) ------------------------------------------------------
# Requests per IP and per period (django-ratelimit's "count/period", period s, m, h or d) to the
# archive search, its suggestions (one per keystroke pause) and the open API; beyond, 429 with
# Retry-After. Pages served from the page cache are never counted.
SEARCH_RATE_LIMIT = env("SEARCH_RATE_LIMIT", default="30/m")
SUGGEST_RATE_LIMIT = env("SUGGEST_RATE_LIMIT", default="120/m")
API_RATE_LIMIT = env("API_RATE_LIMIT", default="120/m")
CSP_REPORT_RATE_LIMIT = env("CSP_REPORT_RATE_LIMIT", default="30/m")
# The visitor's IP for every per-client limit (TRUSTED_PROXY_COUNT above; accounts/addresses.py)
RATELIMIT_IP_META_KEY = "accounts.addresses.client_ip"

# --- Wagtail ---------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Fabrique"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILIMAGES_IMAGE_MODEL = "archive.CustomImage"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env.int("WAGTAILIMAGES_MAX_UPLOAD_SIZE", default=20 * 1024 * 1024)
WAGTAILIMAGES_MAX_IMAGE_PIXELS = env.int("WAGTAILIMAGES_MAX_IMAGE_PIXELS", default=64_000_000)
# Archive photos: the archive's allow-list (JPEG, PNG, TIFF, WebP, HEIC), plus AVIF and GIF that
# Wagtail reads natively. Never SVG (scripts). Wagtail checks the bytes agree with the extension,
# and knows only "tiff" as an extension of TIFF: a ".tif" scan is refused with the list of formats.
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "tiff", "webp", "heic", "avif", "gif"]
# Archive photos may be TIFF scans, which browsers cannot show and Wagtail cannot write: their
# renditions are JPEG (HEIC ones already are, by Wagtail's default). Renditions never carry the
# photo's metadata (archive/renditions.py).
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"tiff": "jpeg"}
WAGTAILDOCS_EXTENSIONS = ["pdf", "csv", "odt", "ods", "docx", "xlsx", "txt", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
# Off: Wagtail's responsive wrapper sets its ratio in a style attribute, which the
# Content-Security-Policy refuses; site.css gives embedded players their ratio instead.
WAGTAILEMBEDS_RESPONSIVE_HTML = False
TAGGIT_CASE_INSENSITIVE = True
# bench/pages.py turns this on to measure a minimal view beside the pages (config/urls.py).
BENCH_BARE_VIEW = env.bool("BENCH_BARE_VIEW", default=False)

# Map tiles come from a setting so that a network can use its own tile server; the directory
# still lists members and places markers when tiles cannot be loaded.
MAP_TILE_URL = env("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env(
    "MAP_TILE_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)

# --- Security headers (config/headers.py) ----------------------------------------------------
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSP_REPORT_URI = "/csp-report/"
# Players the Embed block may show in a frame (YouTube, Vimeo).
CSP_FRAME_SOURCES = env.list(
    "CSP_FRAME_SOURCES",
    default=[
        "https://www.youtube.com",
        "https://www.youtube-nocookie.com",
        "https://player.vimeo.com",
    ],
)
CONTENT_SECURITY_POLICY = content_security_policy(
    map_tile_url=MAP_TILE_URL,
    media_sources=media_origins(
        bucket=AWS_STORAGE_BUCKET_NAME,
        endpoint_url=env("AWS_S3_ENDPOINT_URL", default=None),
        custom_domain=env("AWS_S3_CUSTOM_DOMAIN", default=None),
        region=env("AWS_S3_REGION_NAME", default=None),
    )
    + env.list("CSP_MEDIA_SOURCES", default=[]),
    frame_sources=CSP_FRAME_SOURCES,
    report_uri=CSP_REPORT_URI,
)
PERMISSIONS_POLICY = permissions_policy(frame_sources=CSP_FRAME_SOURCES)

# --- Logs (config/requestlog.py) -------------------------------------------------------------
# "text" reads well in a terminal; "json" (production's default) writes one JSON object per
# line for a log collector. Every line carries the request id; `fabrique.request` writes one
# line per request (method, path, status, duration_ms).
LOG_FORMAT = env("LOG_FORMAT", default="") or "text"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.requestlog.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
    "loggers": {
        "fabrique.request": {"level": env("REQUEST_LOG_LEVEL", default="INFO")},
    },
}
