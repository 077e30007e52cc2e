"""Read-side queries on archive data. Keyword-only, typed, named `<entity>_<action>`."""

from django.core.cache import cache
from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from archive.models import ArchiveItem, Contributor, Member, Trade


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


# --- Archive items ------------------------------------------------------------------------
# Who sees what, in one place: the admin workspace, choosers, public pages and file views all
# go through these functions.

MODERATORS_GROUP = "Archive moderators"


def user_is_moderator(*, user) -> bool:
    return bool(
        user.is_authenticated
        and (user.is_superuser or user.groups.filter(name=MODERATORS_GROUP).exists())
    )


def institution_for_user(*, user):
    """The institution a contributor account belongs to, or None."""
    if not user.is_authenticated:
        return None
    contributor = Contributor.objects.filter(user=user).select_related("institution").first()
    return contributor.institution if contributor else None


def items_editable_by(*, user) -> QuerySet[ArchiveItem]:
    """Items a user may see and edit in the admin: all for moderators, their institution's
    for contributors, none otherwise."""
    if user_is_moderator(user=user):
        return ArchiveItem.objects.all()
    institution = institution_for_user(user=user)
    if institution is None:
        return ArchiveItem.objects.none()
    return ArchiveItem.objects.filter(institution=institution)


def items_viewable_by(*, user, now=None) -> QuerySet[ArchiveItem]:
    """Items a visitor may open on the public site.

    Anonymous visitors: published, public, with consent for oral histories. Logged-in members
    (contributor accounts) also see published members-only items. Restricted items, drafts,
    rejected and withdrawn items stay with their institution and the moderators (who see them
    through `items_editable_by`)."""
    public = ArchiveItem.objects.public(now=now)
    if not user.is_authenticated:
        return public
    if user_is_moderator(user=user):
        return ArchiveItem.objects.all()
    visible = public
    if institution_for_user(user=user) is not None:
        visible = visible | ArchiveItem.objects.public(now=now, access=ArchiveItem.Access.MEMBERS)
    return (visible | items_editable_by(user=user)).distinct()
