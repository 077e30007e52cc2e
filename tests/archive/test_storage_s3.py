"""The storage fixtures really switch storage, and public media plays from a real S3 server.

The S3 tests run against SeaweedFS started by the suite (tests/servers/s3.py): presigned URLs
are followed with an HTTP client to the server, which checks their signature itself.
"""

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

import pytest
import requests
from storages.backends.s3 import S3Storage

from tests.factories.archive import ContributorFactory, InstitutionFactory
from tests.factories.images import CustomImageFactory
from tests.factories.items import MediaFileFactory, PublishedOralHistoryFactory

pytestmark = pytest.mark.django_db


def _bucket_keys(storage) -> set[str]:
    client = storage.connection.meta.client
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=storage.bucket_name)
    return {obj["Key"] for page in pages for obj in page.get("Contents", [])}


# --- The fixtures --------------------------------------------------------------------------


def test_s3_storage_is_what_django_and_wagtail_write_to(s3_storage):
    assert isinstance(s3_storage, S3Storage)
    assert _bucket_keys(s3_storage) == set()  # a fresh bucket for each test

    name = default_storage.save("archive/probe/note.txt", ContentFile(b"bonjour"))
    image = CustomImageFactory()
    rendition = image.get_rendition("width-100")

    keys = _bucket_keys(s3_storage)
    assert {name, image.file.name, rendition.file.name} <= keys
    # The options are production's: never overwrite, signed (SigV4) URLs.
    assert s3_storage.file_overwrite is False
    assert "X-Amz-Signature=" in default_storage.url(name)


def test_local_storage_comes_back_after_an_s3_test(local_storage, tmp_path):
    name = default_storage.save("archive/probe/note.txt", ContentFile(b"bonjour"))
    assert (tmp_path / "media" / name).read_bytes() == b"bonjour"
    assert not isinstance(default_storage._wrapped, S3Storage)


def test_any_storage_round_trip(any_storage):
    data = bytes(range(256)) * 40
    name = default_storage.save("archive/probe/data.bin", ContentFile(data))
    with any_storage.open(name, "rb") as stored:
        assert hashlib.sha256(stored.read()).digest() == hashlib.sha256(data).digest()
    assert default_storage.size(name) == len(data)


# --- Public media served from S3 -----------------------------------------------------------------

RECORDING = bytes(range(256)) * 64  # 16 KiB


@pytest.fixture
def interview(s3_storage):
    institution = InstitutionFactory(code="CMSH")
    media = MediaFileFactory(institution=institution, data=RECORDING)
    return PublishedOralHistoryFactory(institution=institution, media=media)


def media_url(item) -> str:
    return reverse("archive:media", kwargs={"identifier": item.identifier})


def test_public_oral_history_plays_from_a_presigned_s3_url(client, interview, s3_storage):
    response = client.get(media_url(interview))

    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    location = response["Location"]
    assert location.startswith(f"{s3_storage.endpoint_url}/{s3_storage.bucket_name}/archive/cmsh/")
    assert "X-Amz-Expires=300" in location

    whole = requests.get(location, timeout=10)
    assert whole.status_code == 200
    assert whole.content == RECORDING
    assert whole.headers["Content-Type"] == "audio/wav"
    assert whole.headers["Content-Disposition"] == f'inline; filename="{interview.identifier}.wav"'

    # Seeking: the player asks the bucket for a range of the same URL.
    part = requests.get(location, headers={"Range": "bytes=1000-1999"}, timeout=10)
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 1000-1999/{len(RECORDING)}"
    assert part.content == RECORDING[1000:2000]
    tail = requests.get(location, headers={"Range": "bytes=-100"}, timeout=10)
    assert tail.status_code == 206 and tail.content == RECORDING[-100:]


def test_presigned_media_url_cannot_be_stretched_to_another_object(client, interview):
    location = client.get(media_url(interview))["Location"]
    other_key = location.replace(".wav?", "x.wav?")

    assert requests.get(other_key, timeout=10).status_code == 403
    assert requests.get(location.split("?")[0], timeout=10).status_code == 403  # unsigned


@pytest.mark.parametrize(
    "change",
    [
        {"status": "submitted"},
        {"status": "withdrawn"},
        {"access": "restricted"},
        {"access": "members"},
    ],
    ids=["submitted", "withdrawn", "restricted", "members-only"],
)
def test_media_of_items_not_public_is_not_found(client, interview, change):
    type(interview).objects.filter(pk=interview.pk).update(**change)

    assert client.get(media_url(interview)).status_code == 404


def test_other_institutions_contributors_cannot_reach_a_draft_recording(client, interview):
    type(interview).objects.filter(pk=interview.pk).update(status="draft")
    outsider = ContributorFactory(institution=InstitutionFactory(code="TISS")).user
    insider = ContributorFactory(institution=interview.institution).user

    client.force_login(outsider)
    assert client.get(media_url(interview)).status_code == 404
    client.force_login(insider)
    response = client.get(media_url(interview))
    assert response.status_code == 302
    assert requests.get(response["Location"], timeout=10).content == RECORDING
