"""Read-side queries on archive data. Keyword-only, typed, named `<entity>_<action>`."""

import operator
from collections.abc import Iterable
from functools import reduce

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import models
from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from wagtail.models import ReferenceIndex

from archive.models import (
    ArchiveItem,
    Contributor,
    CustomRendition,
    ItemImage,
    MediaFile,
    Member,
    SavoirFaireStep,
    Trade,
    TranscriptSegment,
)


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


def public_item_counts_by_region(*, trade_ids: list[int] | None = None) -> list[dict]:
    """Public items per region and country (largest first), optionally only those documenting
    one of `trade_ids`: the heritage map's list, for visitors without the map."""
    qs = ArchiveItem.objects.public().exclude(region="")
    if trade_ids:
        qs = qs.filter(trades__in=trade_ids)
    return list(
        qs.values("region", "country")
        .annotate(count=models.Count("pk", distinct=True))
        .order_by("-count", "region")
    )


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


def items_with_inventory_numbers(
    *, institution_id: int, numbers: Iterable[str]
) -> QuerySet[ArchiveItem]:
    """The institution's items that carry one of these inventory numbers (unique within an
    institution; another institution may use the same numbers)."""
    numbers = {number for number in numbers if number}
    return ArchiveItem.objects.filter(institution_id=institution_id, inventory_number__in=numbers)


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


# --- Public item pages --------------------------------------------------------------------
# Built on `items_viewable_by` only: whatever these return, the visitor may see.


def _with_public_relations(qs: QuerySet[ArchiveItem], *, locale_id: int | None):
    """What the list and the item page show of each item, in a fixed number of queries."""
    return qs.select_related("institution__member", "media").prefetch_related(
        Prefetch("trades", queryset=trades_labelled(locale_id=locale_id).order_by("label")),
        Prefetch(
            "images",
            queryset=ItemImage.objects.select_related("image")
            .prefetch_related("image__renditions")
            .order_by("sort_order"),
        ),
        Prefetch(
            "steps",
            queryset=SavoirFaireStep.objects.select_related("image", "media")
            .prefetch_related("image__renditions")
            .order_by("sort_order"),
        ),
    )


def items_published_for_visitor(*, user, locale_id: int | None) -> QuerySet[ArchiveItem]:
    """Published items the visitor may see, newest publication first. Moderators and
    contributors see drafts through `items_viewable_by` too; a public list shows none."""
    visible = items_viewable_by(user=user).filter(status=ArchiveItem.Status.PUBLISHED)
    return _with_public_relations(
        ArchiveItem.objects.filter(pk__in=visible.values("pk")), locale_id=locale_id
    ).order_by(F("published_at").desc(nulls_last=True), "-pk")


def item_for_visitor(*, user, identifier: str, locale_id: int | None) -> ArchiveItem | None:
    """The item the visitor may open under `identifier`, with its transcript, or None."""
    visible = items_viewable_by(user=user).filter(identifier=identifier)
    return (
        _with_public_relations(
            ArchiveItem.objects.filter(pk__in=visible.values("pk")), locale_id=locale_id
        )
        .prefetch_related(
            Prefetch("segments", queryset=TranscriptSegment.objects.order_by("position")),
            "tags",
        )
        .first()
    )


def item_needs_member_login(*, identifier: str, now=None) -> bool:
    """Whether logging in with a member account would reveal the item: a published,
    members-only item whose consent allows showing it. The same rule `items_viewable_by`
    applies to members; only used to answer "log in" rather than "not found", never to grant
    access. Restricted and unpublished items stay a plain 404."""
    return (
        ArchiveItem.objects.public(now=now, access=ArchiveItem.Access.MEMBERS)
        .filter(identifier=identifier)
        .exists()
    )


def items_related(
    *, item: ArchiveItem, user, locale_id: int | None, limit: int = 6
) -> list[ArchiveItem]:
    """Up to `limit` published items the visitor may see that share a trade (in any language
    of the vocabulary) or the commune with `item`, newest first, `item` itself excluded."""
    trade_keys = [trade.translation_key for trade in item.trades.all()]
    conditions = []
    if trade_keys:
        conditions.append(Q(trades__translation_key__in=trade_keys))
    if item.commune:
        conditions.append(Q(commune__iexact=item.commune))
    if not conditions:
        return []
    candidates = (
        items_viewable_by(user=user)
        .filter(status=ArchiveItem.Status.PUBLISHED)
        .filter(reduce(operator.or_, conditions))
        .exclude(pk=item.pk)
    )
    return list(
        _with_public_relations(
            ArchiveItem.objects.filter(pk__in=candidates.values("pk")), locale_id=locale_id
        ).order_by(F("published_at").desc(nulls_last=True), "-pk")[:limit]
    )


# Only recordings are played from the archive's storage; photos reach the public as renditions.
PLAYABLE_MEDIA_KINDS = (MediaFile.Kind.AUDIO, MediaFile.Kind.VIDEO)


def media_for_visitor(*, user, identifier: str, step_id: int | None = None) -> MediaFile | None:
    """The recording of a visible item (or of one of its savoir-faire steps), or None."""
    visible = items_viewable_by(user=user).filter(identifier=identifier)
    if step_id is None:
        item = (
            ArchiveItem.objects.filter(
                pk__in=visible.values("pk"), media__kind__in=PLAYABLE_MEDIA_KINDS
            )
            .select_related("media")
            .first()
        )
        return item.media if item else None
    step = (
        SavoirFaireStep.objects.filter(
            pk=step_id, item__in=visible.values("pk"), media__kind__in=PLAYABLE_MEDIA_KINDS
        )
        .select_related("media")
        .first()
    )
    return step.media if step else None


def transcript_for_visitor(*, user, identifier: str) -> list[TranscriptSegment] | None:
    """The transcript of a visible item in order, or None when the visitor may not see it."""
    visible = items_viewable_by(user=user).filter(identifier=identifier)
    if not visible.exists():
        return None
    return list(
        TranscriptSegment.objects.filter(item__in=visible.values("pk")).order_by("position")
    )


# --- Search results ------------------------------------------------------------------------


def items_for_search_hits(*, ids: list[int], user, locale_id: int | None) -> list[ArchiveItem]:
    """The published items among `ids` that the visitor may see, in the order of `ids`, with
    what a result shows (institution, labelled trades, first image and its renditions) in a
    fixed number of queries. An id the visitor may not see is left out, so a stale index never
    shows what it should not."""
    if not ids:
        return []
    visible = items_viewable_by(user=user).filter(status=ArchiveItem.Status.PUBLISHED, pk__in=ids)
    items = _with_public_relations(
        ArchiveItem.objects.filter(pk__in=visible.values("pk")), locale_id=locale_id
    )
    by_id = {item.pk: item for item in items}
    return [by_id[pk] for pk in ids if pk in by_id]


# --- Uploaded files (archive/uploads.py) ----------------------------------------------------


def media_same_content(
    *, institution_id: int, sha256: str, exclude_id: int | None = None
) -> QuerySet[MediaFile]:
    """The institution's stored files with this checksum (the same bytes), oldest first."""
    files = MediaFile.objects.filter(institution_id=institution_id, sha256=sha256)
    if exclude_id is not None:
        files = files.exclude(pk=exclude_id)
    return files.order_by("created_at", "pk")


def items_using_media(*, media_ids) -> QuerySet[ArchiveItem]:
    """Items whose recording, or one of whose savoir-faire steps, is one of `media_ids`."""
    return (
        ArchiveItem.objects.filter(Q(media_id__in=media_ids) | Q(steps__media_id__in=media_ids))
        .distinct()
        .order_by("identifier")
    )


# --- What an item uses (its images and recordings) ------------------------------------------


def item_image_ids(*, item_id: int) -> set[int]:
    """The images an item shows: a photo's images and the images of a savoir-faire's steps."""
    return {
        *ItemImage.objects.filter(item_id=item_id).values_list("image_id", flat=True),
        *SavoirFaireStep.objects.filter(item_id=item_id, image__isnull=False).values_list(
            "image_id", flat=True
        ),
    }


def item_media_ids(*, item_id: int) -> set[int]:
    """The stored files an item plays: its recording and the videos of its steps."""
    return {
        *ArchiveItem.objects.filter(pk=item_id, media__isnull=False).values_list(
            "media_id", flat=True
        ),
        *SavoirFaireStep.objects.filter(item_id=item_id, media__isnull=False).values_list(
            "media_id", flat=True
        ),
    }


def images_on_public_items(*, ids: Iterable[int] | None = None, now=None) -> set[int]:
    """Those of `ids` (all when None) that a public item shows (`ArchiveItem.objects.public`):
    the images whose public derivatives (IIIF tiles) may exist."""
    public = ArchiveItem.objects.public(now=now).values("pk")
    photos = ItemImage.objects.filter(item__in=public)
    steps = SavoirFaireStep.objects.filter(item__in=public, image__isnull=False)
    if ids is not None:
        ids = list(ids)
        photos, steps = photos.filter(image_id__in=ids), steps.filter(image_id__in=ids)
    return {
        *photos.values_list("image_id", flat=True).distinct(),
        *steps.values_list("image_id", flat=True).distinct(),
    }


def _foreign_keys_to(model) -> list[tuple[type, object]]:
    """(model, field) for every foreign key or one-to-one field of any installed model that
    points to `model`, hidden ones (related_name="+") and many-to-many tables included."""
    return [
        (related, field)
        for related in apps.get_models(include_auto_created=True)
        for field in related._meta.get_fields()
        if getattr(field, "concrete", False)
        and field.is_relation
        and (field.many_to_one or field.one_to_one)
        and field.related_model is model
    ]


def _going_with(related, item: ArchiveItem) -> Q | None:
    """Rows of `related` that deleting `item` deletes too: the item itself, and rows whose
    foreign key to it cascades (its images, steps, segments...)."""
    if related is ArchiveItem:
        return Q(pk=item.pk)
    condition = Q()
    for field in related._meta.get_fields():
        if (
            getattr(field, "concrete", False)
            and field.many_to_one
            and field.related_model is ArchiveItem
            and field.remote_field.on_delete is models.CASCADE
        ):
            condition |= Q(**{field.attname: item.pk})
    return condition or None


def ids_used_elsewhere(*, model, ids: set[int], item: ArchiveItem) -> set[int]:
    """Those of `ids` (rows of `model`) that something besides `item` uses: a foreign key of
    any model (another item, a member's logo, a page's image field) or a reference Wagtail
    indexed (an image chosen in a StreamField or embedded in rich text). Renditions do not
    count: they go with their image."""
    if not ids:
        return set()
    used: set[int] = set()
    for related, field in _foreign_keys_to(model):
        if related is CustomRendition:
            continue
        rows = related._base_manager.filter(**{f"{field.attname}__in": ids})
        going = _going_with(related, item)
        if going is not None:
            rows = rows.exclude(going)
        used.update(rows.values_list(field.attname, flat=True).distinct())
    references = ReferenceIndex.objects.filter(
        to_content_type=ContentType.objects.get_for_model(model),
        to_object_id__in=[str(pk) for pk in ids],
    ).exclude(
        base_content_type=ContentType.objects.get_for_model(ArchiveItem), object_id=str(item.pk)
    )
    used.update(int(pk) for pk in references.values_list("to_object_id", flat=True))
    return used
