"""Read-side queries on archive data. Keyword-only, typed, named `<entity>_<action>`."""

from django.core.cache import cache
from django.db.models import QuerySet

from archive.models import Member


def members_for_directory(*, kind: str = "", region: str = "") -> QuerySet[Member]:
    """Members in directory order, filtered by kind and region when given (unknown values
    simply match nothing)."""
    qs = Member.objects.select_related("logo").prefetch_related("trades")
    if kind:
        qs = qs.filter(kind=kind)
    if region:
        qs = qs.filter(region=region)
    return qs.order_by("name")


MEMBER_COUNT_KEY = "archive:member-count"


def member_count() -> int:
    """Shown on every home page; cached until a member is added or removed."""
    return cache.get_or_set(MEMBER_COUNT_KEY, Member.objects.count, 60 * 60)


def member_regions() -> list[str]:
    return list(Member.objects.order_by("region").values_list("region", flat=True).distinct())
