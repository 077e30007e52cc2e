"""The archive search engines behind search.contract; settings choose one (`get_engine()`).

Engines are cheap to build, so each call builds one; the Elasticsearch client and its
connection pool are kept per configuration and reused.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from search.contract import Engine

ENGINE_NAMES = ("database", "elasticsearch")


class EngineUnavailable(Exception):
    """The engine cannot be reached or refused the request (a server down, a timeout, an index
    missing). Callers show "search is unavailable" or retry later; never a server error."""


def search_settings() -> dict:
    """settings.ARCHIVE_SEARCH with every key present (tests override parts of it)."""
    defaults = {
        "ENGINE": "database",
        "URLS": ["http://127.0.0.1:9200"],
        "API_KEY": "",
        "INDEX": "fabrique-archive",
        "TIMEOUT": 5.0,
        "BULK_TIMEOUT": 60.0,
        "OPENSEARCH_COMPAT": False,
    }
    return {**defaults, **getattr(settings, "ARCHIVE_SEARCH", {})}


def get_engine(name: str | None = None) -> Engine:
    """The configured engine, or the one called `name` ("database" or "elasticsearch")."""
    config = search_settings()
    name = name or config["ENGINE"]
    if name == "database":
        from search.engines.database import DatabaseEngine

        return DatabaseEngine()
    if name == "elasticsearch":
        from search.engines.elasticsearch import ElasticsearchEngine

        return ElasticsearchEngine.from_settings(config)
    raise ImproperlyConfigured(
        f"ARCHIVE_SEARCH_ENGINE must be one of {', '.join(ENGINE_NAMES)}, not {name!r}."
    )


__all__ = ["ENGINE_NAMES", "EngineUnavailable", "get_engine", "search_settings"]
