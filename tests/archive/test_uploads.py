"""Direct uploads of large media (archive/uploads.py, archive/views/uploads.py), through the
admin endpoints, against local storage and a real S3 server (SeaweedFS started by the suite).

With S3 the file really goes to the bucket with the presigned POST (requests, like a browser:
the bucket enforces the policy); locally it goes to the admin's receive view. Completion then
checks the stored bytes."""

import base64
import hashlib
import io
import json
import time
import wave
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

import pytest
import requests
from bs4 import BeautifulSoup
from storages.backends.s3 import S3Storage

from archive import uploads
from archive.models import ArchiveItem, MediaFile
from tests.factories.archive import (
    ArchiveItemFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

START = "archive_uploads:start"
COMPLETE = "archive_uploads:complete"


def wav_bytes(seconds: float = 0.2, *, tone: int = 0) -> bytes:
    output = io.BytesIO()
    with wave.open(output, "wb") as recording:
        recording.setnchannels(1)
        recording.setsampwidth(2)
        recording.setframerate(8000)
        recording.writeframes(bytes([tone % 256]) * int(16000 * seconds))
    return output.getvalue()


RECORDINGS = Path(__file__).parent / "data" / "recordings"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>" * 20


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def logged_in(user, **kwargs) -> Client:
    # The admin speaks the browser's language; French is the default.
    client = Client(headers={"accept-language": "en"}, **kwargs)
    client.force_login(user)
    return client


def start(client, *, kind="audio", size, name="entretien.wav", institution=None):
    data = {"kind": kind, "size": size, "name": name}
    if institution is not None:
        data["institution"] = institution.pk
    return client.post(reverse(START), data)


def send(client, ticket: dict, data: bytes, name="entretien.wav"):
    """The browser's part: the file to the URL the start answer gave. Returns the status."""
    if ticket["direct"]:
        response = requests.post(
            ticket["url"], data=ticket["fields"], files={"file": (name, data)}, timeout=30
        )
        return response.status_code, response.text
    response = client.post(ticket["url"], {"file": SimpleUploadedFile(name, data)})
    return response.status_code, response.content.decode()


def upload(client, data: bytes, *, kind="audio", name="entretien.wav", institution=None):
    """Start, send and complete; returns the completion response."""
    started = start(client, kind=kind, size=len(data), name=name, institution=institution)
    assert started.status_code == 200, started.content
    ticket = started.json()
    status, body = send(client, ticket, data, name)
    assert status == 204, body
    return client.post(reverse(COMPLETE), {"token": ticket["token"]})


def stored_names(storage, prefix="archive/") -> set[str]:
    if isinstance(storage, S3Storage):
        client = storage.connection.meta.client
        pages = client.get_paginator("list_objects_v2").paginate(
            Bucket=storage.bucket_name, Prefix=prefix
        )
        return {obj["Key"] for page in pages for obj in page.get("Contents", [])}
    root = storage.path("")
    from pathlib import Path

    return {
        str(path.relative_to(root))
        for path in Path(root).rglob("*")
        if path.is_file() and str(path.relative_to(root)).startswith(prefix)
    }


def read_stored(storage, name) -> bytes:
    with storage.open(name, "rb") as stored:
        return stored.read()


# --- The flow, on both storages --------------------------------------------------------------


def test_contributor_uploads_a_recording_that_is_checked_and_kept(any_storage, world):
    data = wav_bytes()
    client = logged_in(world.contributor)

    response = upload(client, data, name="Entretien avec Marthe.WAV")

    assert response.status_code == 200, response.content
    body = response.json()
    media = MediaFile.objects.get(pk=body["media"]["id"])
    assert (media.institution, media.kind, media.mime) == (world.a, "audio", "audio/wav")
    assert (media.size, media.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert media.original_name == "Entretien avec Marthe.WAV"
    assert media.created_by == world.contributor
    assert body["warning"] is None
    assert "Entretien avec Marthe.WAV" in body["message"]
    # A generated key under the institution's prefix, nothing of the user's name in it.
    assert media.key.startswith("archive/cmsh/media/")
    assert media.key.endswith(".wav") and "Marthe" not in media.key
    assert stored_names(any_storage) == {media.key}
    assert read_stored(any_storage, media.key) == data


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("interview.wav", "audio"),
        ("interview.mp3", "audio"),
        ("interview.m4a", "audio"),
        ("interview.ogg", "audio"),
        ("interview.opus", "audio"),
    ],
)
def test_an_uploaded_recording_carries_its_length(any_storage, world, name, kind):
    """Contributors no longer type the length of a recording: it is read from the file (on S3,
    by seeking in the stored object)."""
    data = wav_bytes(3.0) if name.endswith(".wav") else (RECORDINGS / name).read_bytes()

    response = upload(logged_in(world.contributor), data, kind=kind, name=name)

    assert response.status_code == 200, response.content
    assert MediaFile.objects.get(pk=response.json()["media"]["id"]).duration_seconds == 3


def test_a_recording_whose_length_cannot_be_read_is_kept_without_one(any_storage, world):
    data = (RECORDINGS / "clip.webm").read_bytes()

    response = upload(logged_in(world.contributor), data, kind="video", name="clip.webm")

    assert response.status_code == 200, response.content
    media = MediaFile.objects.get(pk=response.json()["media"]["id"])
    assert (media.mime, media.duration_seconds) == ("video/webm", None)


def test_content_that_is_not_what_was_announced_is_deleted_with_a_message(any_storage, world):
    client = logged_in(world.contributor)

    response = upload(client, HTML, name="entretien.wav")

    assert response.status_code == 400
    assert response.json()["error"].startswith("This file is not an audio recording")
    assert "web page (HTML)" in response.json()["error"]
    assert not MediaFile.objects.exists()
    assert stored_names(any_storage) == set()


PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="
)
TAKE = "Archive uploads take audio recordings and videos only."
TO_IMAGES = "Add photos to the image library (Images in the menu): items choose them there."
TO_DOCUMENTS = "Add documents to the document library (Documents in the menu)."


@pytest.mark.parametrize(
    ("data", "kind", "name", "error"),
    [
        (PNG, "audio", "entretien.mp3", f"This file is a PNG image. {TAKE} {TO_IMAGES}"),
        (
            b"%PDF-1.7\n" * 50,
            "video",
            "film.mp4",
            f"This file is a PDF document. {TAKE} {TO_DOCUMENTS}",
        ),
    ],
    ids=["photo-as-audio", "pdf-as-video"],
)
def test_photos_and_documents_named_as_recordings_are_refused_by_content(
    any_storage, world, data, kind, name, error
):
    """Their names pass the first step: the bytes sent to S3 (or the local view) decide."""
    client = logged_in(world.contributor)

    response = upload(client, data, kind=kind, name=name)

    assert response.status_code == 400
    assert response.json()["error"] == error
    assert stored_names(any_storage) == set()
    assert not MediaFile.objects.exists()


@pytest.mark.parametrize(
    ("kind", "name", "error"),
    [
        ("photo", "salle.jpg", f"{TAKE} {TO_IMAGES}"),
        ("photo", "scan.tiff", f"{TAKE} {TO_IMAGES}"),
        ("document", "plan.pdf", f"{TAKE} {TO_DOCUMENTS}"),
        ("audio", "salle.heic", f"{TAKE} {TO_IMAGES}"),
        ("video", "plan.pdf", f"{TAKE} {TO_DOCUMENTS}"),
    ],
)
def test_photos_and_documents_are_sent_to_the_libraries_before_any_upload(
    any_storage, world, kind, name, error
):
    """Nothing uploaded here could become an item's photo: pickers take recordings only."""
    client = logged_in(world.contributor)

    response = start(client, kind=kind, size=1000, name=name)

    assert response.status_code == 400
    assert response.json()["error"] == error
    assert "token" not in response.json()


def test_a_file_larger_than_announced_is_refused_by_the_upload_target(any_storage, world):
    client = logged_in(world.contributor)
    data = wav_bytes()
    ticket = start(client, size=len(data) - 100).json()

    status, body = send(client, ticket, data)

    # S3 enforces the policy's content-length-range itself; the local view its own limit.
    assert status in (400, 413)
    assert ("EntityTooLarge" in body) if ticket["direct"] else ("larger than announced" in body)
    completed = client.post(reverse(COMPLETE), {"token": ticket["token"]})
    assert completed.status_code == 400
    assert completed.json()["error"] == "The file did not arrive in the storage. Send it again."
    assert stored_names(any_storage) == set()


def test_sizes_over_the_kinds_limit_are_refused_before_any_upload(any_storage, world, settings):
    settings.ARCHIVE_MAX_UPLOAD_BYTES = {**settings.ARCHIVE_MAX_UPLOAD_BYTES, "audio": 5000}
    client = logged_in(world.contributor)

    response = start(client, size=6000)

    assert response.status_code == 400
    assert response.json()["error"].replace("\xa0", " ") == (
        "This file is too large (5.9 KB): audio recording may be at most 4.9 KB."
    )
    assert start(client, size=0).json()["error"] == "The file is empty."


def test_names_only_give_an_accepted_extension(any_storage, world):
    client = logged_in(world.contributor)

    refused = start(client, size=1000, name="entretien.exe")
    assert refused.status_code == 400
    assert refused.json()["error"] == (
        "The file's name must end with the extension of an accepted format for audio recording: "
        ".aac, .flac, .m4a, .mp3, .ogg, .wav."
    )
    data = wav_bytes()
    response = upload(client, data, name="../../etc/Cron.d/évier\\..\\Interview.Wave")
    media = MediaFile.objects.get(pk=response.json()["media"]["id"])
    assert media.original_name == "Interview.Wave"
    assert media.key.startswith("archive/cmsh/media/") and media.key.endswith(".wav")
    assert ".." not in media.key and "etc" not in media.key


def test_same_content_again_is_accepted_with_a_warning_linking_to_the_item(
    local_storage, world, paris_past_midnight
):
    client = logged_in(world.contributor)
    data = wav_bytes(tone=7)
    first = MediaFile.objects.get(pk=upload(client, data).json()["media"]["id"])
    item = ArchiveItemFactory(
        institution=world.a, kind=ArchiveItem.Kind.ORAL_HISTORY, title="Marthe", media=first
    )

    again = upload(client, data, name="copie.wav")

    assert again.status_code == 200
    warning = again.json()["warning"]
    # Uploaded at 23:30 UTC on the 7th: the 8th in Paris, the site's time zone.
    assert warning["message"].startswith(
        "The institution already has this very file (uploaded on 2026-12-08)"
    )
    assert warning["items"] == [
        {"label": str(item), "url": reverse("archive_items:edit", args=[item.pk])}
    ]
    assert MediaFile.objects.filter(sha256=first.sha256).count() == 2
    # Another institution uploading the same bytes is not told about A's items.
    other = upload(logged_in(world.other), data)
    assert other.status_code == 200 and other.json()["warning"] is None


def test_completing_twice_gives_the_same_file(local_storage, world):
    client = logged_in(world.contributor)
    data = wav_bytes()
    ticket = start(client, size=len(data)).json()
    assert send(client, ticket, data)[0] == 204

    first = client.post(reverse(COMPLETE), {"token": ticket["token"]}).json()
    second = client.post(reverse(COMPLETE), {"token": ticket["token"]}).json()

    assert first["media"]["id"] == second["media"]["id"]
    assert MediaFile.objects.count() == 1


# --- S3 specifics -------------------------------------------------------------------------------


def _policy(ticket) -> dict:
    return json.loads(base64.b64decode(ticket["fields"]["policy"]))


def test_presigned_post_is_short_lived_sized_and_bound_to_one_key(s3_storage, world, settings):
    settings.ARCHIVE_UPLOAD_URL_SECONDS = 3600  # asking for more than the bound changes nothing
    client = logged_in(world.contributor)

    ticket = start(client, size=12345).json()
    policy = _policy(ticket)

    assert ticket["direct"] is True
    expiration = time.mktime(time.strptime(policy["expiration"][:19], "%Y-%m-%dT%H:%M:%S"))
    assert expiration - time.mktime(time.gmtime()) <= 15 * 60 + 5
    assert ["content-length-range", 1, 12345] in policy["conditions"]
    key = ticket["fields"]["key"]
    assert {"key": key} in policy["conditions"]
    assert key.startswith("archive/cmsh/incoming/") and key.endswith(".wav")

    # The bucket refuses another key with the same signature.
    forged = {**ticket["fields"], "key": "archive/tiss/incoming/2026/01/forged.wav"}
    response = requests.post(ticket["url"], data=forged, files={"file": b"x" * 10}, timeout=30)
    assert response.status_code == 403
    assert stored_names(s3_storage) == set()


def test_replaying_the_presigned_post_cannot_replace_a_checked_file(s3_storage, world):
    client = logged_in(world.contributor)
    data = wav_bytes()
    ticket = start(client, size=len(data)).json()
    assert send(client, ticket, data)[0] == 204
    completed = client.post(reverse(COMPLETE), {"token": ticket["token"]})
    media = MediaFile.objects.get(pk=completed.json()["media"]["id"])

    replay = requests.post(
        ticket["url"], data=ticket["fields"], files={"file": HTML[: len(data)]}, timeout=30
    )

    assert replay.status_code == 204  # the policy is still valid: S3 takes it...
    assert read_stored(s3_storage, media.key) == data  # ...but not where the checked file is
    assert hashlib.sha256(read_stored(s3_storage, media.key)).hexdigest() == media.sha256


def test_storage_errors_give_a_message_and_save_nothing(s3_storage, world, settings):
    client = logged_in(world.contributor)
    data = wav_bytes()
    ticket = start(client, size=len(data)).json()
    assert send(client, ticket, data)[0] == 204
    wrong = settings.STORAGES["default"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**wrong, "OPTIONS": {**wrong["OPTIONS"], "secret_key": "not-the-secret"}},
    }

    response = client.post(reverse(COMPLETE), {"token": ticket["token"]})

    assert response.status_code == 400
    assert response.json()["error"] == (
        "The file storage could not be reached. Try again in a moment."
    )
    assert not MediaFile.objects.exists()


# --- Who may upload --------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(local_storage, world):
    response = Client().post(reverse(START), {"kind": "audio", "size": 10, "name": "a.wav"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    response = Client().post(reverse(COMPLETE), {"token": "x"})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_accounts_that_are_neither_contributor_nor_moderator_are_refused(local_storage, world):
    from django.contrib.auth.models import Permission

    editor = UserFactory(username="redactrice")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = logged_in(editor)

    response = start(client, size=100, institution=world.a)

    assert response.status_code == 403
    assert response.json()["error"] == "Only contributors and moderators can upload archive files."
    assert client.get(reverse("archive_uploads:index")).status_code in (302, 403)


def test_contributors_upload_for_their_own_institution_only(local_storage, world):
    client = logged_in(world.contributor)

    response = start(client, size=100, institution=world.b)

    assert response.status_code == 403
    assert response.json()["error"] == "You cannot upload files for this institution."
    own = start(client, size=100)  # no institution given: their own
    assert own.status_code == 200


def test_a_token_is_bound_to_the_user_who_started_the_upload(local_storage, world):
    data = wav_bytes()
    client = logged_in(world.contributor)
    ticket = start(client, size=len(data)).json()
    intruder = logged_in(world.other)

    sent = intruder.post(ticket["url"], {"file": SimpleUploadedFile("a.wav", data)})
    assert sent.status_code == 403
    assert send(client, ticket, data)[0] == 204
    stolen = intruder.post(reverse(COMPLETE), {"token": ticket["token"]})
    assert stolen.status_code == 403
    assert stolen.json()["error"] == "This upload was started by someone else."
    assert not MediaFile.objects.exists()


def test_a_tampered_token_is_refused(local_storage, world):
    client = logged_in(world.contributor)
    data = wav_bytes()
    ticket = start(client, size=len(data)).json()
    send(client, ticket, data)
    token = ticket["token"]
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")

    response = client.post(reverse(COMPLETE), {"token": tampered})

    assert response.status_code == 400
    assert response.json()["error"] == (
        "This upload is not valid or has expired. Send the file again."
    )


def test_an_expired_upload_link_is_refused(local_storage, world, settings):
    client = logged_in(world.contributor)
    settings.ARCHIVE_UPLOAD_URL_SECONDS = 1
    data = wav_bytes()
    ticket = start(client, size=len(data)).json()
    time.sleep(1.1)

    status, body = send(client, ticket, data)

    assert status == 400
    assert "The upload link has expired" in json.loads(body)["error"]


def test_moderators_pick_the_institution(local_storage, world):
    client = logged_in(world.moderator)

    unpicked = start(client, size=100)
    assert unpicked.status_code == 400
    assert unpicked.json()["error"] == "Choose the institution the file belongs to."

    response = upload(client, wav_bytes(), institution=world.b)
    media = MediaFile.objects.get(pk=response.json()["media"]["id"])
    assert media.institution == world.b and media.key.startswith("archive/tiss/media/")


def test_completion_is_protected_against_cross_site_requests(local_storage, world):
    client = logged_in(world.contributor, enforce_csrf_checks=True)
    assert client.post(reverse(COMPLETE), {"token": "x"}).status_code == 403
    assert client.post(reverse(START), {"kind": "audio"}).status_code == 403


# --- Admin pages -----------------------------------------------------------------------------


def test_upload_page_and_item_form_offer_the_upload_controls(local_storage, world):
    client = logged_in(world.contributor)
    page = BeautifulSoup(client.get(reverse("archive_uploads:index")).content, "html.parser")
    controls = page.select_one("[data-archive-upload]")
    assert controls["data-start-url"] == reverse(START)
    assert controls["data-complete-url"] == reverse(COMPLETE)
    assert not page.select("[data-upload-institution]")  # contributors have one institution
    assert [o["value"] for o in page.select("[data-upload-kind] option")] == ["audio", "video"]
    accepted = page.select_one("[data-upload-file]")["accept"].split(",")
    assert ".wav" in accepted and not {".jpg", ".heic", ".pdf"} & set(accepted)
    elsewhere = page.select_one("[data-upload-elsewhere]")
    assert elsewhere.a["href"] == reverse("wagtailimages:index")
    assert "HEIC, TIFF" in elsewhere.get_text()

    form = client.get(reverse("archive_items:add") + "?kind=oral_history")
    soup = BeautifulSoup(form.content, "html.parser")
    picker = soup.select_one("select[name=media]")
    controls = soup.select_one(f"[data-archive-upload][data-select-id={picker['id']}]")
    assert [o["value"] for o in controls.select("[data-upload-kind] option")] == [
        "audio",
        "video",
    ]
    assert "js/archive-upload.js" in form.content.decode()

    moderator_page = logged_in(world.moderator).get(reverse("archive_uploads:index"))
    options = BeautifulSoup(moderator_page.content, "html.parser").select(
        "[data-upload-institution] option"
    )
    assert {o.get_text() for o in options} >= {str(world.a), str(world.b)}


def test_uploaded_recording_is_offered_by_the_item_form(local_storage, world):
    client = logged_in(world.contributor)
    media_id = upload(client, wav_bytes()).json()["media"]["id"]
    other_id = upload(logged_in(world.other), wav_bytes(tone=3)).json()["media"]["id"]

    form = client.get(reverse("archive_items:add") + "?kind=oral_history")
    values = {
        option["value"]
        for option in BeautifulSoup(form.content, "html.parser").select("select[name=media] option")
    }

    assert str(media_id) in values
    assert str(other_id) not in values


def test_service_refuses_unknown_kinds(local_storage, world):
    with pytest.raises(uploads.UploadError) as caught:
        uploads.upload_start(
            user=world.contributor, institution=world.a, kind="sculpture", size=10, name="a.wav"
        )
    assert caught.value.messages == ["Choose what the file is: audio recording, video."]


def test_refusals_speak_the_admins_language(local_storage, world):
    client = Client()  # no language asked: French, the site's default
    client.force_login(world.contributor)

    response = start(client, size=100, institution=world.b)

    assert response.json()["error"] == (
        "Vous ne pouvez pas déposer de fichiers pour cette institution."
    )
