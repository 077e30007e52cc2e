"""The read-only open API, version 1."""
