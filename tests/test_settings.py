"""Production settings refuse to start half-configured, and pass Django's deployment checks
once configured.

Each case runs in a fresh interpreter: settings modules read the environment at import time.
The environment is built from scratch, so neither the DATABASE_URL of the test PostgreSQL nor a
developer's own variables leak in; every variable that matters is set explicitly, because
config/settings/base.py reads BASE_DIR/.env without overwriting what is already set, and an
explicit (even empty) value therefore wins over a developer's .env file.
"""

import json
import os
import secrets
import subprocess
import sys

from django.conf import settings

import pytest

BASE_DIR = settings.BASE_DIR
MANAGE = str(BASE_DIR / "manage.py")
PRODUCTION = "config.settings.production"
SECURE_DEFAULTS = {
    # Set explicitly so that a developer's .env (e.g. SECURE_SSL_REDIRECT=False for local
    # HTTP) cannot change what is checked here.
    "SECURE_SSL_REDIRECT": "True",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "True",
    "SECURE_HSTS_PRELOAD": "True",
    "DEBUG": "False",
    "AWS_STORAGE_BUCKET_NAME": "",
    "REDIS_URL": "",
    "CACHE_URL": "locmemcache://",
    "EMAIL_URL": "",
    "SENTRY_DSN": "",
    "LOG_FORMAT": "",
}


def secret_key() -> str:
    return secrets.token_urlsafe(50)


def run(args: list[str], tmp_path, **variables: str) -> subprocess.CompletedProcess:
    """Run `python <args>` from the project folder with only the given settings variables."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "DJANGO_SETTINGS_MODULE": PRODUCTION,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        **SECURE_DEFAULTS,
        **variables,
    }
    return subprocess.run(  # noqa: S603 - fixed argument list, our own interpreter
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run([MANAGE, "check"], tmp_path, SECRET_KEY="", ALLOWED_HOSTS="example.org")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts(tmp_path):
    result = run([MANAGE, "check"], tmp_path, SECRET_KEY=secret_key(), ALLOWED_HOSTS="")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "ALLOWED_HOSTS" in result.stderr


def test_configured_production_passes_the_deployment_checks(tmp_path):
    result = run(
        [MANAGE, "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        SECRET_KEY=secret_key(),
        ALLOWED_HOSTS="example.org",
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_deployment_checks_catch_an_insecure_override(tmp_path):
    """The passing check above is meaningful: turning HTTPS redirection off is reported."""
    result = run(
        [MANAGE, "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        SECRET_KEY=secret_key(),
        ALLOWED_HOSTS="example.org",
        SECURE_SSL_REDIRECT="False",
    )

    assert result.returncode != 0
    assert "security.W008" in result.stderr


def test_a_short_secret_key_fails_the_deployment_checks(tmp_path):
    result = run(
        [MANAGE, "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        SECRET_KEY="too-short",
        ALLOWED_HOSTS="example.org",
    )

    assert result.returncode != 0
    assert "security.W009" in result.stderr


PRINT_DATABASE = (
    "from django.conf import settings; "
    "db = settings.DATABASES['default']; "
    "print(db['ENGINE'], db['NAME'], db['USER'], db['HOST'], db['PORT'], sep='|')"
)


def test_database_url_selects_postgresql(tmp_path):
    result = run(
        ["-c", PRINT_DATABASE],
        tmp_path,
        SECRET_KEY=secret_key(),
        ALLOWED_HOSTS="example.org",
        DATABASE_URL="postgres://u:p@h:5432/db",
    )

    assert result.returncode == 0, result.stderr
    engine, name, user, host, port = result.stdout.strip().split("|")
    assert engine == "django.db.backends.postgresql"
    assert (name, user, host, port) == ("db", "u", "h", "5432")


def test_allowed_hosts_and_csrf_origins_are_read_as_lists(tmp_path):
    result = run(
        ["-c", "from django.conf import settings; print(settings.ALLOWED_HOSTS)"],
        tmp_path,
        SECRET_KEY=secret_key(),
        ALLOWED_HOSTS="example.org,www.example.org",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['example.org', 'www.example.org']"


PRINT_SAFETY = (
    "from django.conf import settings; "
    "print(settings.DEBUG, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
    "settings.SESSION_COOKIE_HTTPONLY, sep='|')"
)


@pytest.mark.parametrize(
    "insecure",
    [
        {"DEBUG": "True"},
        {"SESSION_COOKIE_SECURE": "False"},
        {"CSRF_COOKIE_SECURE": "False"},
        {"SESSION_COOKIE_HTTPONLY": "False"},
        {
            "DEBUG": "True",
            "SESSION_COOKIE_SECURE": "False",
            "CSRF_COOKIE_SECURE": "False",
            "SESSION_COOKIE_HTTPONLY": "False",
        },
    ],
    ids=["debug", "session-cookie", "csrf-cookie", "script-readable-cookie", "all-at-once"],
)
def test_production_cannot_be_switched_to_debug_or_insecure_cookies(tmp_path, insecure):
    """An operator (or a stray .env) asking for debug pages or cookies sent over plain HTTP
    does not get them: production keeps them off whatever the environment says."""
    result = run(
        ["-c", PRINT_SAFETY],
        tmp_path,
        SECRET_KEY=secret_key(),
        ALLOWED_HOSTS="example.org",
        **insecure,
    )

    assert result.returncode == 0, result.stderr
    debug, session_secure, csrf_secure, session_httponly = result.stdout.strip().split("|")
    assert debug == "False"
    assert session_secure == "True"
    assert csrf_secure == "True"
    assert session_httponly == "True"


REQUEST_IN_PRODUCTION = (
    "import django; django.setup(); "
    "from django.test import Client; "
    "Client().get('/robots.txt', HTTP_X_REQUEST_ID='trace-0003-abcd')"
)


def test_production_logs_each_request_as_one_json_line(tmp_path):
    result = run(
        ["-c", REQUEST_IN_PRODUCTION],
        tmp_path,
        SECRET_KEY=secret_key(),
        ALLOWED_HOSTS="testserver",
    )

    assert result.returncode == 0, result.stderr
    # Whitenoise may warn (no collected static files here) before logging is set up.
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    (line,) = [line for line in lines if line["logger"] == "fabrique.request"]
    assert line["request_id"] == "trace-0003-abcd"
    assert line["method"] == "GET" and line["path"] == "/robots.txt"
    # Plain HTTP in production: redirected to HTTPS.
    assert line["status"] == 301


PRINT_SENTRY = (
    "import django, sentry_sdk; django.setup(); print(sentry_sdk.get_client().is_active())"
)


def test_errors_go_to_sentry_only_when_a_dsn_is_set(tmp_path):
    without = run(
        ["-c", PRINT_SENTRY], tmp_path, SECRET_KEY=secret_key(), ALLOWED_HOSTS="example.org"
    )
    with_dsn = run(
        ["-c", PRINT_SENTRY],
        tmp_path,
        SECRET_KEY=secret_key(),
        ALLOWED_HOSTS="example.org",
        SENTRY_DSN="https://public@127.0.0.1:9/1",
    )

    assert without.returncode == 0, without.stderr
    assert without.stdout.strip() == "False"
    assert with_dsn.returncode == 0, with_dsn.stderr
    assert with_dsn.stdout.strip() == "True"
