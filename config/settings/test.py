"""Test settings. The database is PostgreSQL started by tests/conftest.py (DATABASE_URL)."""

import tempfile

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105 - used by the test suite only
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="fabrique-media-")
STATIC_ROOT = tempfile.mkdtemp(prefix="fabrique-static-")
# Django's test set-up sends mail straight to its locmem outbox (EMAIL_BACKEND); the queue
# delivers there too. tests/test_mail_queue.py puts the queue and a real SMTP server back.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
EMAIL_DELIVERY_BACKEND = EMAIL_BACKEND
# Tasks run at once; tests about the queue itself switch to the database backend
# (tests/test_mail_queue.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# tests/pg_plugin.py starts PostgreSQL and sets DATABASE_URL before these settings load.
DATABASES = {"default": env.db("DATABASE_URL")}
WAGTAILADMIN_BASE_URL = "http://testserver"
# Tests that search many times in a row are not testing the rate limits, which
# tests/config/test_ratelimits.py lowers again.
SEARCH_RATE_LIMIT = SUGGEST_RATE_LIMIT = API_RATE_LIMIT = "100000/m"
# Off by default: tests that share paths across databases would read each other's pages. The
# page cache's own tests turn it on (tests/home/test_page_cache.py).
PAGE_CACHE_SECONDS = 0
