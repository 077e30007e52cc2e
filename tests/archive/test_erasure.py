"""No orphans: withdrawing an item removes its public derivatives, erasing it removes its
originals too (unless something else still uses them), and a rolled-back erasure leaves
everything in place. Files are checked in the storage itself, local and S3."""

from types import SimpleNamespace

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.test import Client
from django.urls import reverse

import pytest
from bs4 import BeautifulSoup

from archive import erasure, services
from archive.models import (
    ArchiveItem,
    ArchiveItemLogEntry,
    CustomImage,
    CustomRendition,
    ItemImage,
    MediaFile,
    SavoirFaireStep,
    TranscriptSegment,
)
from tests.archive.test_privacy import camera_photo, stored_image
from tests.factories.archive import (
    ArchiveItemFactory,
    MemberFactory,
)
from tests.factories.items import MediaFileFactory

pytestmark = pytest.mark.django_db

Status = ArchiveItem.Status
Kind = ArchiveItem.Kind


class Rollback(Exception):
    pass


@pytest.fixture
def files(local_storage, world):
    """A's photo item (the archive `world`) showing two images, one also shown by another
    item, and a savoir-faire record with an image and a video."""
    return store_files(world.a, world.contributor)


@pytest.fixture
def any_files(any_storage, world):
    """The same, on local storage and then on S3."""
    return store_files(world.a, world.contributor)


def store_files(a, contributor):
    photo = ArchiveItemFactory(
        institution=a, created_by=contributor, status=Status.PUBLISHED, title="La remonte"
    )
    own = stored_image(camera_photo(), collection=a.collection, title="Propre à l'item")
    shared = stored_image(camera_photo(), collection=a.collection, title="Partagée")
    for position, image in enumerate((own, shared)):
        ItemImage.objects.create(item=photo, image=image, sort_order=position)
    neighbour = ArchiveItemFactory(institution=a, title="Une autre vue")
    ItemImage.objects.create(item=neighbour, image=shared, sort_order=0)

    recipe = ArchiveItemFactory(institution=a, kind=Kind.SAVOIR_FAIRE, title="Le tissage")
    step_image = stored_image(camera_photo(), collection=a.collection, title="Étape")
    video = MediaFileFactory(institution=a, kind=MediaFile.Kind.VIDEO, mime="video/mp4")
    SavoirFaireStep.objects.create(item=recipe, text="Ourdir.", image=step_image, media=video)
    TranscriptSegment.objects.create(item=recipe, position=1, text="Une note.")

    renditions = {
        image.pk: [image.get_rendition(spec) for spec in ("max-960x720", "fill-80x60")]
        for image in (own, shared, step_image)
    }
    return SimpleNamespace(
        photo=photo,
        neighbour=neighbour,
        own=own,
        shared=shared,
        recipe=recipe,
        step_image=step_image,
        video=video,
        renditions=renditions,
    )


def exists(name: str) -> bool:
    return default_storage.exists(name)


def rendition_files(files, *images) -> list[str]:
    return [r.file.name for image in images for r in files.renditions[image.pk]]


# --- Withdrawal ---------------------------------------------------------------------------------


def test_withdrawing_removes_the_renditions_after_commit(
    world, any_files, django_capture_on_commit_callbacks
):
    files = rendition_files(any_files, any_files.own, any_files.shared)
    assert all(exists(name) for name in files)

    with django_capture_on_commit_callbacks(execute=True):
        services.item_withdraw(item=any_files.photo, user=world.contributor)

    assert not CustomRendition.objects.filter(image__in=[any_files.own, any_files.shared]).exists()
    assert not any(exists(name) for name in files)
    # Originals stay: the item may be published again, and its renditions come back.
    assert exists(any_files.own.file.name) and exists(any_files.shared.file.name)
    assert CustomRendition.objects.filter(image=any_files.step_image).count() == 2


def test_a_rolled_back_withdrawal_removes_nothing(world, files, django_capture_on_commit_callbacks):
    names = rendition_files(files, files.own, files.shared)

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Rollback),
        transaction.atomic(),
    ):
        services.item_withdraw(item=files.photo, user=world.contributor)
        raise Rollback

    assert ArchiveItem.objects.get(pk=files.photo.pk).status == Status.PUBLISHED
    assert CustomRendition.objects.filter(image__in=[files.own, files.shared]).count() == 4
    assert all(exists(name) for name in names)


# --- Erasure -------------------------------------------------------------------------------------


def test_erasing_removes_the_item_its_renditions_and_unshared_originals(
    world, any_files, django_capture_on_commit_callbacks
):
    own_original, shared_original = any_files.own.file.name, any_files.shared.file.name
    files = rendition_files(any_files, any_files.own, any_files.shared)

    with django_capture_on_commit_callbacks(execute=True):
        plan = erasure.item_erase(
            item=any_files.photo, user=world.moderator, reason="Demande de l'ayant droit."
        )

    assert [image.pk for image in plan.images] == [any_files.own.pk]
    assert [image.pk for image in plan.shared_images] == [any_files.shared.pk]
    assert not ArchiveItem.objects.filter(pk=any_files.photo.pk).exists()
    assert not CustomImage.objects.filter(pk=any_files.own.pk).exists()
    assert not exists(own_original)
    # The other item still shows the shared image: its original stays, its renditions went
    # (they come back on the next view).
    assert CustomImage.objects.filter(pk=any_files.shared.pk).exists() and exists(shared_original)
    assert not any(exists(name) for name in files)
    assert any_files.neighbour.images.get().image_id == any_files.shared.pk


def test_erasing_removes_stored_recordings_and_step_images(
    world, any_files, django_capture_on_commit_callbacks
):
    key, step_original = any_files.video.key, any_files.step_image.file.name
    assert exists(key)

    with django_capture_on_commit_callbacks(execute=True):
        plan = erasure.item_erase(item=any_files.recipe, user=world.moderator, reason="Doublon.")

    assert [file.pk for file in plan.media] == [any_files.video.pk]
    assert not MediaFile.objects.filter(pk=any_files.video.pk).exists() and not exists(key)
    assert not CustomImage.objects.filter(pk=any_files.step_image.pk).exists()
    assert not exists(step_original)
    assert not TranscriptSegment.objects.filter(item_id=any_files.recipe.pk).exists()


def test_a_recording_used_by_another_item_is_kept(world, files, django_capture_on_commit_callbacks):
    other = ArchiveItemFactory(institution=world.a, kind=Kind.ORAL_HISTORY)
    ArchiveItem.objects.filter(pk=other.pk).update(media=files.video)

    with django_capture_on_commit_callbacks(execute=True):
        plan = erasure.item_erase(item=files.recipe, user=world.moderator, reason="Doublon.")

    assert plan.media == () and [f.pk for f in plan.shared_media] == [files.video.pk]
    assert MediaFile.objects.filter(pk=files.video.pk).exists() and exists(files.video.key)


def test_an_image_a_member_uses_as_logo_is_kept(world, files, django_capture_on_commit_callbacks):
    MemberFactory(logo=files.own)

    with django_capture_on_commit_callbacks(execute=True):
        plan = erasure.item_erase(item=files.photo, user=world.moderator, reason="Doublon.")

    assert plan.images == ()
    assert CustomImage.objects.filter(pk=files.own.pk).exists() and exists(files.own.file.name)


def test_the_erasure_is_in_the_audit_log(world, files, django_capture_on_commit_callbacks):
    identifier = files.photo.identifier

    with django_capture_on_commit_callbacks(execute=True):
        erasure.item_erase(item=files.photo, user=world.moderator, reason="Retrait demandé.")

    entry = ArchiveItemLogEntry.objects.filter(item_id=files.photo.pk).first()
    assert entry.action == "archive.erase"
    assert entry.user_id == world.moderator.pk
    assert entry.data["reason"] == "Retrait demandé."
    assert entry.data["identifier"] == identifier
    assert entry.data["images"] == [files.own.pk]
    assert entry.data["kept_images"] == [files.shared.pk]


def test_a_rolled_back_erasure_leaves_every_file_in_place(
    world, any_files, django_capture_on_commit_callbacks
):
    files = [
        any_files.own.file.name,
        any_files.shared.file.name,
        *rendition_files(any_files, any_files.own, any_files.shared),
    ]

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Rollback),
        transaction.atomic(),
    ):
        erasure.item_erase(item=any_files.photo, user=world.moderator, reason="Essai.")
        raise Rollback

    assert ArchiveItem.objects.filter(pk=any_files.photo.pk).exists()
    assert CustomImage.objects.filter(pk=any_files.own.pk).exists()
    assert CustomRendition.objects.filter(image=any_files.own).count() == 2
    assert all(exists(name) for name in files)
    assert not ArchiveItemLogEntry.objects.filter(action="archive.erase").exists()


def test_contributors_cannot_erase_and_a_reason_is_needed(world, files):
    with pytest.raises(PermissionDenied):
        erasure.item_erase(item=files.photo, user=world.contributor, reason="Je le retire.")
    with pytest.raises(services.ArchiveError) as refused:
        erasure.item_erase(item=files.photo, user=world.moderator, reason="  ")
    assert refused.value.code == "reason_required"
    assert ArchiveItem.objects.filter(pk=files.photo.pk).exists()
    assert exists(files.own.file.name)


# --- Admin ----------------------------------------------------------------------------------------


def erase_url(item):
    return reverse("archive_items:erase", args=[item.pk])


@pytest.fixture
def one_image(local_storage, world):
    """An item of A's (the archive `world`) showing one image, with a rendition."""
    item = ArchiveItemFactory(institution=world.a, title="La remonte")
    image = stored_image(camera_photo(), collection=world.a.collection, title="Vue unique")
    ItemImage.objects.create(item=item, image=image, sort_order=0)
    image.get_rendition("max-960x720")
    return SimpleNamespace(item=item, image=image)


def test_the_confirmation_page_says_what_goes_and_what_stays(world, one_image, client):
    kept = stored_image(camera_photo(), title="Vue partagée")
    ItemImage.objects.create(item=one_image.item, image=kept, sort_order=1)
    ItemImage.objects.create(item=ArchiveItemFactory(), image=kept, sort_order=0)
    client.force_login(world.users["moderator"])

    page = BeautifulSoup(client.get(erase_url(one_image.item)).content, "html.parser")

    removed = page.select_one("[data-erase-removed]").get_text(" ", strip=True)
    assert one_image.item.identifier in removed and "Vue unique" in removed
    assert "Vue partagée" not in removed
    assert "Vue partagée" in page.select_one("[data-erase-kept]").get_text(" ", strip=True)
    assert page.select_one("textarea[name=reason]") is not None


def test_the_erase_button_is_offered_to_moderators_only(world, one_image, client):
    edit = reverse("archive_items:edit", args=[one_image.item.pk])
    client.force_login(world.users["own"])
    assert erase_url(one_image.item) not in client.get(edit).content.decode()
    client.force_login(world.users["moderator"])
    assert erase_url(one_image.item) in client.get(edit).content.decode()


def test_the_reason_is_required_in_the_form(world, one_image, client):
    client.force_login(world.users["moderator"])

    response = client.post(erase_url(one_image.item), {"reason": ""})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert ArchiveItem.objects.filter(pk=one_image.item.pk).exists()


@pytest.mark.parametrize("role", ["own", "other", "anonymous", "moderator"])
def test_who_may_erase(world, one_image, role, django_capture_on_commit_callbacks):
    client = Client()
    if world.users[role]:
        client.force_login(world.users[role])
    original = one_image.image.file.name

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(erase_url(one_image.item), {"reason": "Doublon."})

    if role == "moderator":
        assert response.status_code == 302
        assert response.url == reverse("archive_items:index")
        assert not ArchiveItem.objects.filter(pk=one_image.item.pk).exists()
        assert not exists(original)
        return
    assert ArchiveItem.objects.filter(pk=one_image.item.pk).exists()
    assert exists(original)
    assert response.status_code == 302
    if role == "anonymous":
        assert response.url.startswith(reverse("wagtailadmin_login"))
    elif role == "own":  # the admin's permission-denied redirect
        assert response.url == reverse("wagtailadmin_home")
    else:  # another institution: not found (after LocaleMiddleware's redirect)
        assert client.get(response.url).status_code == 404


def test_erasing_an_item_erased_meanwhile_is_refused(world, one_image):
    stale = ArchiveItem.objects.get(pk=one_image.item.pk)
    erasure.item_erase(item=one_image.item, user=world.users["moderator"], reason="Un.")

    with pytest.raises(services.ArchiveError) as refused:
        erasure.item_erase(item=stale, user=world.users["moderator"], reason="Deux.")

    assert refused.value.code == "gone"
    assert ArchiveItemLogEntry.objects.filter(action="archive.erase").count() == 1


def test_stored_files_of_other_institutions_are_untouched(
    world, files, django_capture_on_commit_callbacks
):
    theirs = MediaFileFactory(institution=world.b)
    default_storage.save("archive/tiss/notes.txt", ContentFile(b"x"))

    with django_capture_on_commit_callbacks(execute=True):
        erasure.item_erase(item=files.recipe, user=world.moderator, reason="Doublon.")

    assert exists(theirs.key) and exists("archive/tiss/notes.txt")
