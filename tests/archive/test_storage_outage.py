"""The S3 store goes down in the middle of what people do: a direct upload's completion, an
image added in the admin, an erasure. Each time the person reads a clear message (never a
server error), no row names a missing file, and once the store is back `storage_audit` finds
nothing to fix and the same action succeeds.

An import while the store is down: the command says so in one line and imports nothing, and
`storage_audit` says in one line that it cannot check.

The store is a SeaweedFS of this module's own (`private_s3_server`), stopped and started
again with its data: the session's server, shared by other tests, is never interrupted."""

import io
from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models.signals import pre_delete
from django.test import Client
from django.urls import reverse
from django.utils import translation

from wagtail.images import get_image_model

import pytest
from bs4 import BeautifulSoup

from archive.models import ArchiveItem, CustomRendition, MediaFile
from archive.storage_audit import storage_audit
from tests.archive.test_erasure import store_files
from tests.archive.test_import import SAMPLE, SAMPLE_MEDIA, trades  # noqa: F401 - a fixture
from tests.archive.test_import import command as import_command
from tests.archive.test_photo_formats import add_image, picture
from tests.archive.test_uploads import COMPLETE, logged_in, send, start, wav_bytes

pytestmark = pytest.mark.django_db

CustomImage = get_image_model()
UNREACHABLE = "The file storage could not be reached"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def audit(**options):
    """What `manage.py storage_audit --grace-hours 0` finds: with no grace, a file that no
    row names is an orphan at once, whatever its age."""
    return storage_audit(grace=timedelta(0), **options)


def assert_rows_and_files_agree():
    report = audit()
    assert report.missing == [], "rows name files that are not in the store"
    assert report.remaining_orphans == [], "files in the store that no row names"
    assert report.clean


def messages_of(response) -> list[str]:
    page = BeautifulSoup(response.content, "html.parser")
    return [m.get_text(" ", strip=True) for m in page.select(".messages li")]


def test_completing_a_direct_upload_while_the_store_is_down(
    outage_s3_storage, private_s3_server, world
):
    client = logged_in(world.contributor)
    data = wav_bytes()
    ticket = start(client, size=len(data)).json()
    assert send(client, ticket, data)[0] == 204
    private_s3_server.pause()

    response = client.post(reverse(COMPLETE), {"token": ticket["token"]})

    assert response.status_code == 400
    assert response.json()["error"] == f"{UNREACHABLE}. Try again in a moment."
    assert not MediaFile.objects.exists()

    private_s3_server.resume()
    assert_rows_and_files_agree()
    retried = client.post(reverse(COMPLETE), {"token": ticket["token"]})
    assert retried.status_code == 200, retried.content
    media = MediaFile.objects.get()
    with default_storage.open(media.key, "rb") as stored:
        assert stored.read() == data
    assert_rows_and_files_agree()


def test_adding_an_image_in_the_admin_while_the_store_is_down(
    outage_s3_storage, private_s3_server, world
):
    client = Client(headers={"accept-language": "en"}, raise_request_exception=False)
    client.force_login(world.contributor)
    private_s3_server.pause()

    response = add_image(client, world, "atelier.png", picture("PNG"), "image/png")

    assert response.status_code == 503
    assert "Traceback" not in response.content.decode()
    assert f"{UNREACHABLE}. Nothing was saved: try again in a moment." in (
        response.content.decode()
    )
    assert not CustomImage.objects.exists()

    private_s3_server.resume()
    assert_rows_and_files_agree()
    retried = add_image(client, world, "atelier.png", picture("PNG"), "image/png")
    assert retried.status_code == 302
    image = CustomImage.objects.get()
    assert default_storage.exists(image.file.name)
    assert_rows_and_files_agree()


def erase(client, item):
    return client.post(
        reverse("archive_items:erase", args=[item.pk]), {"reason": "Demande de l'ayant droit"}
    )


@pytest.fixture
def stored(outage_s3_storage, world):
    """The items of test_erasure.py, their images, renditions and recording in the store."""
    return store_files(world.a, world.contributor)


def files_of(files) -> list[str]:
    images = (files.own, files.shared, files.step_image)
    return [
        *(image.file.name for image in images),
        *(rendition.file.name for image in images for rendition in files.renditions[image.pk]),
        files.video.key,
    ]


def test_an_erasure_while_the_store_is_down_erases_nothing(
    stored, private_s3_server, world, django_capture_on_commit_callbacks
):
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.moderator)
    private_s3_server.pause()

    with django_capture_on_commit_callbacks(execute=True):
        response = erase(client, stored.recipe)

    assert response.status_code == 302
    assert messages_of(client.get(response.url))[0].startswith(
        f"{UNREACHABLE}: nothing was erased. Try again in a moment."
    )
    assert ArchiveItem.objects.filter(pk=stored.recipe.pk).exists()

    private_s3_server.resume()
    assert all(default_storage.exists(name) for name in files_of(stored))
    assert_rows_and_files_agree()
    with django_capture_on_commit_callbacks(execute=True):
        erase(client, stored.recipe)
    assert not ArchiveItem.objects.filter(pk=stored.recipe.pk).exists()
    assert not default_storage.exists(stored.video.key)
    assert not default_storage.exists(stored.step_image.file.name)
    assert_rows_and_files_agree()


def test_files_left_by_an_outage_after_the_erasure_are_found_and_purged_by_the_audit(
    stored, private_s3_server, world, django_capture_on_commit_callbacks
):
    client = Client(headers={"accept-language": "en"}, raise_request_exception=False)
    client.force_login(world.moderator)

    def store_goes_down(sender, instance, **kwargs):
        # The renditions go first: this makes the store's outage the first of the callbacks
        # after commit, and every deletion after it finds the store down.
        pre_delete.disconnect(store_goes_down, sender=CustomRendition)
        transaction.on_commit(private_s3_server.pause)

    pre_delete.connect(store_goes_down, sender=CustomRendition)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = erase(client, stored.recipe)
    finally:
        pre_delete.disconnect(store_goes_down, sender=CustomRendition)

    assert response.status_code == 302
    assert "was erased." in messages_of(client.get(response.url))[0]
    assert not ArchiveItem.objects.filter(pk=stored.recipe.pk).exists()
    assert not CustomRendition.objects.filter(image=stored.step_image.pk).exists()

    private_s3_server.resume()
    left = {stored.video.key, stored.step_image.file.name} | {
        rendition.file.name for rendition in stored.renditions[stored.step_image.pk]
    }
    assert all(default_storage.exists(name) for name in left)
    report = audit()
    assert report.missing == []
    assert {obj.name for obj in report.orphans} == left
    audit(delete_orphans=True)
    assert not any(default_storage.exists(name) for name in left)
    assert_rows_and_files_agree()


@pytest.mark.usefixtures("trades")
def test_an_import_while_the_store_is_down_imports_nothing(
    outage_s3_storage, private_s3_server, world
):
    private_s3_server.pause()

    with pytest.raises(CommandError) as refused:
        import_command(SAMPLE, "CMSH", "--media", str(SAMPLE_MEDIA))

    assert str(refused.value).startswith("The file storage could not be reached (")
    assert str(refused.value).endswith(
        "nothing was imported. Run the same import again once it is back."
    )
    assert not ArchiveItem.objects.exists()
    assert not MediaFile.objects.exists()
    assert not CustomImage.objects.exists()
    with pytest.raises(CommandError, match=r"^The file storage could not be reached \("):
        call_command("storage_audit", stdout=io.StringIO())

    private_s3_server.resume()
    assert_rows_and_files_agree()
    import_command(SAMPLE, "CMSH", "--media", str(SAMPLE_MEDIA))
    assert ArchiveItem.objects.filter(institution=world.a).count() == 3
    assert_rows_and_files_agree()
