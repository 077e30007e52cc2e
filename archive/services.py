"""Writes on archive data: institutions and their accounts, items, and moderation.

Every write is atomic; emails are queued in the same transaction (archive.mail) and leave
after commit. Who may see what is decided in
archive.selectors; who may *do* what, here (`Actor`), which the admin's permission policy asks.

Moderation::

    draft ─────┐
    rejected ──┼─ submit ─> submitted ─┬─ publish ─> published ─ withdraw ─> withdrawn
    withdrawn ─┘                       ├─ reject (reason) ─> rejected
                                       └─ withdraw ─> withdrawn

A published item changes by a new submission: when a contributor changes it (its form, its
transcript, its tags), it goes back to "submitted" (logged as `archive.resubmit`) and leaves
the public site until a moderator publishes it again, so unreviewed changes never appear
publicly. Published revisions were not chosen: items are small records, and keeping two
versions of their images, steps and transcript in step would cost much for little. Changes
made by moderators are reviewed by definition: the item stays published.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.log_actions import log
from wagtail.models import Collection, GroupCollectionPermission

from archive.emails import item_creator_notify
from archive.metadata import gps_position
from archive.models import (
    ArchiveItem,
    Consent,
    Contributor,
    CustomRendition,
    Institution,
    TranscriptSegment,
)
from archive.selectors import (
    MODERATORS_GROUP,
    institution_for_user,
    item_image_ids,
    items_editable_by,
    user_is_moderator,
)
from archive.transcripts import DEFAULT_MAX_BYTES, TranscriptError, parse_transcript

Status = ArchiveItem.Status
Kind = ArchiveItem.Kind

IDENTIFIER_PREFIX = "FAB"
CONTRIBUTOR_GROUP = "Contributors – %(code)s"
TAG_MAX_LENGTH = 100  # taggit's Tag.name
TRANSCRIPT_MAX_BYTES = DEFAULT_MAX_BYTES

# Permissions given to groups: (app label, codename).
ADMIN_ACCESS = ("wagtailadmin", "access_admin")
ITEM_PERMISSIONS = tuple(
    ("archive", f"{action}_archiveitem") for action in ("add", "change", "delete", "view")
)
# Images and documents are permitted per collection. The image permissions belong to
# wagtailimages.Image even with a custom image model.
COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
)


class ArchiveError(ValidationError):
    """A change the archive's rules refuse; the message is meant for the person who asked."""


class TransitionError(ArchiveError):
    """A moderation step that the item's status does not allow."""


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    refused: str  # message (lazy) when the item's status is not among the sources


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(
        frozenset({Status.DRAFT, Status.REJECTED, Status.WITHDRAWN}),
        Status.SUBMITTED,
        gettext_lazy(
            "Only a draft, rejected or withdrawn item can be submitted (this one is: %(status)s)."
        ),
    ),
    "publish": Transition(
        frozenset({Status.SUBMITTED}),
        Status.PUBLISHED,
        gettext_lazy("Only a submitted item can be published (this one is: %(status)s)."),
    ),
    "reject": Transition(
        frozenset({Status.SUBMITTED}),
        Status.REJECTED,
        gettext_lazy("Only a submitted item can be rejected (this one is: %(status)s)."),
    ),
    "withdraw": Transition(
        frozenset({Status.SUBMITTED, Status.PUBLISHED}),
        Status.WITHDRAWN,
        gettext_lazy(
            "Only a submitted or published item can be withdrawn (this one is: %(status)s)."
        ),
    ),
}
# The log entry of a published item that a change sends back to review.
RESUBMIT_ACTION = "archive.resubmit"


# --- Who may do what -----------------------------------------------------------------------

# The moderation steps only moderators take.
MODERATOR_ACTIONS = frozenset({"publish", "reject"})


def _contributor_statuses(action: str) -> frozenset[str] | None:
    """The statuses in which a contributor may `action` an item of their institution: None
    for any status, none at all for the moderators' steps and erasing, drafts only for
    deleting."""
    if action in MODERATOR_ACTIONS or action == "erase":
        return frozenset()
    if action == "delete":
        return frozenset({Status.DRAFT})
    return None


@dataclass(frozen=True)
class Actor:
    """A user as the archive sees them: a moderator, a contributor of one institution, or
    neither. Computed once per request by the admin (two queries), fresh in services."""

    user: object
    is_moderator: bool
    institution_id: int | None

    @classmethod
    def of(cls, user) -> Actor:
        if not (user.is_authenticated and user.is_active):
            return cls(user, False, None)
        institution = institution_for_user(user=user)
        return cls(user, user_is_moderator(user=user), institution.pk if institution else None)

    @classmethod
    def of_request_user(cls, user) -> Actor:
        """`of`, computed once per user object: the admin asks many times in one request (the
        menu, each row of a listing) and a request's user lives no longer than the request.
        Services, which change roles' consequences, ask `of` afresh."""
        actor = getattr(user, "_archive_actor", None)
        if actor is None:
            actor = cls.of(user)
            user._archive_actor = actor
        return actor

    @property
    def is_contributor(self) -> bool:
        return self.institution_id is not None

    @property
    def works_on_archive(self) -> bool:
        """Whether the contributor workspace (items, uploads, import) is open to this actor."""
        return self.is_moderator or self.is_contributor

    def may_create_in(self, institution_id: int | None) -> bool:
        return self.is_moderator or (self.is_contributor and institution_id == self.institution_id)

    def may(self, item: ArchiveItem, action: str) -> bool:
        """Whether this actor may `action` ("view", "change", "delete", "submit", "publish",
        "reject", "withdraw", "tag", "erase") `item`, whatever its status allows. Moderators
        may everything; contributors act on their own institution's items only, never publish,
        reject or erase, and delete drafts only."""
        if self.is_moderator:
            return True
        if not self.is_contributor or item.institution_id != self.institution_id:
            return False
        statuses = _contributor_statuses(action)
        return statuses is None or item.status in statuses

    def may_at_all(self, action: str) -> bool:
        """Whether this actor may `action` some item: the admin's question before any item."""
        if self.is_moderator:
            return True
        return self.is_contributor and _contributor_statuses(action) != frozenset()

    def items(self, actions: Iterable[str]) -> QuerySet[ArchiveItem]:
        """The items this actor may do one of `actions` to: `may` as a query."""
        items = items_editable_by(user=self.user)
        if self.is_moderator:
            return items
        statuses = [_contributor_statuses(action) for action in actions]
        if any(allowed is None for allowed in statuses):
            return items
        return items.filter(status__in=frozenset().union(*statuses))


def item_transition_allowed(*, item: ArchiveItem, action: str) -> bool:
    """Whether the item's status allows the moderation step `action` (not who asks)."""
    return item.status in TRANSITIONS[action].sources


def item_action_refusal(*, actor: Actor, item: ArchiveItem, action: str) -> str | None:
    """Why `actor` may not `action` `item`, as the person reads it, or None when they may.
    `action` is one of `Actor.may`'s, or "create" for an item not saved yet."""
    if action == "create":
        if actor.may_create_in(item.institution_id):
            return None
        return _("You cannot add items for this institution.")
    if actor.may(item, action):
        return None
    if action in MODERATOR_ACTIONS and actor.institution_id == item.institution_id:
        return _("Only moderators can publish or reject items.")
    if action == "delete" and actor.institution_id == item.institution_id:
        return _("Contributors can only delete drafts.")
    return _("You cannot change this item.")


def _require(actor: Actor, item: ArchiveItem, action: str) -> None:
    refusal = item_action_refusal(actor=actor, item=item, action=action)
    if refusal is not None:
        raise PermissionDenied(refusal)


# --- Institutions and accounts ---------------------------------------------------------


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _grant_collection(group: Group, collection: Collection) -> None:
    for app_label, codename in COLLECTION_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=_permission(app_label, codename)
        )


def _grant_items(group: Group) -> None:
    # The content type is fetched (and created if needed) before the permissions are read.
    ContentType.objects.get_for_model(ArchiveItem)
    group.permissions.add(
        *(
            _permission(app_label, codename)
            for app_label, codename in (ADMIN_ACCESS, *ITEM_PERMISSIONS)
        )
    )


def ensure_moderators_group() -> Group:
    """The network's moderators: admin access, every archive item, and the images and
    documents of every collection. Idempotent; run by `institution_setup` and the demo."""
    with transaction.atomic():
        group, _created = Group.objects.get_or_create(name=MODERATORS_GROUP)
        _grant_items(group)
        _grant_collection(group, Collection.get_first_root_node())
    return group


def institution_setup(*, member, code: str) -> Institution:
    """Make `member` a contributing institution with the identifier code `code`: its
    Institution row, a Wagtail collection (child of the root, named after the member) and a
    contributor group "Contributors – CODE" that reaches the admin, the archive items, and the
    images and documents of that collection only. Idempotent: running it again repairs what
    is missing. The code of an institution that has items cannot change (their identifiers
    use it)."""
    code = code.strip().upper()
    with transaction.atomic():
        institution = Institution.objects.select_for_update().filter(member=member).first()
        if institution is None:
            institution = Institution(member=member, code=code)
        elif institution.code != code:
            if institution.items.exists():
                raise ArchiveError(
                    _("The code of %(institution)s cannot change: its items' identifiers use it.")
                    % {"institution": institution},
                    code="code_in_use",
                )
            institution.code = code
        institution.full_clean(exclude=["member", "collection", "group"])
        institution.save()

        if institution.collection_id is None:
            institution.collection = _collection_for(institution)
        group_name = CONTRIBUTOR_GROUP % {"code": institution.code}
        if institution.group_id is None:
            institution.group = Group.objects.get_or_create(name=group_name)[0]
        elif institution.group.name != group_name:
            institution.group.name = group_name
            institution.group.save(update_fields=["name"])
        institution.save(update_fields=["collection", "group"])

        _grant_items(institution.group)
        _grant_collection(institution.group, institution.collection)
        ensure_moderators_group()
    return institution


def _collection_for(institution: Institution) -> Collection:
    """The member's collection: an unlinked child of the root with its name, or a new one."""
    root = Collection.get_first_root_node()
    linked = Institution.objects.filter(collection__isnull=False).values("collection_id")
    existing = (
        root.get_children().filter(name=institution.member.name).exclude(pk__in=linked).first()
    )
    return existing or root.add_child(name=institution.member.name)


def contributor_add(*, user, institution: Institution) -> Contributor:
    """Make `user` a contributor of `institution` (and a member of its contributor group).
    An account contributes for one institution only; moving it is refused."""
    with transaction.atomic():
        if institution.group_id is None:
            institution = institution_setup(member=institution.member, code=institution.code)
        contributor, _created = Contributor.objects.get_or_create(
            user=user, defaults={"institution": institution}
        )
        if contributor.institution_id != institution.pk:
            raise ArchiveError(
                _("%(user)s already contributes for %(institution)s.")
                % {"user": user, "institution": contributor.institution},
                code="other_institution",
            )
        user.groups.add(institution.group)
    return contributor


# --- Items -----------------------------------------------------------------------------


def _next_identifier(institution_id: int) -> str:
    """Take the institution's next number. The row stays locked until the caller's
    transaction ends, so concurrent creations get consecutive numbers; a rolled-back creation
    gives its number back, and a deleted item never gives it back."""
    return item_identifiers_take(institution_id=institution_id, count=1)[0]


def item_identifiers_take(*, institution_id: int, count: int) -> list[str]:
    """Take the institution's next `count` numbers at once (the bulk import asks for
    thousands), locking the institution's row like `_next_identifier`. Must run inside the
    caller's transaction. Identifiers written by other paths (the demo loader, an import
    keeping the identifiers of a previous system) are skipped rather than collided with."""
    institution = Institution.objects.select_for_update().get(pk=institution_id)
    identifiers: list[str] = []
    number = institution.next_number
    while len(identifiers) < count:
        # Candidates are checked a window at a time: one query in the usual case, and never
        # an IN list longer than the databases like.
        window = min(count - len(identifiers), 1000)
        candidates = [
            f"{IDENTIFIER_PREFIX}-{institution.code}-{n:04d}"
            for n in range(number, number + window)
        ]
        taken = set(
            ArchiveItem.objects.filter(identifier__in=candidates).values_list(
                "identifier", flat=True
            )
        )
        identifiers.extend(c for c in candidates if c not in taken)
        number += window
    institution.next_number = number
    institution.save(update_fields=["next_number"])
    return identifiers


def item_create(*, institution: Institution, kind: str, user, **fields) -> ArchiveItem:
    """Create a draft item of `kind` for `institution`, validated like the admin form.

    `fields` are model fields, plus `trades` (trades or ids) and `tags` (names). Raises
    ValidationError for invalid values and PermissionDenied if `user` may not create items
    for the institution."""
    trades = fields.pop("trades", None)
    tags = fields.pop("tags", None)
    item = ArchiveItem(institution=institution, kind=kind, **fields)
    item.full_clean(exclude=["identifier"])
    if trades is not None:
        item.trades.set(trades)
    if tags:
        item.tags.add(*tags_clean(tags=tags))
    return item_save(item=item, user=user)


def item_save(*, item: ArchiveItem, user) -> ArchiveItem:
    """Save an item built or changed elsewhere (the admin form gives it with its images,
    steps, trades and tags in memory).

    A new item gets its identifier and starts as a draft. For an existing one, the moderation
    fields are read again under a row lock (a concurrent transition wins over a form opened
    before it), and the resubmission rule applies (see the module docstring)."""
    actor = Actor.of(user)
    with transaction.atomic():
        if item.pk is None:
            if item.institution_id is None:
                raise ArchiveError(
                    {"institution": _("Choose the institution the item belongs to.")},
                    code="required",
                )
            _require(actor, item, "create")
            item.identifier = _next_identifier(item.institution_id)
            item.status = Status.DRAFT
            item.rejection_reason = ""
            item.published_at = None
            item.created_by = item.updated_by = user
            item.save()
            log(instance=item, action="wagtail.create", user=user, content_changed=True)
            return item

        current = ArchiveItem.objects.select_for_update().get(pk=item.pk)
        _require(actor, current, "change")
        if not actor.may_create_in(item.institution_id):
            raise PermissionDenied(_("You cannot move items to another institution."))
        for name in ("identifier", "status", "rejection_reason", "published_at", "created_by_id"):
            setattr(item, name, getattr(current, name))
        resubmitted = _resubmit_if_published(item, actor)
        item.updated_by = user
        item.save()
        log(instance=item, action="wagtail.edit", user=user, content_changed=True)
        if resubmitted:
            _log_transition(item, user, RESUBMIT_ACTION, Status.PUBLISHED)
    return item


def item_change_resubmits(*, item: ArchiveItem, actor: Actor | None) -> bool:
    """Whether a change to `item` by `actor` sends it back to review (see the module
    docstring). `None` is the system (the command line without an account), which acts as a
    moderator."""
    return item.status == Status.PUBLISHED and actor is not None and not actor.is_moderator


def item_resubmit_for_change(*, item: ArchiveItem, actor: Actor | None) -> dict | None:
    """Apply the resubmission rule to `item`, about to be saved with a change by `actor`: when
    it goes back to review, set its status and return the data of its `RESUBMIT_ACTION` log
    entry (for writers that log in bulk); else None."""
    if not item_change_resubmits(item=item, actor=actor):
        return None
    previous = item.status
    item.status = Status.SUBMITTED
    return _transition_data(item, previous)


def _resubmit_if_published(item: ArchiveItem, actor: Actor) -> bool:
    return item_resubmit_for_change(item=item, actor=actor) is not None


def _transition_data(item: ArchiveItem, previous: str, **data) -> dict:
    return {"from": previous, "to": item.status, **data}


def _log_transition(item: ArchiveItem, user, action: str, previous: str, **data) -> None:
    log(instance=item, action=action, user=user, data=_transition_data(item, previous, **data))


def _transition(item: ArchiveItem, user, action: str, **changes) -> ArchiveItem:
    """Move `item` along TRANSITIONS[action] under a row lock; update the caller's instance."""
    rule = TRANSITIONS[action]
    actor = Actor.of(user)
    with transaction.atomic():
        locked = ArchiveItem.objects.select_for_update().get(pk=item.pk)
        _require(actor, locked, action)
        if locked.status not in rule.sources:
            raise TransitionError(
                rule.refused % {"status": locked.get_status_display()},
                code="invalid_transition",
            )
        if action == "submit":
            _check_complete(locked)
        previous = locked.status
        locked.status = rule.target
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.updated_by = user
        locked.save(update_fields=["status", *changes, "updated_by", "updated_at"])
        _log_transition(
            locked,
            user,
            f"archive.{action}",
            previous,
            **({"reason": changes["rejection_reason"]} if action == "reject" else {}),
        )
    for name in ("status", "updated_by", "updated_at", *changes):
        setattr(item, name, getattr(locked, name))
    return item


def review_gaps(
    *, kind: str, has_images: bool, has_recording_or_transcript: bool, has_consent: bool
) -> list[tuple[str, str]]:
    """What a moderator needs to review an item of `kind` and it lacks, as (part, message):
    part is "images", "media" or "consent". Shared by submission and the bulk import, which
    asks it of rows not saved yet."""
    gaps = []
    if kind == Kind.PHOTO and not has_images:
        gaps.append(("images", _("Add at least one image before submitting a photo.")))
    if kind == Kind.ORAL_HISTORY:
        if not has_recording_or_transcript:
            gaps.append(
                (
                    "media",
                    _("Add the recording or import the transcript before submitting an interview."),
                )
            )
        if not has_consent:
            gaps.append(
                ("consent", _("Record the narrator's consent before submitting an interview."))
            )
    return gaps


def _check_complete(item: ArchiveItem) -> None:
    """Checked when an item is submitted; each query only for the kind that needs it."""
    oral_history = item.kind == Kind.ORAL_HISTORY
    gaps = review_gaps(
        kind=item.kind,
        has_images=item.kind == Kind.PHOTO and item.images.exists(),
        has_recording_or_transcript=oral_history
        and (item.media_id is not None or item.segments.exists()),
        has_consent=oral_history and Consent.objects.filter(item=item).exists(),
    )
    if gaps:
        raise ArchiveError([message for _part, message in gaps], code="incomplete")


def item_submit(*, item: ArchiveItem, user) -> ArchiveItem:
    """Send a draft, rejected or withdrawn item to the moderators."""
    return _transition(item, user, "submit", rejection_reason="")


def item_publish(*, item: ArchiveItem, user) -> ArchiveItem:
    """Publish a submitted item (moderators only); its creator gets an email."""
    with transaction.atomic():
        _transition(item, user, "publish", published_at=timezone.now(), rejection_reason="")
        item_creator_notify(item_id=item.pk, template="item_published")
    return item


def item_reject(*, item: ArchiveItem, user, reason: str) -> ArchiveItem:
    """Reject a submitted item (moderators only) with a reason, emailed to its creator."""
    reason = (reason or "").strip()
    if not reason:
        raise ArchiveError(
            _("Give the reason for the rejection: the contributor will read it."),
            code="reason_required",
        )
    with transaction.atomic():
        _transition(item, user, "reject", rejection_reason=reason)
        item_creator_notify(item_id=item.pk, template="item_rejected")
    return item


def item_withdraw(*, item: ArchiveItem, user) -> ArchiveItem:
    """Take a submitted or published item back: it leaves the review queue or the public site.
    Its public derivatives (image renditions) are removed once the withdrawal is committed."""
    _transition(item, user, "withdraw")
    item_id = item.pk

    # A named function, not a functools.partial: Django names a robust callback that fails by
    # its __qualname__, which a partial lacks (see archive/erasure.py).
    def remove_derivatives():
        item_derivatives_remove(item_id=item_id)

    transaction.on_commit(remove_derivatives, robust=True)
    return item


def _record_change(
    item: ArchiveItem, actor: Actor, *, action: str, fields: tuple[str, ...] = (), **data
) -> None:
    """Save a change to a locked item (`fields`, plus who and when), apply the resubmission
    rule, and log `action`."""
    previous = item.status
    resubmitted = _resubmit_if_published(item, actor)
    item.updated_by = actor.user
    item.save(update_fields=[*fields, "status", "updated_by", "updated_at"])
    log(instance=item, action=action, user=actor.user, content_changed=True, data=data)
    if resubmitted:
        _log_transition(item, actor.user, RESUBMIT_ACTION, previous)


def item_consent_set(
    *,
    item: ArchiveItem,
    user,
    consent_date,
    scope: str,
    embargo_until=None,
    withdrawn_at=None,
    notes: str = "",
) -> Consent:
    """Record or update the narrator's consent of an oral history."""
    actor = Actor.of(user)
    _require(actor, item, "change")
    if item.kind != Kind.ORAL_HISTORY:
        raise ArchiveError(_("Only oral histories have a consent record."), code="kind")
    consent, _created = Consent.objects.update_or_create(
        item=item,
        defaults={
            "consent_date": consent_date,
            "scope": scope,
            "embargo_until": embargo_until,
            "withdrawn_at": withdrawn_at,
            "notes": notes,
        },
    )
    return consent


def item_transcript_import(*, item: ArchiveItem, data: bytes, user) -> int:
    """Replace an oral history's transcript with the segments read from `data` (WebVTT, SRT
    or speaker turns). All or nothing: a file that cannot be read changes nothing and raises
    ArchiveError with a message that says why (and on which line). Returns the segment count."""
    actor = Actor.of(user)
    _require(actor, item, "change")
    if item.kind != Kind.ORAL_HISTORY:
        raise ArchiveError(_("Only oral histories have a transcript."), code="kind")
    try:
        segments = parse_transcript(data)
    except TranscriptError as error:
        raise ArchiveError(error.message, code="transcript") from error
    if not segments:
        raise ArchiveError(
            _("The file holds no transcript text; the current transcript is unchanged."),
            code="transcript_empty",
        )
    with transaction.atomic():
        locked = ArchiveItem.objects.select_for_update().get(pk=item.pk)
        _require(actor, locked, "change")
        TranscriptSegment.objects.filter(item=locked).delete()
        TranscriptSegment.objects.bulk_create(
            TranscriptSegment(
                item=locked,
                position=position,
                start_ms=segment.start_ms,
                end_ms=segment.end_ms,
                speaker=segment.speaker,
                text=segment.text,
            )
            for position, segment in enumerate(segments, start=1)
        )
        _record_change(locked, actor, action="archive.transcript", segments=len(segments))
    item.status, item.updated_by = locked.status, locked.updated_by
    return len(segments)


def tags_clean(*, tags: Iterable[str]) -> list[str]:
    """Tag names as stored: inner spaces collapsed, empty ones dropped, duplicates (ignoring
    case) removed; a name longer than taggit allows is refused."""
    cleaned = []
    for tag in tags:
        name = " ".join(str(tag).split())
        if not name:
            continue
        if len(name) > TAG_MAX_LENGTH:
            raise ArchiveError(
                _("A tag is at most %(max)d characters long.") % {"max": TAG_MAX_LENGTH},
                code="tag_too_long",
            )
        if name.casefold() not in {t.casefold() for t in cleaned}:
            cleaned.append(name)
    return cleaned


@dataclass(frozen=True)
class TaggingResult:
    tagged: int  # items changed
    resubmitted: int  # of which published items sent back for review


def items_tag(*, items: Iterable[ArchiveItem | int], tags: Iterable[str], user) -> TaggingResult:
    """Add `tags` to those of `items` (instances or ids) that `user` may edit; the others are
    ignored. A contributor's tags on a published item send it back for review, like any other
    change."""
    names = tags_clean(tags=tags)
    if not names:
        raise ArchiveError(_("Give at least one tag."), code="no_tags")
    ids = {item.pk if isinstance(item, ArchiveItem) else int(item) for item in items}
    actor = Actor.of(user)
    tagged = resubmitted = 0
    with transaction.atomic():
        for item in (
            items_editable_by(user=user).filter(pk__in=ids).select_for_update().order_by("pk")
        ):
            was_published = item.status == Status.PUBLISHED
            item.tags.add(*names)
            _record_change(item, actor, action="archive.tag", fields=("tagged_items",), tags=names)
            tagged += 1
            resubmitted += was_published and item.status == Status.SUBMITTED
    return TaggingResult(tagged, resubmitted)


# --- Privacy: photo positions, public derivatives ------------------------------------------
# Originals (CustomImage files, MediaFile objects) are private; the public sees renditions,
# which carry no metadata (archive/renditions.py), and recordings through access-checked views.
# Erasing originals: archive/erasure.py.

COORDINATE_STEP = Decimal("0.000001")  # the decimal places of the place's latitude/longitude


def image_gps_position(*, image) -> tuple[float, float] | None:
    """The GPS position recorded in the EXIF of `image`'s original file, or None when it
    records none. Only the private original has it: renditions are stripped. Raises
    ArchiveError when the original cannot be read (missing or damaged file)."""
    try:
        with image.open_file() as original:
            return gps_position(original)
    except (OSError, ValidationError) as error:
        raise ArchiveError(
            _("The original file of “%(image)s” cannot be read.") % {"image": image.title},
            code="unreadable",
        ) from error


def item_place_from_photo(*, item: ArchiveItem, image, user) -> tuple[Decimal, Decimal]:
    """Copy the GPS position recorded in one of the item's images (read from its private
    original) to the item's latitude and longitude. The rest of the place (name, commune...)
    is left to the contributor. A change like any other: logged as `archive.place_from_photo`,
    and a contributor's change to a published item sends it back for review. Raises
    ArchiveError, changing nothing, when the image is not the item's or records no position."""
    actor = Actor.of(user)
    _require(actor, item, "change")
    if image.pk not in item_image_ids(item_id=item.pk):
        raise ArchiveError(_("This image is not one of the item's images."), code="not_item_image")
    position = image_gps_position(image=image)
    if position is None:
        raise ArchiveError(
            _("“%(image)s” records no GPS position: the item's place is unchanged.")
            % {"image": image.title},
            code="no_gps",
        )
    latitude, longitude = (Decimal(str(value)).quantize(COORDINATE_STEP) for value in position)
    with transaction.atomic():
        locked = ArchiveItem.objects.select_for_update().get(pk=item.pk)
        _require(actor, locked, "change")
        locked.latitude, locked.longitude = latitude, longitude
        _record_change(
            locked,
            actor,
            action="archive.place_from_photo",
            fields=("latitude", "longitude"),
            image=image.pk,
        )
    for name in ("latitude", "longitude", "status", "updated_by", "updated_at"):
        setattr(item, name, getattr(locked, name))
    return latitude, longitude


def item_derivatives_remove(*, item_id: int) -> int:
    """Delete the public derivatives of an item, the renditions of its images, and return how
    many went. Rows go now; Wagtail's own handlers delete the files once the transaction
    commits. An image also shown elsewhere (another item, a page) simply gets fresh renditions
    on its next view.

    Recordings have no public copy to remove: they are played from the private original
    through archive.views.public.item_media, which checks that the item is visible, and the
    presigned S3 URLs it hands out expire after a few minutes (archive.serving)."""
    image_ids = item_image_ids(item_id=item_id)
    if not image_ids:
        return 0
    removed, _per_model = CustomRendition.objects.filter(image_id__in=image_ids).delete()
    return removed
