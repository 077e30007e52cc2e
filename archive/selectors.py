"""Read-side queries on archive data. Keyword-only, typed, named `<entity>_<action>`."""

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


def member_count() -> int:
    return Member.objects.count()


def member_regions() -> list[str]:
    return list(Member.objects.order_by("region").values_list("region", flat=True).distinct())
