"""How the open data endpoints name an archive item to the outside world."""

from django.conf import settings


def oai_identifier(identifier: str) -> str:
    """`oai:<repository>:<item identifier>`, e.g. `oai:fabrique.example:FAB-MUS-0001`. The
    repository part is a setting (OAI_REPOSITORY_IDENTIFIER): it must never change once
    aggregators have harvested, whatever host name the site is served under."""
    return f"oai:{settings.OAI_REPOSITORY_IDENTIFIER}:{identifier}"
