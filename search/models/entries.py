"""Rows of the database search engine (see search.engines.database)."""

__all__ = []
