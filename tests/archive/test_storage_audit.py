"""`manage.py storage_audit`: stored objects no row names, rows whose object is gone, and the
removal of orphans old enough not to be an upload in flight. Every test runs on local files
and on a real S3 bucket (SeaweedFS)."""

import io
import os
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone

from wagtail.images import get_image_model
from wagtail.models import UploadedFile

import pytest

from archive.storage_audit import storage_audit
from tests.archive.test_privacy import camera_photo, stored_image
from tests.factories.archive import ContributorFactory, InstitutionFactory
from tests.factories.items import MediaFileFactory

pytestmark = pytest.mark.django_db

LATER = timedelta(days=2)  # "now" two days on: everything stored by the test is old by then


@pytest.fixture
def stored(any_storage):
    """A consistent storage: an image with a rendition and a stored recording."""
    institution = InstitutionFactory(code="CMSH")
    image = stored_image(camera_photo(), collection=institution.collection)
    rendition = image.get_rendition("max-200x200")
    media = MediaFileFactory(institution=institution)
    return {"image": image, "rendition": rendition, "media": media, "storage": any_storage}


def run(*args) -> tuple[int, str]:
    """(exit status, output) of `manage.py storage_audit ARGS`."""
    out = io.StringIO()
    try:
        call_command("storage_audit", *args, stdout=out, verbosity=0)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


def table_row(output: str, label: str) -> list[str]:
    line = next(line for line in output.splitlines() if line.startswith(label))
    return line.split()


def test_a_consistent_storage_is_clean(stored):
    status, output = run()

    assert status == 0, output
    assert "Storage and rows agree." in output
    # Area, prefix, objects, size (two words), rows, orphans, recent, missing.
    for label, prefix in (
        ("Original images", "original_images/"),
        ("Image renditions", "images/"),
        ("Archive media files", "archive/"),
    ):
        cells = table_row(output, label)
        assert prefix in cells
        objects, rows = cells[cells.index(prefix) + 1], cells[cells.index(prefix) + 4]
        assert (objects, rows) == ("1", "1"), cells


def test_orphans_and_missing_objects_are_listed(stored):
    storage = stored["storage"]
    orphan = storage.save("original_images/oublie.jpg", ContentFile(camera_photo()))
    abandoned = storage.save(
        "archive/cmsh/incoming/2026/01/" + "c" * 32 + ".wav", ContentFile(b"x")
    )
    storage.delete(stored["media"].key)

    report = storage_audit(now=timezone.now() + LATER)

    assert sorted(obj.name for obj in report.orphans) == sorted([orphan, abandoned])
    assert [(m.source.model.__name__, m.pk, m.name) for m in report.missing] == [
        ("MediaFile", stored["media"].pk, stored["media"].key)
    ]
    assert not report.clean


def test_the_command_reports_problems_with_exit_status_1(stored):
    storage = stored["storage"]
    orphan = storage.save("images/perdue.jpg", ContentFile(b"jpeg"))
    storage.delete(stored["rendition"].file.name)

    status, output = run("--grace-hours", "0")

    assert status == 1
    assert orphan in output
    assert stored["rendition"].file.name in output
    assert "1 orphan object," in output and "1 row without its object" in output


def test_young_orphans_are_kept_and_not_a_problem(stored):
    storage = stored["storage"]
    young = storage.save("original_images/en-cours.jpg", ContentFile(b"jpeg"))

    status, output = run("--delete-orphans")

    assert status == 0, output
    assert storage.exists(young)
    assert young in output  # listed among the recent objects


def test_delete_orphans_removes_old_orphans_only(stored):
    storage = stored["storage"]
    old = storage.save("original_images/oublie.jpg", ContentFile(b"jpeg"))
    report = storage_audit(delete_orphans=True, now=timezone.now() + LATER)

    assert [obj.name for obj in report.deleted] == [old]
    assert not storage.exists(old)
    for name in (stored["image"].file.name, stored["rendition"].file.name, stored["media"].key):
        assert storage.exists(name), name
    assert storage_audit(now=timezone.now() + LATER).clean


def test_the_command_deletes_orphans_and_then_finds_the_storage_clean(stored):
    storage = stored["storage"]
    orphan = storage.save("archive/cmsh/media/2026/01/" + "d" * 32 + ".wav", ContentFile(b"x"))

    status, output = run("--delete-orphans", "--grace-hours", "0")

    assert status == 0, output
    assert not storage.exists(orphan)
    assert run()[0] == 0


def test_an_upload_in_flight_is_kept_for_as_long_as_its_token_lasts(stored, settings):
    settings.ARCHIVE_UPLOAD_URL_SECONDS = 900
    settings.ARCHIVE_UPLOAD_COMPLETE_SECONDS = 6 * 3600
    storage = stored["storage"]
    incoming = storage.save("archive/cmsh/incoming/2026/01/" + "e" * 32 + ".wav", ContentFile(b"x"))

    report = storage_audit(
        delete_orphans=True, grace=timedelta(0), now=timezone.now() + timedelta(hours=1)
    )

    assert storage.exists(incoming)
    assert [obj.name for obj in report.recent] == [incoming]
    assert report.deleted == []


def test_a_row_named_after_the_listing_is_not_deleted(stored):
    """An orphan that gets its row between the listing and the deletion is kept: the
    candidates are checked against the rows once more."""
    storage = stored["storage"]
    name = storage.save("archive/cmsh/media/2026/01/" + "f" * 32 + ".wav", ContentFile(b"x"))

    def progress(iterable, label):
        listed = []
        for obj in iterable:
            listed.append(obj.name)
            yield obj
        if name in listed:  # listed as an orphan; now its row appears
            MediaFileFactory(institution=stored["media"].institution, key=name)

    report = storage_audit(delete_orphans=True, grace=timedelta(0), progress=progress)

    assert storage.exists(name)
    assert report.deleted == []


def test_local_files_older_than_the_grace_are_orphans_by_their_date(local_storage):
    name = default_storage.save("original_images/ancienne.jpg", ContentFile(b"jpeg"))
    assert isinstance(local_storage, FileSystemStorage)
    old = (timezone.now() - timedelta(hours=30)).timestamp()
    os.utime(default_storage.path(name), (old, old))
    young = default_storage.save("original_images/recente.jpg", ContentFile(b"jpeg"))

    report = storage_audit()

    assert [obj.name for obj in report.orphans] == [name]
    assert [obj.name for obj in report.recent] == [young]


# --- Wagtail's multiple upload ------------------------------------------------------------------


def unfinished_upload(name="gps-exif.jpg") -> UploadedFile:
    """What Wagtail's multiple upload keeps while the image's form waits to be filled in."""
    return UploadedFile.objects.create(
        for_content_type=ContentType.objects.get_for_model(get_image_model()),
        file=ContentFile(camera_photo(), name=name),
        uploaded_by_user=ContributorFactory().user,
    )


def test_abandoned_multiple_uploads_are_deleted_with_their_rows_after_the_grace(stored):
    storage = stored["storage"]
    upload = unfinished_upload()
    name = upload.file.name
    assert name.startswith("wagtail_uploads/") and storage.exists(name)

    report = storage_audit(delete_orphans=True, now=timezone.now() + LATER)

    assert [(a.pk, a.object.name) for a in report.abandoned] == [(upload.pk, name)]
    assert [obj.name for obj in report.deleted] == [name]
    assert not storage.exists(name)
    assert not UploadedFile.objects.exists()
    for kept in (stored["image"].file.name, stored["rendition"].file.name, stored["media"].key):
        assert storage.exists(kept), kept
    assert storage_audit(now=timezone.now() + LATER).clean


def test_a_multiple_upload_within_the_grace_is_kept_and_not_a_problem(stored):
    storage = stored["storage"]
    upload = unfinished_upload()

    status, output = run("--delete-orphans")

    assert status == 0, output
    assert storage.exists(upload.file.name)
    assert UploadedFile.objects.filter(pk=upload.pk).exists()
    cells = table_row(output, "Unfinished multiple uploads")
    prefix = cells.index("wagtail_uploads/")
    # Objects, rows, orphans (the size takes two cells).
    assert (cells[prefix + 1], cells[prefix + 4], cells[prefix + 5]) == ("1", "1", "0"), cells


def test_the_command_reports_and_purges_abandoned_multiple_uploads(stored):
    storage = stored["storage"]
    upload = unfinished_upload()

    status, output = run("--grace-hours", "0")

    assert status == 1
    assert upload.file.name in output
    assert "1 abandoned upload." in output

    status, output = run("--delete-orphans", "--grace-hours", "0")

    assert status == 0, output
    assert not storage.exists(upload.file.name)
    assert not UploadedFile.objects.exists()
    assert run()[0] == 0
