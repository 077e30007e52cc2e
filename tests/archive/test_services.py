"""archive.services: institutions and accounts, identifiers, moderation, its audit log and
emails, the resubmission rule, transcript import and bulk tagging."""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import formats, timezone, translation

from wagtail.log_actions import registry as log_registry
from wagtail.models import Collection, GroupCollectionPermission
from wagtail.permissions import policy_registry
from wagtail.users.models import UserProfile

import pytest

from archive import services
from archive.models import (
    ArchiveItem,
    ArchiveItemLogEntry,
    Consent,
    CustomImage,
    Institution,
    TranscriptSegment,
)
from archive.selectors import MODERATORS_GROUP
from tests.factories import CustomImageFactory, MemberFactory, TradeFactory
from tests.factories.archive import (
    ArchiveItemFactory,
    InstitutionFactory,
    UserFactory,
    moderator,
)

Status = ArchiveItem.Status
Kind = ArchiveItem.Kind

VTT = b"""WEBVTT

00:00:01.000 --> 00:00:04.500
<v Marcel>On descendait a cinq heures.

00:00:05.000 --> 00:00:09.000
<v Marcel>La cage tombait tres vite.

00:00:09.500 --> 00:00:12.000
<v Enqueteur>Vous aviez peur ?
"""
SRT = b"""1
00:00:01,000 --> 00:00:03,000
Premier sous-titre.

2
00:00:03,500 --> 00:00:06,000
Second sous-titre.
"""
TURNS = "Speaker #1\nJ'ai commencé au tissage en 1952.\n\nSpeaker #2\nÀ quel âge ?\n".encode()
BROKEN_VTT = b"WEBVTT\n\n00:00:01.000 --> 00:00:04.500\nBon.\n\n00:00:xx --> 00:00:09.000\nCasse.\n"


def log_actions(item) -> list[tuple[str, str]]:
    """(action, username) of the item's audit log, oldest first."""
    return [
        (entry.action, entry.user.username if entry.user else "")
        for entry in ArchiveItemLogEntry.objects.filter(item_id=item.pk).order_by("timestamp", "pk")
    ]


def oral_history(world, **kwargs):
    item = ArchiveItemFactory(
        institution=world.a, kind=Kind.ORAL_HISTORY, created_by=world.contributor, **kwargs
    )
    Consent.objects.create(item=item, consent_date="2024-03-01", scope=Consent.Scope.PUBLIC_WEB)
    return item


# --- Institutions and accounts ---------------------------------------------------------


def test_institution_setup_gives_a_collection_and_a_group_limited_to_it(world):
    a = world.a
    assert a.collection.name == "Centre historique minier"
    assert a.collection.get_parent() == Collection.get_first_root_node()
    assert a.group.name == "Contributors – CMSH"
    assert set(a.group.permissions.values_list("content_type__app_label", "codename")) == {
        ("wagtailadmin", "access_admin"),
        ("archive", "add_archiveitem"),
        ("archive", "change_archiveitem"),
        ("archive", "delete_archiveitem"),
        ("archive", "view_archiveitem"),
    }
    granted = GroupCollectionPermission.objects.filter(group=a.group)
    assert {p.collection_id for p in granted} == {a.collection_id}
    assert {p.permission.codename for p in granted} == {
        "add_image",
        "change_image",
        "choose_image",
        "add_document",
        "change_document",
        "choose_document",
    }


def test_institution_setup_is_idempotent(world):
    counts = (
        Institution.objects.count(),
        Collection.objects.count(),
        GroupCollectionPermission.objects.count(),
        world.a.group.permissions.count(),
    )

    again = services.institution_setup(member=world.a.member, code="cmsh")

    assert (again.pk, again.collection_id, again.group_id) == (
        world.a.pk,
        world.a.collection_id,
        world.a.group_id,
    )
    assert counts == (
        Institution.objects.count(),
        Collection.objects.count(),
        GroupCollectionPermission.objects.count(),
        again.group.permissions.count(),
    )


def test_institution_setup_links_the_members_existing_collection(db):
    member = MemberFactory(name="Musée du verre")
    existing = Collection.get_first_root_node().add_child(name="Musée du verre")

    institution = services.institution_setup(member=member, code="VERRE")

    assert institution.collection == existing
    assert Collection.objects.filter(name="Musée du verre").count() == 1


def test_institution_code_is_validated_and_frozen_once_used(world):
    with pytest.raises(ValidationError):
        services.institution_setup(member=MemberFactory(), code="no spaces!")
    ArchiveItemFactory(institution=world.a)

    with pytest.raises(services.ArchiveError):
        services.institution_setup(member=world.a.member, code="OTHER")

    world.a.refresh_from_db()
    assert world.a.code == "CMSH"


def test_contributor_images_are_limited_to_their_collection(world):
    own = CustomImageFactory(collection=world.a.collection)
    CustomImageFactory(collection=world.b.collection)
    CustomImageFactory()  # root collection

    images = policy_registry.get_by_type(CustomImage)
    choosable = images.instances_user_has_any_permission_for(world.contributor, ["choose"])

    assert list(choosable) == [own]
    assert images.user_has_permission_for_instance(world.contributor, "change", own)


def test_contributor_add_is_idempotent_and_one_institution_per_account(world):
    again = services.contributor_add(user=world.contributor, institution=world.a)
    assert again.institution == world.a
    assert world.contributor.groups.filter(pk=world.a.group_id).exists()

    with pytest.raises(services.ArchiveError):
        services.contributor_add(user=world.contributor, institution=world.b)

    assert not world.contributor.groups.filter(pk=world.b.group_id).exists()


def test_moderators_group_reaches_every_item_and_collection(world):
    group = services.ensure_moderators_group()

    assert group.name == MODERATORS_GROUP
    assert services.ensure_moderators_group() == group
    assert group.permissions.filter(codename="change_archiveitem").exists()
    assert GroupCollectionPermission.objects.filter(
        group=group,
        collection=Collection.get_first_root_node(),
        permission=Permission.objects.get(codename="choose_image"),
    ).exists()


# --- Items and identifiers ------------------------------------------------------------------


def test_identifiers_are_sequential_per_institution(world):
    a_items = [ArchiveItemFactory(institution=world.a) for _ in range(3)]
    b_item = ArchiveItemFactory(institution=world.b)

    assert [item.identifier for item in a_items] == [
        "FAB-CMSH-0001",
        "FAB-CMSH-0002",
        "FAB-CMSH-0003",
    ]
    assert b_item.identifier == "FAB-TISS-0001"


def test_deleted_items_never_give_their_number_back(world):
    ArchiveItemFactory(institution=world.a)
    ArchiveItemFactory(institution=world.a).delete()

    assert ArchiveItemFactory(institution=world.a).identifier == "FAB-CMSH-0003"


def test_identifiers_written_elsewhere_are_skipped(world):
    ArchiveItem.objects.create(
        identifier="FAB-CMSH-0001", institution=world.a, kind=Kind.PHOTO, title="Importé"
    )

    assert ArchiveItemFactory(institution=world.a).identifier == "FAB-CMSH-0002"
    assert ArchiveItemFactory(institution=world.a).identifier == "FAB-CMSH-0003"


def test_a_rolled_back_creation_gives_its_number_back(world):
    with transaction.atomic():
        ArchiveItemFactory(institution=world.a)
        transaction.set_rollback(True)

    assert ArchiveItemFactory(institution=world.a).identifier == "FAB-CMSH-0001"


def test_item_create_records_author_trades_and_tags(world):
    trade = TradeFactory(name="Mineur de fond")

    item = services.item_create(
        institution=world.a,
        kind=Kind.PHOTO,
        user=world.contributor,
        title="La remonte",
        trades=[trade],
        tags=["fosse 9", "Fosse 9", " remonte "],
    )

    item = ArchiveItem.objects.get(pk=item.pk)
    assert item.status == Status.DRAFT
    assert (item.created_by, item.updated_by) == (world.contributor, world.contributor)
    assert list(item.trades.all()) == [trade]
    assert sorted(item.tags.names()) == ["fosse 9", "remonte"]
    assert log_actions(item) == [("wagtail.create", world.contributor.username)]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"latitude": Decimal("50.4")}, "longitude"),
        ({"year_from": 1960, "year_to": 1950}, "year_to"),
        ({"latitude": Decimal("95"), "longitude": Decimal("2")}, "latitude"),
    ],
)
def test_item_create_refuses_invalid_values_and_takes_no_number(world, fields, field):
    with pytest.raises(ValidationError) as error:
        services.item_create(
            institution=world.a, kind=Kind.PHOTO, user=world.contributor, title="T", **fields
        )

    assert field in error.value.message_dict
    assert not ArchiveItem.objects.exists()
    world.a.refresh_from_db()
    assert world.a.next_number == 1


def test_contributor_cannot_create_for_another_institution(world):
    with pytest.raises(PermissionDenied):
        services.item_create(
            institution=world.b, kind=Kind.PHOTO, user=world.contributor, title="T"
        )

    assert not ArchiveItem.objects.exists()
    world.b.refresh_from_db()
    assert world.b.next_number == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_creations_get_unique_consecutive_identifiers():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    institution = InstitutionFactory(code="PAR")
    author = moderator()
    workers = 20
    start = threading.Barrier(workers)
    errors = []

    def create(number):
        try:
            start.wait(timeout=30)
            services.item_create(
                institution=institution, kind=Kind.PHOTO, user=author, title=f"Photo {number}"
            )
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(create, range(workers)))

    assert errors == []
    identifiers = sorted(ArchiveItem.objects.values_list("identifier", flat=True))
    assert identifiers == [f"FAB-PAR-{n:04d}" for n in range(1, workers + 1)]
    institution.refresh_from_db()
    assert institution.next_number == workers + 1


# --- Moderation -------------------------------------------------------------------------------

ALLOWED_FROM = {
    "submit": {Status.DRAFT, Status.REJECTED, Status.WITHDRAWN},
    "publish": {Status.SUBMITTED},
    "reject": {Status.SUBMITTED},
    "withdraw": {Status.SUBMITTED, Status.PUBLISHED},
}
TARGET = {
    "submit": Status.SUBMITTED,
    "publish": Status.PUBLISHED,
    "reject": Status.REJECTED,
    "withdraw": Status.WITHDRAWN,
}


def run(action, item, user):
    service = getattr(services, f"item_{action}")
    if action == "reject":
        return service(item=item, user=user, reason="Les visages sont reconnaissables.")
    return service(item=item, user=user)


@pytest.mark.parametrize("role", ["contributor", "moderator"])
@pytest.mark.parametrize("action", list(ALLOWED_FROM))
@pytest.mark.parametrize("status", Status.values)
def test_transitions(world, role, action, status):
    item = ArchiveItemFactory(institution=world.a, status=status, images=1)
    user = getattr(world, role)
    role_allowed = role == "moderator" or action in ("submit", "withdraw")

    if not role_allowed:
        with pytest.raises(PermissionDenied):
            run(action, item, user)
    elif status not in ALLOWED_FROM[action]:
        with pytest.raises(services.TransitionError):
            run(action, item, user)
    else:
        run(action, item, user)
        assert item.status == TARGET[action]
        assert ArchiveItem.objects.get(pk=item.pk).status == TARGET[action]
        assert log_actions(item)[-1] == (f"archive.{action}", user.username)
        return

    assert ArchiveItem.objects.get(pk=item.pk).status == status
    assert log_actions(item)[-1][0] == "wagtail.create"


@pytest.mark.parametrize("action", list(ALLOWED_FROM))
def test_contributors_never_act_on_another_institutions_items(world, action):
    item = ArchiveItemFactory(institution=world.b, status=Status.SUBMITTED, images=1)

    with pytest.raises(PermissionDenied):
        run(action, item, world.contributor)

    assert ArchiveItem.objects.get(pk=item.pk).status == Status.SUBMITTED


def test_reject_needs_a_reason(world):
    item = ArchiveItemFactory(institution=world.a, status=Status.SUBMITTED)

    with pytest.raises(services.ArchiveError) as error:
        services.item_reject(item=item, user=world.moderator, reason="  ")

    assert error.value.code == "reason_required"
    assert ArchiveItem.objects.get(pk=item.pk).status == Status.SUBMITTED


def test_publish_dates_the_publication_and_clears_an_old_reason(world):
    item = ArchiveItemFactory(institution=world.a, status=Status.SUBMITTED)
    ArchiveItem.objects.filter(pk=item.pk).update(rejection_reason="Ancienne raison")

    services.item_publish(item=item, user=world.moderator)

    item.refresh_from_db()
    assert item.published_at is not None
    assert item.rejection_reason == ""
    assert ArchiveItem.objects.public().filter(pk=item.pk).exists()


def test_submission_needs_what_a_moderator_reviews(world):
    photo = ArchiveItemFactory(institution=world.a)
    interview = ArchiveItemFactory(institution=world.a, kind=Kind.ORAL_HISTORY)

    with translation.override("en"):
        with pytest.raises(services.ArchiveError) as photo_error:
            services.item_submit(item=photo, user=world.contributor)
        with pytest.raises(services.ArchiveError) as interview_error:
            services.item_submit(item=interview, user=world.contributor)

    assert "image" in photo_error.value.messages[0]
    assert len(interview_error.value.messages) == 2  # recording or transcript; consent
    assert set(ArchiveItem.objects.values_list("status", flat=True)) == {Status.DRAFT}


def test_a_transcript_only_interview_with_consent_can_be_submitted(world):
    item = oral_history(world)
    services.item_transcript_import(item=item, data=TURNS, user=world.contributor)

    services.item_submit(item=item, user=world.contributor)

    assert ArchiveItem.objects.get(pk=item.pk).status == Status.SUBMITTED


def test_the_audit_log_tells_the_whole_story(world):
    item = ArchiveItemFactory(institution=world.a, images=1, created_by=world.contributor)
    c, m = world.contributor, world.moderator

    services.item_submit(item=item, user=c)
    services.item_reject(item=item, user=m, reason="Légende manquante.")
    services.item_submit(item=item, user=c)
    services.item_publish(item=item, user=m)
    services.item_withdraw(item=item, user=c)

    assert log_actions(item) == [
        ("wagtail.create", c.username),
        ("archive.submit", c.username),
        ("archive.reject", m.username),
        ("archive.submit", c.username),
        ("archive.publish", m.username),
        ("archive.withdraw", c.username),
    ]
    reject = ArchiveItemLogEntry.objects.get(item_id=item.pk, action="archive.reject")
    assert reject.data == {"from": "submitted", "to": "rejected", "reason": "Légende manquante."}
    assert reject.comment == "Légende manquante."
    with translation.override("en"):
        assert log_registry.get_action_label("archive.publish") == "Publish"
        assert log_registry.get_action_label("archive.resubmit") == "Back to review"


# --- Emails -----------------------------------------------------------------------------------


def test_publication_emails_the_creator_after_commit(world, django_capture_on_commit_callbacks):
    item = ArchiveItemFactory(
        institution=world.a, status=Status.SUBMITTED, created_by=world.contributor
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.item_publish(item=item, user=world.moderator)
        assert mail.outbox == []

    (message,) = mail.outbox
    assert message.to == [world.contributor.email]
    assert "FAB-CMSH-0001" in message.subject
    assert f"/admin/archive/items/edit/{item.pk}/" in message.body


def test_rejection_emails_the_reason(world, django_capture_on_commit_callbacks):
    item = ArchiveItemFactory(
        institution=world.a, status=Status.SUBMITTED, created_by=world.contributor
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.item_reject(item=item, user=world.moderator, reason="Droits à préciser.")

    (message,) = mail.outbox
    assert message.to == [world.contributor.email]
    assert "Droits à préciser." in message.body


def test_a_rolled_back_publication_sends_nothing(world, django_capture_on_commit_callbacks):
    item = ArchiveItemFactory(
        institution=world.a, status=Status.SUBMITTED, created_by=world.contributor
    )

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.item_publish(item=item, user=world.moderator)
        transaction.set_rollback(True)

    assert mail.outbox == []
    assert ArchiveItem.objects.get(pk=item.pk).status == Status.SUBMITTED


@pytest.mark.parametrize("preferred", ["en", "de", ""])
def test_emails_speak_the_creators_admin_language(
    world, django_capture_on_commit_callbacks, preferred, paris_past_midnight
):
    creator = UserFactory(username=f"auteur-{preferred or 'defaut'}")
    services.contributor_add(user=creator, institution=world.a)
    UserProfile.objects.create(user=creator, preferred_language=preferred)
    item = ArchiveItemFactory(institution=world.a, status=Status.SUBMITTED, created_by=creator)

    with django_capture_on_commit_callbacks(execute=True):
        services.item_publish(item=item, user=world.moderator)

    item.refresh_from_db()
    assert item.published_at == paris_past_midnight
    expected = preferred or "fr"  # settings.LANGUAGE_CODE
    with translation.override(expected):
        # The day in Paris (TIME_ZONE), as the email says it: already the 8th there.
        date = formats.date_format(timezone.localtime(item.published_at), "j F Y")
    assert date in mail.outbox[0].body
    assert date.startswith("8")


def test_no_email_for_a_creator_without_address(world, django_capture_on_commit_callbacks):
    creator = UserFactory(username="sans-adresse", email="")
    services.contributor_add(user=creator, institution=world.a)
    item = ArchiveItemFactory(institution=world.a, status=Status.SUBMITTED, created_by=creator)

    with django_capture_on_commit_callbacks(execute=True):
        services.item_publish(item=item, user=world.moderator)

    assert mail.outbox == []


# --- Changing a published item: a new submission ------------------------------------------


def test_a_contributors_change_sends_a_published_item_back_for_review(world):
    item = ArchiveItemFactory(institution=world.a, status=Status.PUBLISHED)
    assert ArchiveItem.objects.public().filter(pk=item.pk).exists()

    item.title = "Titre corrigé"
    services.item_save(item=item, user=world.contributor)

    item.refresh_from_db()
    assert (item.status, item.title) == (Status.SUBMITTED, "Titre corrigé")
    assert not ArchiveItem.objects.public().filter(pk=item.pk).exists()
    assert log_actions(item)[-2:] == [
        ("wagtail.edit", world.contributor.username),
        ("archive.resubmit", world.contributor.username),
    ]


def test_a_moderators_change_keeps_the_item_published(world):
    item = ArchiveItemFactory(institution=world.a, status=Status.PUBLISHED)

    item.title = "Titre revu"
    services.item_save(item=item, user=world.moderator)

    assert ArchiveItem.objects.get(pk=item.pk).status == Status.PUBLISHED
    assert log_actions(item)[-1] == ("wagtail.edit", world.moderator.username)


def test_a_stale_form_cannot_undo_a_transition(world):
    item = ArchiveItemFactory(institution=world.a, images=1)
    stale = ArchiveItem.objects.get(pk=item.pk)  # opened in a form while still a draft
    services.item_submit(item=item, user=world.contributor)

    stale.title = "Modifié dans le vieux formulaire"
    services.item_save(item=stale, user=world.contributor)

    assert ArchiveItem.objects.get(pk=item.pk).status == Status.SUBMITTED


def test_a_contributor_cannot_move_an_item_to_another_institution(world):
    item = ArchiveItemFactory(institution=world.a)
    item.institution = world.b

    with pytest.raises(PermissionDenied):
        services.item_save(item=item, user=world.contributor)

    assert ArchiveItem.objects.get(pk=item.pk).institution == world.a


# --- Transcripts ---------------------------------------------------------------------------


def segments(item) -> list[tuple]:
    return list(
        TranscriptSegment.objects.filter(item=item)
        .order_by("position")
        .values_list("position", "start_ms", "end_ms", "speaker", "text")
    )


def test_transcript_import_replaces_the_segments(world):
    item = oral_history(world)

    assert services.item_transcript_import(item=item, data=VTT, user=world.contributor) == 3
    assert services.item_transcript_import(item=item, data=SRT, user=world.contributor) == 2

    assert segments(item) == [
        (1, 1000, 3000, "", "Premier sous-titre."),
        (2, 3500, 6000, "", "Second sous-titre."),
    ]
    assert log_actions(item)[-1] == ("archive.transcript", world.contributor.username)


def test_untimed_speaker_turns_are_imported(world):
    item = oral_history(world)

    services.item_transcript_import(item=item, data=TURNS, user=world.contributor)

    assert [(s[1], s[3]) for s in segments(item)] == [(None, "Speaker #1"), (None, "Speaker #2")]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (BROKEN_VTT, "Line 6"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00binary", "binary"),
        (b"", "empty"),
        (b"WEBVTT\n\n", "no transcript text"),
    ],
)
def test_a_bad_transcript_changes_nothing(world, data, words):
    item = oral_history(world)
    services.item_transcript_import(item=item, data=VTT, user=world.contributor)
    before, log_before = segments(item), log_actions(item)

    with translation.override("en"), pytest.raises(services.ArchiveError) as error:
        services.item_transcript_import(item=item, data=data, user=world.contributor)

    assert words in error.value.messages[0]
    assert segments(item) == before
    assert log_actions(item) == log_before


def test_only_oral_histories_have_a_transcript(world):
    photo = ArchiveItemFactory(institution=world.a)

    with pytest.raises(services.ArchiveError):
        services.item_transcript_import(item=photo, data=VTT, user=world.contributor)

    assert not TranscriptSegment.objects.exists()


def test_transcripts_of_other_institutions_are_out_of_reach(world):
    item = oral_history(world)

    with pytest.raises(PermissionDenied):
        services.item_transcript_import(item=item, data=VTT, user=world.other)

    assert segments(item) == []


def test_a_new_transcript_sends_a_published_interview_back_for_review(world):
    item = oral_history(world)
    ArchiveItem.objects.filter(pk=item.pk).update(status=Status.PUBLISHED)
    item.refresh_from_db()

    services.item_transcript_import(item=item, data=VTT, user=world.contributor)

    assert ArchiveItem.objects.get(pk=item.pk).status == Status.SUBMITTED
    assert item.status == Status.SUBMITTED


# --- Bulk tagging ------------------------------------------------------------------------


def test_bulk_tagging_touches_only_editable_items(world):
    own = [ArchiveItemFactory(institution=world.a) for _ in range(2)]
    foreign = ArchiveItemFactory(institution=world.b)

    result = services.items_tag(
        items=[*own, foreign.pk], tags=["grève de 1963", "mine"], user=world.contributor
    )

    assert result == services.TaggingResult(tagged=2, resubmitted=0)
    for item in own:
        assert sorted(ArchiveItem.objects.get(pk=item.pk).tags.names()) == [
            "grève de 1963",
            "mine",
        ]
    assert list(ArchiveItem.objects.get(pk=foreign.pk).tags.names()) == []
    assert log_actions(own[0])[-1] == ("archive.tag", world.contributor.username)
    assert log_actions(foreign)[-1][0] == "wagtail.create"


def test_bulk_tagging_keeps_existing_tags(world):
    item = ArchiveItemFactory(institution=world.a, tags=["fosse"])

    services.items_tag(items=[item], tags=["remonte"], user=world.contributor)

    assert sorted(ArchiveItem.objects.get(pk=item.pk).tags.names()) == ["fosse", "remonte"]


def test_bulk_tags_on_published_items_follow_the_resubmission_rule(world):
    published = ArchiveItemFactory(institution=world.a, status=Status.PUBLISHED)
    other = ArchiveItemFactory(institution=world.b, status=Status.PUBLISHED)

    by_contributor = services.items_tag(items=[published], tags=["x"], user=world.contributor)
    by_moderator = services.items_tag(items=[other], tags=["x"], user=world.moderator)

    assert by_contributor == services.TaggingResult(tagged=1, resubmitted=1)
    assert ArchiveItem.objects.get(pk=published.pk).status == Status.SUBMITTED
    assert by_moderator == services.TaggingResult(tagged=1, resubmitted=0)
    assert ArchiveItem.objects.get(pk=other.pk).status == Status.PUBLISHED


def test_tags_are_cleaned_and_checked():
    assert services.tags_clean(tags=["  Mine ", "mine", "", "fond  de   taille"]) == [
        "Mine",
        "fond de taille",
    ]
    with pytest.raises(services.ArchiveError):
        services.tags_clean(tags=["x" * 101])
