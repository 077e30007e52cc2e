"""A contribution's whole journey, end to end, on local files and on a real S3 server.

A contributor logs into the admin and
- uploads a photo (a Wagtail image in the institution's collection) and makes a photo item of it;
- uploads an interview recording through the direct upload flow, makes an oral history of it
  with the narrator's consent, and imports its WebVTT transcript;
- writes a savoir-faire record with ordered steps;
and submits all three. A moderator publishes them; an anonymous visitor then sees each one at
/fr/archive/<identifier>/ with its media: the photo's rendition, the recording (played through
the media view: a range from Django, or a redirect to a presigned S3 URL) with its transcript,
the steps in order.

Everything goes through HTTP requests of the Django test client, as a browser would send them;
only the upload itself leaves Django for the S3 server.
"""

import io
import wave
from pathlib import Path

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

import pytest
import requests
from PIL import Image

from archive.models import ArchiveItem, CustomImage, MediaFile
from tests.archive.test_admin import form_data, soup
from tests.factories import MemberFactory, TradeFactory
from tests.factories.archive import ContributorFactory, InstitutionFactory, moderator

pytestmark = pytest.mark.django_db

Kind = ArchiveItem.Kind
Status = ArchiveItem.Status
TRANSCRIPT = Path(__file__).parent / "data" / "transcripts" / "interview_voices.vtt"


def recording() -> bytes:
    output = io.BytesIO()
    with wave.open(output, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(bytes(range(256)) * 125)  # two seconds
    return output.getvalue()


def jpeg() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (800, 600), (150, 90, 40)).save(output, format="JPEG")
    return output.getvalue()


def add_url(kind) -> str:
    return reverse("archive_items:add") + f"?kind={kind}"


def create_item(client, kind, fields: dict) -> ArchiveItem:
    data = form_data(client.get(add_url(kind)))
    data.update(fields)
    response = client.post(add_url(kind), data)
    assert response.status_code == 302, soup(response).select(".error-message, .help-critical")
    return ArchiveItem.objects.filter(kind=kind).latest("pk")


def upload_recording(client, data: bytes) -> MediaFile:
    """The admin upload control's three requests (site/static/js/archive-upload.js)."""
    started = client.post(
        reverse("archive_uploads:start"),
        {"kind": "audio", "size": len(data), "name": "Entretien Marie Dupont.wav"},
    ).json()
    if started["direct"]:
        sent = requests.post(
            started["url"],
            data=started["fields"],
            files={"file": ("Entretien Marie Dupont.wav", data)},
            timeout=30,
        )
        assert sent.status_code == 204, sent.text
    else:
        sent = client.post(started["url"], {"file": SimpleUploadedFile("entretien.wav", data)})
        assert sent.status_code == 204, sent.content
    completed = client.post(reverse("archive_uploads:complete"), {"token": started["token"]})
    assert completed.status_code == 200, completed.content
    return MediaFile.objects.get(pk=completed.json()["media"]["id"])


def play(client, item) -> tuple[int, bytes]:
    """What a player gets when it asks for the first 1000 bytes of an item's recording."""
    url = reverse("archive:media", kwargs={"identifier": item.identifier})
    response = client.get(url, headers={"Range": "bytes=0-999"})
    if response.status_code == 302:  # S3: the bucket answers the range itself
        played = requests.get(response["Location"], headers={"Range": "bytes=0-999"}, timeout=10)
        return played.status_code, played.content
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, content


def test_contributor_to_public_pages(
    any_storage, site_tree, empty_cache, django_capture_on_commit_callbacks
):
    institution = InstitutionFactory(
        code="CMSH", member=MemberFactory(name="Centre historique minier")
    )
    contributor = ContributorFactory(institution=institution).user
    weaver = TradeFactory(name="Tisserand", locale=site_tree.locales["fr"])
    editor = moderator()
    for user in (contributor, editor):
        user.email = f"{user.username}@fabrique.invalid"
        user.save()

    # --- The contributor, in the admin ------------------------------------------------------
    client = Client()
    login = client.post(
        reverse("wagtailadmin_login"), {"username": contributor.username, "password": "x"}
    )
    assert login.status_code == 302

    # A photo: a Wagtail image in the institution's collection, then a photo item.
    added = client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Salle des pendus",
            "file": SimpleUploadedFile("salle.jpg", jpeg(), content_type="image/jpeg"),
            "collection": institution.collection_id,
            "alt_text": "Vêtements de mineurs suspendus au plafond de la salle",
            "credit": "Coll. Centre historique minier",
        },
    )
    assert added.status_code == 302, soup(added).select(".error-message")
    image = CustomImage.objects.get(title="Salle des pendus")
    assert image.collection_id == institution.collection_id
    assert any_storage.exists(image.file.name)
    photo = create_item(
        client,
        Kind.PHOTO,
        {
            "title": "La salle des pendus",
            "summary": "Les vêtements des mineurs montés au plafond.",
            "trades": [str(weaver.pk)],
            "images-TOTAL_FORMS": "1",
            "images-0-image": str(image.pk),
            "images-0-caption": "Vue générale",
            "images-0-ORDER": "1",
            "images-0-id": "",
            "images-0-DELETE": "",
            "action-submit": "submit",
        },
    )

    # An oral history: the recording through the direct upload, consent, then the transcript.
    data = recording()
    media = upload_recording(client, data)
    assert (media.institution, media.mime, media.size) == (institution, "audio/wav", len(data))
    interview = create_item(
        client,
        Kind.ORAL_HISTORY,
        {
            "title": "Marie Dupont, fileuse",
            "narrators": "Marie Dupont",
            "interviewers": "Jean Muller",
            "language": "fr",
            "media": str(media.pk),
            "consent_date": "2024-03-01",
            "consent_scope": "public_web",
        },
    )
    assert interview.media == media
    imported = client.post(
        reverse("archive_items:transcript", args=[interview.pk]),
        {"file": SimpleUploadedFile("entretien.vtt", TRANSCRIPT.read_bytes())},
    )
    assert imported.status_code == 302
    assert interview.segments.count() >= 3
    assert client.post(reverse("archive_items:submit", args=[interview.pk])).status_code == 302

    # A savoir-faire record with two ordered steps.
    savoir_faire = create_item(
        client,
        Kind.SAVOIR_FAIRE,
        {
            "title": "Monter un métier à tisser",
            "techniques": "Ourdissage\nRentrage",
            "tools": "Ourdissoir",
            "steps-TOTAL_FORMS": "2",
            "steps-0-text": "Ourdir la chaîne sur l'ourdissoir.",
            "steps-0-image": str(image.pk),
            "steps-0-media": "",
            "steps-0-ORDER": "1",
            "steps-0-id": "",
            "steps-0-DELETE": "",
            "steps-1-text": "Passer chaque fil dans sa lisse.",
            "steps-1-image": "",
            "steps-1-media": "",
            "steps-1-ORDER": "2",
            "steps-1-id": "",
            "steps-1-DELETE": "",
            "action-submit": "submit",
        },
    )
    items = [photo, interview, savoir_faire]
    for item in items:
        item.refresh_from_db()
    assert [item.status for item in items] == [Status.SUBMITTED] * 3
    assert all(item.institution == institution for item in items)

    # Nothing is public yet.
    visitor = Client()
    for item in items:
        assert visitor.get(f"/fr/archive/{item.identifier}/").status_code == 404
    assert play(visitor, interview)[0] == 404

    # --- The moderator publishes ---------------------------------------------------------------
    moderation = Client()
    moderation.force_login(editor)
    for item in items:
        with django_capture_on_commit_callbacks(execute=True):
            response = moderation.post(reverse("archive_items:publish", args=[item.pk]))
        assert response.status_code == 302
        item.refresh_from_db()
        assert item.status == Status.PUBLISHED
    assert len(mail.outbox) == 3
    assert {message.to[0] for message in mail.outbox} == {contributor.email}

    # --- An anonymous visitor -------------------------------------------------------------------
    page = visitor.get(f"/fr/archive/{photo.identifier}/")
    assert page.status_code == 200
    html = soup(page)
    assert html.h1.get_text(strip=True) == "La salle des pendus"
    viewer = html.select_one("[data-viewer] img")
    assert viewer["src"] == image.get_rendition("max-960x720").url
    assert viewer["alt"] == image.alt_text
    assert "Tisserand" in html.get_text()

    page = visitor.get(f"/fr/archive/{interview.identifier}/")
    assert page.status_code == 200
    html = soup(page)
    assert html.h1.get_text(strip=True) == "Marie Dupont, fileuse"
    source = html.select_one("audio source")
    assert source["src"] == reverse("archive:media", kwargs={"identifier": interview.identifier})
    assert source["type"] == "audio/wav"
    segments = html.select(".transcript__segment")
    assert len(segments) == interview.segments.count()
    assert "entrée" in segments[0].get_text() and segments[0]["data-start"]
    status, played = play(visitor, interview)
    assert (status, played) == (206, data[:1000])

    page = visitor.get(f"/fr/archive/{savoir_faire.identifier}/")
    assert page.status_code == 200
    steps = soup(page).select(".steps .step")
    assert [step.select_one(".step__text").get_text(strip=True) for step in steps] == [
        "Ourdir la chaîne sur l'ourdissoir.",
        "Passer chaque fil dans sa lisse.",
    ]
    assert steps[0].select_one("img.step__image") is not None

    listing = soup(visitor.get("/fr/archive/")).get_text()
    for item in items:
        assert item.title in listing
