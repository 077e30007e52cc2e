"""Read-side queries on archive data. Keyword-only, typed, named `<entity>_<action>`."""

from django.core.cache import cache
from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from archive.models import Member, Trade


def trades_labelled(*, locale_id: int | None) -> QuerySet[Trade]:
    """Trades with `label`: the name in the given locale when translated, else the name."""
    translated = Trade.objects.filter(
        translation_key=OuterRef("translation_key"), locale_id=locale_id
    ).values("name")[:1]
    return Trade.objects.annotate(label=Coalesce(Subquery(translated), F("name")))


def members_for_directory(
    *, kind: str = "", region: str = "", locale_id: int | None = None
) -> QuerySet[Member]:
    """Members in directory order, filtered by kind and region when given (unknown values
    simply match nothing); their trades carry labels in `locale_id`."""
    qs = Member.objects.select_related("logo").prefetch_related(
        Prefetch("trades", queryset=trades_labelled(locale_id=locale_id).order_by("label"))
    )
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
