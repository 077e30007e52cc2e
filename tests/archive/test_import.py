"""Bulk import of archive items (archive/importing/): `manage.py import_archive` and the
admin's upload → report → confirm screens.

Every refusal is checked the way a user would notice it: a clear message, and nothing changed
(items, images, recordings and stored files counted before and after)."""

import io
import wave
import zipfile
from pathlib import Path
from types import SimpleNamespace

from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from wagtail.images import get_image_model
from wagtail.models import Locale
from wagtail.users.models import UserProfile

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from archive import importing, services
from archive.models import (
    ArchiveItem,
    ArchiveItemLogEntry,
    Consent,
    MediaFile,
    TranscriptSegment,
)
from archive.signals import items_changed
from tests.factories import TradeFactory
from tests.factories.archive import (
    ArchiveItemFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "import_sample.csv"
SAMPLE_MEDIA = DATA / "import_media"
Kind = ArchiveItem.Kind
Status = ArchiveItem.Status


@pytest.fixture(autouse=True)
def english():
    # Messages are compared in English, whatever the catalogues say.
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def trades(db) -> dict:
    """The trades the sample files name, by slug: mines with two children, and textile with
    the weaver, who also has an English name."""
    mines = TradeFactory(name="Mines", slug="mines")
    TradeFactory(name="Mineur de fond", slug="mineur-de-fond", parent=mines)
    TradeFactory(name="Porion", slug="porion", parent=mines)
    textile = TradeFactory(name="Textile", slug="textile")
    weaver = TradeFactory(name="Tisserand", slug="tisserand", parent=textile)
    english_weaver = weaver.copy_for_translation(
        Locale.objects.get_or_create(language_code="en")[0]
    )
    english_weaver.name = "Weaver"
    english_weaver.parent = None
    english_weaver.save()
    return {"mines": mines, "textile": textile, "tisserand": weaver}


@pytest.fixture(autouse=True)
def admin_in_english(world):
    """The admin speaks each user's language: English here, whatever the catalogues hold."""
    for user in (world.contributor, world.other, world.moderator):
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = "en"
        profile.save()


# --- Helpers ---------------------------------------------------------------------------------


def jpeg(colour=(90, 90, 100)) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (48, 32), colour).save(output, "JPEG")
    return output.getvalue()


def wav() -> bytes:
    output = io.BytesIO()
    with wave.open(output, "wb") as recording:
        recording.setnchannels(1)
        recording.setsampwidth(1)
        recording.setframerate(4000)
        recording.writeframes(bytes(range(256)) * 8)
    return output.getvalue()


def table(rows: list[dict], *, delimiter=",", bom=False) -> bytes:
    columns = list(dict.fromkeys(name for row in rows for name in row))
    lines = [delimiter.join(columns)]
    for row in rows:
        cells = []
        for name in columns:
            value = str(row.get(name, ""))
            if any(char in value for char in (delimiter, '"', "\n")):
                value = '"' + value.replace('"', '""') + '"'
            cells.append(value)
        lines.append(delimiter.join(cells))
    text = "\n".join(lines) + "\n"
    return ("\ufeff" if bom else "").encode() + text.encode()


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def command(csv_path, institution="CMSH", *args) -> SimpleNamespace:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_archive",
        str(csv_path),
        "--institution",
        institution,
        "--no-progress",
        *args,
        stdout=out,
        stderr=err,
    )
    return SimpleNamespace(out=out.getvalue(), err=err.getvalue())


def counts(output: str) -> dict[str, int]:
    """The summary table the command prints: label -> number."""
    lines = (line.rsplit(None, 1) for line in output.splitlines() if line.startswith("  "))
    return {label.strip(): int(number) for label, number in lines}


def stored_files(folder="") -> set[str]:
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return set()
    names = {f"{folder}/{name}".lstrip("/") for name in files}
    for sub in folders:
        names |= stored_files(f"{folder}/{sub}".lstrip("/"))
    return names


def state() -> dict:
    """What an import could change."""
    return {
        "items": sorted(
            ArchiveItem.objects.values_list("identifier", "title", "status", "updated_at")
        ),
        "images": get_image_model().objects.count(),
        "media": MediaFile.objects.count(),
        "segments": TranscriptSegment.objects.count(),
        "log": ArchiveItemLogEntry.objects.count(),
        "files": stored_files(),
    }


def sample_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for file in SAMPLE_MEDIA.iterdir():
            archive.write(file, f"export/{file.name}")
    return path


# --- The command ---------------------------------------------------------------------------


def test_the_sample_file_imports_every_kind_with_its_media(world):
    before = stored_files()

    result = command(SAMPLE, "cmsh", "--media", str(SAMPLE_MEDIA))

    assert counts(result.out)["new items"] == 3
    items = {item.kind: item for item in ArchiveItem.objects.filter(institution=world.a)}
    assert len(items) == 3
    photo, interview, savoir = items[Kind.PHOTO], items[Kind.ORAL_HISTORY], items[Kind.SAVOIR_FAIRE]
    assert {item.status for item in items.values()} == {Status.DRAFT}
    assert all(item.identifier.startswith("FAB-CMSH-") for item in items.values())
    assert {item.created_by for item in items.values()} == {None}

    assert photo.title == "Mineurs à la remonte"
    assert str(photo.latitude) == "50.465300"  # written with a decimal comma
    assert photo.date_display == "c. 1950–1960"
    assert sorted(photo.trades.values_list("slug", flat=True)) == ["mineur-de-fond", "porion"]
    assert sorted(photo.tags.names()) == ["charbon", "remonte"]
    assert photo.rights == ArchiveItem.Rights.CC_BY
    images = list(photo.images.order_by("sort_order").select_related("image"))
    assert [image.caption for image in images] == ["La cage", "Les lampes"]
    assert {image.image.collection_id for image in images} == {world.a.collection_id}
    # Stored under generated names, never the file's own.
    assert all("remonte" not in image.image.file.name for image in images)

    assert interview.access == ArchiveItem.Access.MEMBERS
    assert interview.rights == ArchiveItem.Rights.CC_BY_SA
    assert (interview.year_from, interview.year_to) == (1952, 1960)
    assert interview.recording_date.isoformat() == "2023-11-14"
    assert interview.media.kind == MediaFile.Kind.AUDIO
    assert interview.media.key.startswith("archive/cmsh/media/")
    assert default_storage.exists(interview.media.key)
    assert list(interview.segments.values_list("speaker", "start_ms")) == [
        ("Camille Delannoy", 0),
        ("Jeannine D.", 500),
    ]
    consent = Consent.objects.get(item=interview)
    assert (consent.scope, consent.consent_date.isoformat()) == ("public_web", "2023-11-14")

    assert savoir.access == ArchiveItem.Access.RESTRICTED  # "Restreint", its French label
    assert savoir.techniques == "Ourdissage\nEncollage"
    steps = list(savoir.steps.order_by("sort_order"))
    assert [step.text for step in steps] == [
        "Compter les fils",
        "Monter la chaîne sur l'ourdissoir",
    ]
    assert steps[0].image is None and steps[1].image.collection_id == world.a.collection_id

    assert len(stored_files() - before) == 4  # three photos, one recording
    history = ArchiveItemLogEntry.objects.filter(item_id=photo.pk, action="archive.import")
    assert history.get().data["row"] == 2


@pytest.mark.usefixtures("any_storage")
def test_media_come_from_a_zip_archive_with_local_or_s3_storage(world, tmp_path):
    archive = sample_zip(tmp_path / "media.zip")

    result = command(SAMPLE, "CMSH", "--media", str(archive))

    assert ArchiveItem.objects.filter(institution=world.a).count() == 3
    interview = ArchiveItem.objects.get(kind=Kind.ORAL_HISTORY)
    with default_storage.open(interview.media.key, "rb") as stored:
        assert stored.read() == (SAMPLE_MEDIA / "entretien-jeannine.wav").read_bytes()
    assert counts(result.out)["recordings and videos stored"] == 1


def test_running_the_same_file_again_changes_nothing(world, tmp_path):
    command(SAMPLE, "CMSH", "--media", str(SAMPLE_MEDIA))
    first = state()

    result = command(SAMPLE, "CMSH", "--media", str(SAMPLE_MEDIA))

    assert counts(result.out)["unchanged items"] == 3
    second = state()
    assert second["items"] == first["items"]
    assert second["files"] == first["files"]
    assert (second["images"], second["media"]) == (first["images"], first["media"])


def test_rows_without_identifier_or_media_match_identical_items(world, tmp_path):
    rows = [
        {"kind": "photo", "title": "Portrait", "commune": "Lens", "tags": "portrait"},
        {"kind": "photo", "title": "Portrait", "commune": "Lens", "tags": "portrait"},
        {"kind": "savoir_faire", "title": "Forger", "trades": "tisserand"},
    ]
    path = write(tmp_path / "items.csv", table(rows))
    command(path)

    result = command(path)

    # Two identical rows are two items, found again one each.
    assert ArchiveItem.objects.count() == 3
    assert counts(result.out)["unchanged items"] == 3


def test_a_changed_row_updates_its_item_by_identifier(world, trades, tmp_path):
    item = ArchiveItemFactory(institution=world.a, title="Ancien titre", summary="Résumé")
    rows = [
        {"identifier": item.identifier, "title": "Nouveau titre", "trades": "Weaver"},
        {"kind": "photo", "title": "Nouvelle photo"},
    ]
    path = write(tmp_path / "items.csv", table(rows))

    result = command(path)

    assert counts(result.out)["new items"] == 1
    assert counts(result.out)["updated items"] == 1
    item.refresh_from_db()
    assert item.title == "Nouveau titre"
    assert item.summary == "Résumé"  # not a column of the file: left alone
    assert list(item.trades.all()) == [trades["tisserand"]]  # named in English, linked in French
    entry = ArchiveItemLogEntry.objects.get(item_id=item.pk, action="archive.import")
    assert entry.data["changed"] == ["title", "trades"]


def test_a_photo_row_with_the_same_file_and_values_is_unchanged(world, tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    write(media / "vue.jpg", jpeg())
    path = write(tmp_path / "a.csv", table([{"kind": "photo", "title": "Vue", "media": "vue.jpg"}]))
    command(path, "CMSH", "--media", str(media))

    result = command(path, "CMSH", "--media", str(media))

    assert counts(result.out)["unchanged items"] == 1
    assert ArchiveItem.objects.count() == 1
    assert get_image_model().objects.count() == 1


# --- Matching: exact keys, and suggestions that need a confirmation ---------------------------


def published_photos(tmp_path, count=3) -> tuple[Path, list[ArchiveItem]]:
    """`count` published photo items of CMSH, each with a photo of its own, imported by the
    system (as a moderator would); the media folder holds the photos."""
    media = tmp_path / "media"
    media.mkdir(exist_ok=True)
    rows = []
    for n in range(count):
        write(media / f"vue-{n}.jpg", jpeg((40 * n, 90, 100)))
        rows.append({"kind": "photo", "title": f"Chevalement {n}", "media": f"vue-{n}.jpg"})
    command(
        write(tmp_path / "first.csv", table(rows)),
        "CMSH",
        "--media",
        str(media),
        "--status",
        "published",
    )  # noqa: E501
    items = list(ArchiveItem.objects.order_by("identifier"))
    assert {item.status for item in items} == {Status.PUBLISHED}
    return media, items


def test_a_new_row_with_the_photo_of_a_published_item_leaves_that_item_alone(world, tmp_path):
    media, published = published_photos(tmp_path)
    rows = [
        {"kind": "photo", "title": f"Nouvelle fiche {n}", "media": f"vue-{n}.jpg"} for n in range(3)
    ]
    path = write(tmp_path / "second.csv", table(rows))
    contributor = ("--user", world.contributor.username)

    dry = command(path, "CMSH", "--media", str(media), *contributor, "--dry-run")

    assert counts(dry.out)["suggested updates not confirmed"] == 3
    first = published[0].identifier
    assert f"row 2: would update {first} (published → back to review)" in dry.out
    assert "changes: title" in dry.out

    result = command(path, "CMSH", "--media", str(media), *contributor)

    assert counts(result.out)["new items"] == 3
    assert counts(result.out)["published items back to review"] == 0
    for item in published:
        before = item.title
        item.refresh_from_db()
        assert (item.title, item.status) == (before, Status.PUBLISHED)
    new = ArchiveItem.objects.filter(title__startswith="Nouvelle fiche")
    assert new.count() == 3
    # The same photo is stored once: the new items share it.
    assert get_image_model().objects.count() == 3
    entry = ArchiveItemLogEntry.objects.get(item_id=new.get(title="Nouvelle fiche 0").pk)
    assert entry.data["resembles"] == first


def test_suggested_updates_apply_only_to_the_rows_confirmed(world, tmp_path):
    media, published = published_photos(tmp_path)
    rows = [
        {"kind": "photo", "title": f"Titre corrigé {n}", "media": f"vue-{n}.jpg"} for n in range(3)
    ]
    path = write(tmp_path / "second.csv", table(rows))

    result = command(
        path, "CMSH", "--media", str(media), "--user", world.contributor.username, "--accept", "2,3"
    )

    assert counts(result.out)["updated items"] == 2
    assert counts(result.out)["published items back to review"] == 2
    assert f"row 2: updates {published[0].identifier} (published → back to review" in result.out
    for item in published:
        item.refresh_from_db()
    assert [(item.title, item.status) for item in published] == [
        ("Titre corrigé 0", Status.SUBMITTED),
        ("Titre corrigé 1", Status.SUBMITTED),
        ("Chevalement 2", Status.PUBLISHED),
    ]
    assert ArchiveItem.objects.filter(title="Titre corrigé 2").count() == 1  # row 4: new
    resubmitted = ArchiveItemLogEntry.objects.filter(action="archive.resubmit")
    assert sorted(resubmitted.values_list("item_id", flat=True)) == [
        published[0].pk,
        published[1].pk,
    ]


def test_accept_suggested_confirms_every_suggestion(world, tmp_path):
    media, published = published_photos(tmp_path, count=2)
    rows = [{"kind": "photo", "title": f"Autre {n}", "media": f"vue-{n}.jpg"} for n in range(2)]

    result = command(
        write(tmp_path / "b.csv", table(rows)), "CMSH", "--media", str(media), "--accept-suggested"
    )

    assert counts(result.out)["updated items"] == 2
    # The system acts as a moderator: the items stay published.
    assert set(ArchiveItem.objects.values_list("title", "status")) == {
        ("Autre 0", Status.PUBLISHED),
        ("Autre 1", Status.PUBLISHED),
    }


def test_confirming_a_row_that_suggests_nothing_is_refused(world, tmp_path):
    item = ArchiveItemFactory(institution=world.a, title="Fiche")
    rows = [
        {"identifier": item.identifier, "title": "Fiche"},
        {"kind": "photo", "title": "Sans rapport"},
    ]
    path = write(tmp_path / "a.csv", table(rows))
    before = state()

    with pytest.raises(CommandError, match="nothing was saved"):
        command(path, "CMSH", "--accept", "3")
    with pytest.raises(CommandError, match="nothing was saved"):
        command(path, "CMSH", "--accept", "9")

    assert state() == before
    report = importing.import_items(
        csv_data=table(rows), institution=world.a, accepted=importing.Accepted(rows={3: "", 9: ""})
    )
    assert [(e.row, e.message) for e in report.errors] == [
        (3, "This row resembles no item: there is no update to confirm."),
        (9, "The file has no row 9."),
    ]


def test_a_corrected_summary_is_suggested_as_an_update_of_its_item(world, tmp_path):
    rows = [{"kind": "photo", "title": "Remonte des mineurs", "summary": "Fin de poste, 1945."}]
    command(write(tmp_path / "a.csv", table(rows)))
    item = ArchiveItem.objects.get()
    rows[0]["summary"] = "Fin de poste, 1954."
    corrected = write(tmp_path / "b.csv", table(rows))

    dry = command(corrected, "CMSH", "--dry-run")

    assert f"row 2: would update {item.identifier} (same kind and title; changes: summary)" in (
        dry.out
    )
    assert counts(dry.out)["new items"] == 1  # unless confirmed

    result = command(corrected, "CMSH", "--accept", "2")

    assert counts(result.out)["updated items"] == 1
    item.refresh_from_db()
    assert ArchiveItem.objects.get() == item
    assert item.summary == "Fin de poste, 1954."


def test_inventory_numbers_find_the_item_again(world, tmp_path):
    rows = [
        {"inventory_number": "1998.12.4", "kind": "photo", "title": "Lampe", "summary": "Lampe"},
        {"inventory_number": "1998.12.5", "kind": "photo", "title": "Casque"},
    ]
    command(write(tmp_path / "a.csv", table(rows)))
    lamp = ArchiveItem.objects.get(inventory_number="1998.12.4")
    rows[0]["summary"] = "Lampe de mineur, modèle Arras"  # a typo fixed: no confirmation needed
    rows[1]["title"] = "Casque à lampe"

    result = command(write(tmp_path / "b.csv", table(rows)))

    assert counts(result.out)["updated items"] == 2
    assert counts(result.out)["new items"] == 0
    assert ArchiveItem.objects.count() == 2
    lamp.refresh_from_db()
    assert lamp.summary == "Lampe de mineur, modèle Arras"
    assert ArchiveItem.objects.get(inventory_number="1998.12.5").title == "Casque à lampe"
    # A file that only updates needs no kind or title.
    update = table([{"inventory_number": "1998.12.4", "credit_line": "Coll. CHM"}])
    command(write(tmp_path / "c.csv", update))
    lamp.refresh_from_db()
    assert lamp.credit_line == "Coll. CHM"


def test_inventory_numbers_are_unique_within_an_institution_only(world, tmp_path):
    rows = [{"inventory_number": "INV-1", "kind": "photo", "title": "Vue"}]
    command(write(tmp_path / "a.csv", table(rows)), "CMSH")
    command(write(tmp_path / "a.csv", table(rows)), "TISS")

    assert sorted(ArchiveItem.objects.values_list("institution__code", "inventory_number")) == [
        ("CMSH", "INV-1"),
        ("TISS", "INV-1"),
    ]
    held = ArchiveItem.objects.get(institution=world.a)
    other = ArchiveItemFactory(institution=world.a, title="Autre")
    twice = [
        {"inventory_number": "INV-2", "kind": "photo", "title": "A"},
        {"inventory_number": "INV-2", "kind": "photo", "title": "B"},
        {"identifier": other.identifier, "inventory_number": "INV-1"},
    ]
    report = importing.import_items(csv_data=table(twice), institution=world.a)
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (3, "inventory_number", "This inventory number is already on row 2."),
        (4, "inventory_number", f"This inventory number is already that of {held.identifier}."),
    ]
    # The database holds the rule too, whatever path writes; an empty number is no number.
    with pytest.raises(IntegrityError), transaction.atomic():
        ArchiveItem.objects.filter(pk=other.pk).update(inventory_number="INV-1")
    ArchiveItem.objects.filter(institution=world.a).update(inventory_number="")


def test_the_file_comes_back_with_identifiers_and_updates_exactly(world, tmp_path):
    rows = [
        {
            "identifier": "",
            "kind": "photo",
            "title": "Vue",
            "longitude": "-1,5",
            "latitude": "47,2",
        },
        {"kind": "photo", "title": '=HYPERLINK("http://x.invalid")', "summary": "@moi"},
        {"identifier": "ANCIEN-7", "kind": "savoir_faire", "title": "Tisser"},
    ]
    source = write(tmp_path / "a.csv", table(rows, delimiter=";"))
    back = tmp_path / "with-identifiers.csv"

    with pytest.raises(CommandError, match="not a dry run"):
        command(source, "CMSH", "--dry-run", "--write-identifiers", str(back))
    command(source, "CMSH", "--write-identifiers", str(back))

    text = back.read_bytes().decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "identifier;kind;title;longitude;latitude;summary"
    assert lines[1].startswith("FAB-CMSH-0001;photo;Vue;'-1,5;47,2")
    # What a spreadsheet would run as a formula is written as text.
    assert "'=HYPERLINK" in lines[2] and ";'@moi" in lines[2]
    assert lines[3].startswith("ANCIEN-7;savoir_faire;Tisser")

    edited = back.read_bytes().replace(b";Vue;", b";Vue du puits;")
    result = command(write(tmp_path / "b.csv", edited))

    assert (counts(result.out)["updated items"], counts(result.out)["new items"]) == (1, 0)
    assert counts(result.out)["unchanged items"] == 2
    assert ArchiveItem.objects.count() == 3
    first = ArchiveItem.objects.get(identifier="FAB-CMSH-0001")
    assert (first.title, str(first.longitude)) == ("Vue du puits", "-1.500000")
    assert ArchiveItem.objects.get(identifier="FAB-CMSH-0002").title.startswith("=HYPERLINK")


def test_a_contributor_changing_a_published_item_sends_it_back_to_review(world, tmp_path):
    item = ArchiveItemFactory(institution=world.a, status=Status.PUBLISHED, title="Publiée")
    path = write(tmp_path / "a.csv", table([{"identifier": item.identifier, "title": "Changée"}]))

    command(path, "CMSH", "--user", world.contributor.username)

    item.refresh_from_db()
    assert (item.title, item.status) == ("Changée", Status.SUBMITTED)
    assert ArchiveItemLogEntry.objects.filter(item_id=item.pk, action="archive.resubmit").exists()


def test_the_history_of_an_imported_resubmission_reads_as_the_admins(world, tmp_path):
    imported, edited = ArchiveItemFactory.create_batch(
        2, institution=world.a, status=Status.PUBLISHED, title="Publiée"
    )
    path = write(tmp_path / "a.csv", table([{"identifier": imported.identifier, "title": "Ch"}]))
    command(path, "CMSH", "--user", world.contributor.username)
    edited.title = "Ch"
    services.item_save(item=edited, user=world.contributor)

    entries = ArchiveItemLogEntry.objects.filter(action="archive.resubmit")
    data = {entry.item_id: entry.data for entry in entries}
    assert data[imported.pk] == data[edited.pk] == {"from": "published", "to": "submitted"}


def test_semicolons_a_bom_and_french_labels_are_read(world, tmp_path):
    rows = [
        {
            "kind": "Témoignage oral",
            "title": "Souvenirs; de Jeannine",  # quoted: holds the separator
            "access": "Réservé aux membres",
            "rights": "CC BY-SA 4.0",
            "country": "Belgique",
            "date": "12/03/1954",
            "longitude": "2,5",
            "latitude": "50,25",
        }
    ]
    path = write(tmp_path / "export.csv", table(rows, delimiter=";", bom=True))

    command(path)

    item = ArchiveItem.objects.get()
    assert (item.kind, item.title) == (Kind.ORAL_HISTORY, "Souvenirs; de Jeannine")
    assert (item.access, item.rights, item.country) == ("members", "cc-by-sa-4.0", "BE")
    assert item.date.isoformat() == "1954-03-12"
    assert (str(item.latitude), str(item.longitude)) == ("50.250000", "2.500000")


def test_a_dry_run_reports_and_saves_nothing(world, tmp_path):
    before = state()

    result = command(SAMPLE, "CMSH", "--media", str(SAMPLE_MEDIA), "--dry-run")

    assert "dry run, nothing saved" in result.out
    assert counts(result.out)["new items"] == 3
    assert state() == before


def test_row_problems_are_listed_by_row_and_column_and_nothing_is_saved(world, tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    write(media / "vue.jpg", jpeg())
    write(media / "dessin.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>')
    rows = [
        {"kind": "photo", "title": "Bonne ligne", "media": "vue.jpg"},
        {"kind": "photo", "title": "Date", "date": "1960-1950"},
        {"kind": "video", "title": "Genre"},
        {"kind": "photo", "title": "", "trades": "boulanger"},
        {"kind": "photo", "title": "Fichier", "media": "absente.jpg"},
        {"kind": "photo", "title": "SVG", "media": "dessin.svg"},
        {"kind": "photo", "title": "Lieu", "latitude": "50.1"},
        {"kind": "photo", "title": "Récit", "narrators": "Jeannine"},
    ]
    path = write(tmp_path / "items.csv", table(rows))
    before = state()

    with pytest.raises(CommandError, match="nothing was saved"):
        command(path, "CMSH", "--media", str(media))

    assert state() == before
    report = importing.import_items(
        csv_data=path.read_bytes(),
        media=importing.DirectoryMedia(media),
        institution=world.a,
    )
    problems = {(error.row, error.column): error.message for error in report.errors}
    assert problems[(3, "date")] == "The period cannot end before it starts."
    assert "is not a kind" in problems[(4, "kind")]
    assert problems[(5, "title")] == "A new item needs a title."
    assert "not a trade of the vocabulary" in problems[(5, "trades")]
    assert "No file “absente.jpg”" in problems[(6, "media")]
    assert "SVG" in problems[(7, "media")]
    assert "latitude and longitude" in problems[(8, "longitude")]
    assert "not used for Photo items" in problems[(9, "narrators")]
    assert all(row != 2 for row, _column in problems)


def test_a_failure_while_writing_leaves_no_row_and_no_file(world, tmp_path):
    def refuse(**kwargs):
        raise RuntimeError("the search outbox is down")

    before = state()
    items_changed.connect(refuse, dispatch_uid="test-import-refuse")
    try:
        with pytest.raises(RuntimeError):
            command(SAMPLE, "CMSH", "--media", str(SAMPLE_MEDIA))
    finally:
        items_changed.disconnect(dispatch_uid="test-import-refuse")

    assert state() == before


def test_new_items_can_be_submitted_when_complete(world, tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    write(media / "vue.jpg", jpeg())
    rows = [
        {"kind": "photo", "title": "Complète", "media": "vue.jpg"},
        {"kind": "photo", "title": "Sans image"},
    ]
    path = write(tmp_path / "a.csv", table(rows))

    with pytest.raises(CommandError):
        command(path, "CMSH", "--media", str(media), "--status", "submitted")
    assert ArchiveItem.objects.count() == 0

    command(path, "CMSH", "--media", str(media), "--status", "draft")
    assert ArchiveItem.objects.filter(status=Status.DRAFT).count() == 2


REFUSED_FILES = {
    "empty": (b"", "The CSV file is empty."),
    "header only": (b"kind,title\n", "header but no rows"),
    "binary": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "This is not a CSV file"),
    "spreadsheet": (b"PK\x03\x04" + b"\x00" * 26 + b"[Content_Types].xml", "not a CSV file"),
    "wrong encoding": ("kind;title\nphoto;Café\n".encode("latin-1"), "not in UTF-8 (line 2"),
    "utf-16": ("kind,title\nphoto,Café\n".encode("utf-16"), "UTF-16"),
    "unterminated quotes": (b'kind,title\nphoto,"Vue\nphoto,Autre\n', "opened on line 2"),
    "unknown column": (b"kind,title,couleur\nphoto,Vue,rouge\n", "Unknown columns: couleur"),
    "missing columns": (b"title\nVue\n", "Missing columns: kind"),
    "repeated column": (b"kind,title,title\nphoto,a,b\n", "Columns given twice: title"),
}


@pytest.mark.parametrize("data, message", REFUSED_FILES.values(), ids=REFUSED_FILES.keys())
def test_a_refused_file_gets_a_clear_message_and_changes_nothing(world, tmp_path, data, message):
    ArchiveItemFactory(institution=world.a)
    path = write(tmp_path / "items.csv", data)
    before = state()

    with pytest.raises(CommandError, match="refused; nothing was changed") as refusal:
        command(path, "CMSH", "--media", str(SAMPLE_MEDIA))

    assert message in str(refusal.value)
    assert state() == before


def zip_with(path: Path, entries: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(
    "entries, message",
    [
        ({"../../etc/vue.jpg": b"x"}, "points outside the archive"),
        ({"/tmp/vue.jpg": b"x"}, "points outside the archive"),
        ({"bombe.jpg": b"\x00" * (8 * 1024**2)}, "zip bombs"),
    ],
    ids=["parent path", "absolute path", "zip bomb"],
)
def test_a_dangerous_zip_is_refused(world, tmp_path, entries, message):
    archive = zip_with(tmp_path / "media.zip", entries)
    path = write(tmp_path / "a.csv", table([{"kind": "photo", "title": "Vue", "media": "vue.jpg"}]))
    before = state()

    with pytest.raises(CommandError, match=message):
        command(path, "CMSH", "--media", str(archive))

    assert state() == before


def test_zip_limits_come_from_settings(world, tmp_path, settings):
    settings.ARCHIVE_IMPORT_MAX_ZIP_ENTRIES = 2
    archive = zip_with(tmp_path / "media.zip", {f"{n}.jpg": jpeg() for n in range(3)})
    path = write(tmp_path / "a.csv", table([{"kind": "photo", "title": "Vue", "media": "0.jpg"}]))

    with pytest.raises(CommandError, match="holds 3 entries; at most 2"):
        command(path, "CMSH", "--media", str(archive))


def test_a_folder_cannot_be_left_through_a_name_or_a_link(world, tmp_path):
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(jpeg())
    media = tmp_path / "media"
    media.mkdir()
    (media / "lien.jpg").symlink_to(secret)
    rows = [
        {"kind": "photo", "title": "A", "media": "../secret.jpg"},
        {"kind": "photo", "title": "B", "media": "lien.jpg"},
    ]
    report = importing.import_items(
        csv_data=table(rows), media=importing.DirectoryMedia(media), institution=world.a
    )

    assert [(e.row, e.column) for e in report.errors] == [(2, "media"), (3, "media")]
    assert ArchiveItem.objects.count() == 0


def test_a_contributor_cannot_import_into_another_institution(world, tmp_path):
    path = write(tmp_path / "a.csv", table([{"kind": "photo", "title": "Intrus"}]))

    with pytest.raises(CommandError, match="cannot add items for this institution"):
        command(path, "TISS", "--user", world.contributor.username)

    assert ArchiveItem.objects.count() == 0


def test_an_identifier_of_another_institution_is_not_touched(world, tmp_path):
    theirs = ArchiveItemFactory(institution=world.b, title="À eux")
    path = write(tmp_path / "a.csv", table([{"identifier": theirs.identifier, "title": "À moi"}]))

    with pytest.raises(CommandError):
        command(path, "CMSH", "--user", world.contributor.username)

    theirs.refresh_from_db()
    assert theirs.title == "À eux"


def test_imported_identifiers_are_kept_and_numbering_skips_them(world, tmp_path):
    rows = [
        {"identifier": "FAB-CMSH-0002", "kind": "photo", "title": "Ancienne fiche"},
        {"kind": "photo", "title": "Nouvelle 1"},
        {"kind": "photo", "title": "Nouvelle 2"},
    ]
    command(write(tmp_path / "a.csv", table(rows)))

    assert sorted(ArchiveItem.objects.values_list("identifier", "title")) == [
        ("FAB-CMSH-0001", "Nouvelle 1"),
        ("FAB-CMSH-0002", "Ancienne fiche"),
        ("FAB-CMSH-0003", "Nouvelle 2"),
    ]


# --- The admin -------------------------------------------------------------------------------

IMPORT_URL = "archive_import:index"
CONFIRM_URL = "archive_import:confirm"


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def upload(client, csv_data: bytes, zip_data: bytes | None = None, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"csv_file": SimpleUploadedFile("fiches.csv", csv_data), "status": "draft", **fields}
    if zip_data is not None:
        data["media_file"] = SimpleUploadedFile("medias.zip", zip_data)
    return client.post(reverse(IMPORT_URL), data)


def staged_folders() -> set[str]:
    return {name for name in stored_files() if name.startswith("imports/")}


@pytest.mark.usefixtures("any_storage")
def test_admin_upload_report_confirm(client, world, tmp_path):
    client.force_login(world.contributor)
    zip_data = sample_zip(tmp_path / "media.zip").read_bytes()

    form = client.get(reverse(IMPORT_URL))
    assert form.status_code == 200
    assert "institution" not in {field.get("name") for field in soup(form).select("select")}
    assert soup(form).select_one("[data-archive-import-columns]") is not None

    report = upload(client, SAMPLE.read_bytes(), zip_data)

    assert report.status_code == 200
    page = soup(report)
    assert page.select_one("[data-count=created]").get_text(strip=True) == "3"
    assert ArchiveItem.objects.count() == 0  # a report, nothing saved yet
    assert len(staged_folders()) == 2  # the CSV and the ZIP wait in the storage
    token = page.select_one("[data-archive-import-confirm] input[name=token]")["value"]

    done = client.post(reverse(CONFIRM_URL), {"token": token})

    assert done.status_code == 200
    assert soup(done).select_one("[data-count=created]").get_text(strip=True) == "3"
    assert ArchiveItem.objects.filter(institution=world.a).count() == 3
    # The upload is gone; only the file with identifiers waits for its download.
    assert [name.rsplit("/", 1)[1] for name in staged_folders()] == ["identifiers.csv"]
    again = client.post(reverse(CONFIRM_URL), {"token": token}, follow=True)
    assert "expired or is not yours" in again.content.decode()
    assert ArchiveItem.objects.count() == 3


def test_admin_cancel_deletes_the_upload(client, world):
    client.force_login(world.contributor)
    report = upload(client, SAMPLE.read_bytes())
    token = soup(report).select_one("input[name=token]")

    # Without the media the sample's files are missing: a report of problems, no token.
    assert token is None
    assert "no media folder or ZIP archive was given" in report.content.decode()
    assert staged_folders() == set()

    rows = table([{"kind": "photo", "title": "Vue"}])
    token = soup(upload(client, rows)).select_one("input[name=token]")["value"]
    client.post(reverse(CONFIRM_URL), {"token": token, "cancel": "1"})

    assert staged_folders() == set()
    assert ArchiveItem.objects.count() == 0


def test_admin_report_lists_problems_by_row_and_column(client, world):
    client.force_login(world.contributor)
    rows = table(
        [{"kind": "photo", "title": "Bonne"}, {"kind": "photo", "title": "", "date": "hier"}]
    )

    response = upload(client, rows)

    cells = [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in soup(response).select("[data-archive-import-errors] tbody tr")
    ]
    assert cells[0][:2] == ["3", "date"] and "is not a date" in cells[0][2]
    assert cells[1] == ["3", "title", "A new item needs a title."]
    assert soup(response).select_one("[data-archive-import-confirm]") is None


@pytest.mark.parametrize(
    "csv_data, zip_data, message",
    [
        (b"", None, "The submitted file is empty."),
        (jpeg(), None, "This is not a CSV file"),
        ("kind;title\nphoto;Café\n".encode("cp1252"), None, "not in UTF-8"),
        (b"kind,title\nphoto,Vue\n", b"not a zip", "not a ZIP archive"),
        (b"kind,title\nphoto,Vue\n", b"PK\x03\x04broken", "damaged"),
    ],
    ids=["empty", "image", "encoding", "not a zip", "broken zip"],
)
def test_admin_bad_uploads_get_a_message_never_a_server_error(
    client, world, csv_data, zip_data, message
):
    client.force_login(world.contributor)

    response = upload(client, csv_data, zip_data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert ArchiveItem.objects.count() == 0
    assert staged_folders() == set()


def test_admin_contributor_imports_into_their_own_institution_only(client, world):
    client.force_login(world.contributor)
    theirs = ArchiveItemFactory(institution=world.b, title="À eux")

    # A forged institution field is ignored: contributors have none.
    report = upload(client, table([{"kind": "photo", "title": "Chez moi"}]), institution=world.b.pk)
    token = soup(report).select_one("input[name=token]")["value"]
    client.post(reverse(CONFIRM_URL), {"token": token})
    assert ArchiveItem.objects.get(title="Chez moi").institution == world.a

    refused = upload(client, table([{"identifier": theirs.identifier, "title": "Pris"}]))
    assert "taken by another item" in refused.content.decode()
    theirs.refresh_from_db()
    assert theirs.title == "À eux"


def test_admin_token_is_bound_to_its_user(client, world):
    client.force_login(world.contributor)
    token = soup(upload(client, table([{"kind": "photo", "title": "Vue"}]))).select_one(
        "input[name=token]"
    )["value"]
    client.force_login(world.other)

    response = client.post(reverse(CONFIRM_URL), {"token": token}, follow=True)

    assert "expired or is not yours" in response.content.decode()
    assert ArchiveItem.objects.count() == 0
    forged = client.post(reverse(CONFIRM_URL), {"token": token[:-2] + "xx"}, follow=True)
    assert "expired or is not yours" in forged.content.decode()


def test_admin_moderator_picks_the_institution(client, world):
    client.force_login(world.moderator)

    form = client.get(reverse(IMPORT_URL))
    report = upload(client, table([{"kind": "photo", "title": "Vue"}]), institution=world.b.pk)
    token = soup(report).select_one("input[name=token]")["value"]
    client.post(reverse(CONFIRM_URL), {"token": token})

    assert soup(form).select_one("select[name=institution]") is not None
    assert ArchiveItem.objects.get().institution == world.b


def test_admin_import_needs_a_contributor_or_moderator(client, world):
    anonymous = client.get(reverse(IMPORT_URL))
    assert anonymous.status_code == 302 and "login" in anonymous.url

    outsider = UserFactory(username="visiteuse", is_staff=True)
    from django.contrib.auth.models import Permission

    outsider.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(outsider)
    home = client.get(reverse("wagtailadmin_home"))
    response = client.post(reverse(IMPORT_URL), {})

    assert reverse(IMPORT_URL) not in home.content.decode()
    assert response.status_code in (302, 403)
    assert ArchiveItem.objects.count() == 0


def test_archive_menu_offers_the_import_to_contributors(client, world):
    client.force_login(world.contributor)

    home = client.get(reverse("wagtailadmin_home")).content.decode()

    assert reverse(IMPORT_URL) in home
    assert reverse("archive_items:index") in home


@pytest.mark.usefixtures("local_storage")
def test_stale_uploads_are_purged(world):
    from datetime import timedelta

    from django.core.files.base import ContentFile

    from archive import staged_imports

    staged = staged_imports.staged_import_create(
        user=world.contributor,
        institution=world.a,
        status=Status.DRAFT,
        csv_file=ContentFile(b"kind,title\nphoto,Vue\n", name="a.csv"),
        media_file=None,
    )

    assert staged_imports.staged_imports_purge(older_than=timedelta(hours=1)) == 0
    assert staged_imports.staged_imports_purge(older_than=timedelta(seconds=-1)) == 1
    assert not default_storage.exists(staged.csv_path)


def test_a_contributor_asking_to_publish_reads_the_archives_own_refusal(world, tmp_path):
    path = write(tmp_path / "a.csv", table([{"kind": "photo", "title": "Vue"}]))
    with pytest.raises(CommandError) as refused:
        command(path, "CMSH", "--user", world.contributor.username, "--status", "published")

    assert str(refused.value).endswith("Only moderators can publish or reject items.")
    assert ArchiveItem.objects.count() == 0


def test_only_moderators_publish_at_once(client, world, tmp_path):
    rows = table([{"kind": "savoir_faire", "title": "Souffler le verre"}])
    path = write(tmp_path / "a.csv", rows)
    with pytest.raises(CommandError, match="Only moderators can publish"):
        command(path, "CMSH", "--user", world.contributor.username, "--status", "published")

    client.force_login(world.contributor)
    refused = upload(client, rows, status="published")
    assert "Select a valid choice" in refused.content.decode()

    client.force_login(world.moderator)
    report = upload(client, rows, status="published", institution=world.a.pk)
    client.post(
        reverse(CONFIRM_URL), {"token": soup(report).select_one("input[name=token]")["value"]}
    )

    item = ArchiveItem.objects.get()
    assert (item.status, item.created_by) == (Status.PUBLISHED, world.moderator)
    assert item.published_at is not None


def confirm(client, report, accept=()):
    token = soup(report).select_one("[data-archive-import-confirm] input[name=token]")["value"]
    return client.post(reverse(CONFIRM_URL), {"token": token, "accept": list(accept)})


def photos_zip(count: int) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for n in range(count):
            archive.writestr(f"vue-{n}.jpg", jpeg((40 * n, 90, 100)))
    return output.getvalue()


def test_admin_suggested_updates_wait_for_a_tick(client, world, tmp_path):
    media, published = published_photos(tmp_path, count=2)
    client.force_login(world.contributor)
    rows = table(
        [{"kind": "photo", "title": f"Autre {n}", "media": f"vue-{n}.jpg"} for n in (0, 1)]
    )

    report = upload(client, rows, photos_zip(2))

    page = soup(report)
    assert page.select_one("[data-count=suggested]").get_text(strip=True) == "2"
    suggestion = page.select_one("[data-archive-import-suggestions] tr[data-row='2']")
    text = suggestion.get_text(" ", strip=True)
    assert f"would update {published[0].identifier} (published → back to review)" in text
    assert "same first file" in text and "title" in text
    tick = suggestion.select_one("input[type=checkbox][name=accept]")
    assert tick["value"] == f"2:{published[0].identifier}" and not tick.has_attr("checked")

    done = confirm(client, report, accept=[tick["value"]])

    assert soup(done).select_one("[data-count=updated]").get_text(strip=True) == "1"
    assert soup(done).select_one("[data-count=resubmitted]").get_text(strip=True) == "1"
    untouched = soup(done).select_one("[data-archive-import-results] tr[data-row='3']")
    assert f"resembles {published[1].identifier}, which was left as it was" in (
        untouched.get_text(" ", strip=True)
    )
    for item in published:
        item.refresh_from_db()
    assert [(item.title, item.status) for item in published] == [
        ("Autre 0", Status.SUBMITTED),  # ticked
        ("Chevalement 1", Status.PUBLISHED),  # not ticked: left alone, a new item instead
    ]
    assert ArchiveItem.objects.filter(title="Autre 1", status=Status.DRAFT).count() == 1


def test_admin_a_tick_for_another_item_than_the_one_shown_saves_nothing(client, world, tmp_path):
    media, published = published_photos(tmp_path, count=1)
    client.force_login(world.contributor)
    rows = table([{"kind": "photo", "title": "Autre", "media": "vue-0.jpg"}])
    report = upload(client, rows, photos_zip(1))
    before = state()

    done = confirm(client, report, accept=["2:FAB-CMSH-0999"])

    assert "now resembles" in done.content.decode()
    assert state()["items"] == before["items"]


def test_admin_download_with_identifiers_then_update_exactly(client, world):
    client.force_login(world.contributor)
    rows = [
        {"kind": "photo", "title": "Vue", "summary": "Une coquille"},
        {"kind": "savoir_faire", "title": "-Tisser", "summary": "Étapes"},
    ]
    done = confirm(client, upload(client, table(rows)))
    link = soup(done).select_one("[data-archive-import-identifiers]")["href"]

    download = client.get(link)

    assert download.status_code == 200
    assert "fiches-identifiers.csv" in download["Content-Disposition"]
    data = b"".join(download.streaming_content)
    assert data.decode("utf-8-sig").splitlines() == [
        "identifier,kind,title,summary",
        "FAB-CMSH-0001,photo,Vue,Une coquille",
        "FAB-CMSH-0002,savoir_faire,'-Tisser,Étapes",
    ]
    client.force_login(world.other)
    assert client.get(link, follow=True).status_code == 404  # bound to its user
    client.force_login(world.contributor)

    report = upload(client, data.replace(b"Une coquille", "Un corrigé".encode()))

    assert soup(report).select_one("[data-count=updated]").get_text(strip=True) == "1"
    assert soup(report).select_one("[data-count=created]").get_text(strip=True) == "0"
    assert soup(report).select_one("[data-archive-import-suggestions]") is None
    confirm(client, report)
    assert sorted(ArchiveItem.objects.values_list("identifier", "title", "summary")) == [
        ("FAB-CMSH-0001", "Vue", "Un corrigé"),
        ("FAB-CMSH-0002", "-Tisser", "Étapes"),
    ]


def test_admin_report_says_when_an_exact_update_sends_an_item_back_to_review(client, world):
    item = ArchiveItemFactory(
        institution=world.a, status=Status.PUBLISHED, title="Lampe", inventory_number="1998.4"
    )
    client.force_login(world.contributor)

    report = upload(client, table([{"inventory_number": "1998.4", "title": "Lampe Arras"}]))

    row = soup(report).select_one("[data-archive-import-results] tr[data-row='2']")
    text = row.get_text(" ", strip=True)
    assert item.identifier in text and "same inventory number" in text
    assert "published → back to review" in text
    assert soup(report).select_one("[data-count=resubmitted]").get_text(strip=True) == "1"
