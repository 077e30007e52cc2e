"""IIIF: the manifests and collections of public items, and the level 0 image service of their
images, whose tiles are made when an item is published and go when it leaves the public site.

Checked as a IIIF viewer uses them, on local files and on S3: every manifest parses with the
iiif-prezi3 models, and every URL it references (image services and their info.json, the tiles
and sizes a viewer asks for, media, captions, thumbnails, pages, logo) answers 200 with
`Access-Control-Allow-Origin`. The EDM record of `seeAlso` is served by the OAI-PMH endpoint
and is not fetched here.

Where the storage is the point (what a viewer loads, tiles removed on withdrawal, the audit)
a test runs on both; the tests that only read the archive share one built once on local files
(`published`), and the tests that change it build their own.
"""

import io
import json
import math
import urllib.request
import xml.etree.ElementTree as ET  # noqa: S405 - our own file
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage, storages
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, override_settings

from wagtail.models import Locale

import pytest
from bs4 import BeautifulSoup
from iiif_prezi3 import Collection, Manifest
from PIL import ExifTags, Image

from archive import erasure, iiif_tiles, services
from archive.models import ArchiveItem, ItemImage, SavoirFaireStep, Trade
from archive.storage_audit import list_objects, storage_audit
from tests.archive.test_privacy import ICC, assert_no_personal_metadata, stored_image
from tests.factories.archive import (
    ArchiveItemFactory,
    InstitutionFactory,
    MemberFactory,
    TradeFactory,
    moderator,
)
from tests.factories.items import ConsentFactory, MediaFileFactory, TranscriptSegmentFactory

pytestmark = pytest.mark.django_db

ORIGIN = "https://viewer.example"
CORS_FILE = Path(settings.BASE_DIR) / "docker" / "s3-cors.xml"
PRESENTATION = 'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"'


def big_photo(width=1100, height=600) -> bytes:
    """A camera JPEG larger than one tile, with a GPS position, a serial number and an
    orientation (6: shown turned a quarter, 600 x 1100)."""
    image = Image.new("RGB", (width, height), (200, 20, 20))
    image.paste((20, 20, 220), (0, 0, 200, 200))
    exif = Image.Exif()
    exif[ExifTags.Base.Artist] = "Jean Secret"
    exif[ExifTags.Base.Orientation] = 6
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.BodySerialNumber] = "BODY-SERIAL-4711"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (50.0, 30.0, 0.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 15.0, 0.0)
    output = io.BytesIO()
    image.save(output, "JPEG", exif=exif, icc_profile=ICC)
    return output.getvalue()


def s3_cors(storage):
    """The bucket's CORS rules, from the file compose's init job applies to its bucket."""
    rules = []
    for rule in ET.parse(CORS_FILE).getroot():  # noqa: S314 - our own file
        values = {child.tag: [] for child in rule}
        for child in rule:
            values[child.tag].append(child.text)
        entry = {
            "AllowedOrigins": values["AllowedOrigin"],
            "AllowedMethods": values["AllowedMethod"],
        }
        if "AllowedHeader" in values:
            entry["AllowedHeaders"] = values["AllowedHeader"]
        if "MaxAgeSeconds" in values:
            entry["MaxAgeSeconds"] = int(values["MaxAgeSeconds"][0])
        rules.append(entry)
    storage.connection.meta.client.put_bucket_cors(
        Bucket=storage.bucket_name, CORSConfiguration={"CORSRules": rules}
    )


def trade_in_languages(name: str, **translations) -> Trade:
    """A trade of the vocabulary, in French, translated (as wagtail-localize does) into the
    languages given."""
    trade = TradeFactory(name=name, locale=Locale.objects.get_or_create(language_code="fr")[0])
    for language, label in translations.items():
        copy = trade.copy_for_translation(Locale.objects.get_or_create(language_code=language)[0])
        copy.name = label
        copy.save()
    return trade


def make_world() -> SimpleNamespace:
    """Two member institutions, A (CMSH) and B (TISS), and a moderator."""
    return SimpleNamespace(
        a=InstitutionFactory(code="CMSH", member=MemberFactory(name="Centre historique minier")),
        b=InstitutionFactory(code="TISS", member=MemberFactory(name="Tissage vivant")),
        moderator=moderator(),
    )


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what follows as committed: the after-commit work (tiles) runs at the end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def build_archive(storage, world) -> SimpleNamespace:
    """Items of institution A published by a moderator through the services: a photo with two
    images (one a camera photo with a GPS position), an interview with a recording and timed
    captions, a savoir-faire record with a step shown by a photo and a step in words only;
    and a draft of B's. The member has a website and a logo."""
    if hasattr(storage, "bucket_name"):
        s3_cors(storage)
    a = world.a
    member = a.member
    member.website = "https://centre-minier.example/"
    member.logo = stored_image(big_photo(300, 200), title="Logo")
    member.save()
    camera = stored_image(big_photo(), collection=a.collection, title="Chevalement")
    photo = ArchiveItemFactory(institution=a, kind=ArchiveItem.Kind.PHOTO, images=1)
    ItemImage.objects.create(item=photo, image=camera, caption="Le chevalement", sort_order=5)
    photo.credit_line = "Coll. Centre minier, photo J. Martin"
    photo.date_approximate, photo.year_from, photo.year_to = True, 1950, 1960
    photo.place_name, photo.commune, photo.country = "Fosse 9", "Oignies", "FR"
    photo.save()
    photo.trades.set([trade_in_languages("Mineur de fond", en="Miner", de="Bergmann")])
    photo.save()

    interview = ArchiveItemFactory(institution=a, kind=ArchiveItem.Kind.ORAL_HISTORY)
    interview.media = MediaFileFactory(institution=a)
    interview.language = "fr"
    interview.save()
    ConsentFactory(item=interview)
    for position, start in enumerate((0, 4000)):
        TranscriptSegmentFactory(
            item=interview, position=position, start_ms=start, end_ms=start + 3500
        )

    recipe = ArchiveItemFactory(institution=a, kind=ArchiveItem.Kind.SAVOIR_FAIRE)
    step_image = stored_image(big_photo(700, 500), collection=a.collection, title="Navette")
    SavoirFaireStep.objects.create(
        item=recipe, sort_order=0, text="Lancer la navette.", image=step_image
    )
    SavoirFaireStep.objects.create(item=recipe, sort_order=1, text="Tasser la trame.")

    items = [photo, interview, recipe]
    # Run as committed: the after-commit work (tiles) runs at the end.
    with TestCase.captureOnCommitCallbacks(execute=True):
        for item in items:
            services.item_submit(item=item, user=world.moderator)
            services.item_publish(item=item, user=world.moderator)
        draft = ArchiveItemFactory(institution=world.b, kind=ArchiveItem.Kind.PHOTO, images=1)
    return SimpleNamespace(
        storage=storage, items=items, photo=photo, interview=interview, recipe=recipe,
        camera=camera, draft=draft,
    )  # fmt: skip


@pytest.fixture
def archive(any_storage, world):
    """The archive of `build_archive`, on local files and on S3 (the test runs twice): for the
    tests where the storage is the point (what a viewer loads, tiles removed and audited)."""
    return build_archive(any_storage, world)


@pytest.fixture
def local_archive(local_storage, world):
    """The archive of `build_archive` on local files, for a test that changes it."""
    return build_archive(local_storage, world)


@pytest.fixture(scope="module")
def published(django_db_setup, django_db_blocker, tmp_path_factory):
    """The archive of `build_archive` on local files, built once for the tests that only read
    it: inside a transaction rolled back after the last of them (each test's own transaction
    is a savepoint in it, so nothing a test writes reaches the next)."""
    media = tmp_path_factory.mktemp("iiif-media")
    default = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    switched = override_settings(
        STORAGES={**settings.STORAGES, "default": default}, MEDIA_ROOT=str(media)
    )
    with django_db_blocker.unblock(), switched, transaction.atomic():
        cache.clear()
        yield build_archive(storages["default"], make_world())
        transaction.set_rollback(True)
    cache.clear()


def fetch(client, url: str, *, cors=True):
    """GET `url` as a viewer on another origin does: our URLs through the test client, S3's
    over HTTP; redirects followed. Returns (status, headers, body). Web pages (`cors=False`)
    are opened by people, not read by scripts: they need no CORS header."""
    for _hop in range(5):
        if url.startswith(f"http://testserver{settings.MEDIA_URL}"):
            # Local public files (the logo's rendition) are served by the web server in front
            # of the site (Django itself in DEBUG), not by the site: read them from the storage.
            with default_storage.open(url.split(settings.MEDIA_URL, 1)[1], "rb") as stored:
                return 200, {}, stored.read()
        if url.startswith("http://testserver"):
            response = client.get(url.removeprefix("http://testserver"), HTTP_ORIGIN=ORIGIN)
            if cors:
                assert response.get("Access-Control-Allow-Origin") in ("*", ORIGIN), url
            if response.status_code in (301, 302, 303, 307):
                url = response["Location"]
                if url.startswith("/"):
                    url = "http://testserver" + url
                continue
            body = b"".join(response.streaming_content) if response.streaming else response.content
            return response.status_code, response, body
        assert url.startswith("http://127.0.0.1:"), url  # the suite's S3 server
        request = urllib.request.Request(url, headers={"Origin": ORIGIN})  # noqa: S310
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            assert answer.headers["Access-Control-Allow-Origin"] in ("*", ORIGIN), url
            return answer.status, answer.headers, answer.read()
    raise AssertionError(f"Too many redirects: {url}")


def viewer_tile_urls(info: dict) -> list[str]:
    """The image URLs OpenSeadragon asks a IIIF 3 level 0 service for (its IIIFTileSource
    getTileUrl, written again here): every tile at every scale factor."""
    width, height, base = info["width"], info["height"], info["id"]
    tile = info["tiles"][0]["width"]
    urls = []
    for factor in info["tiles"][0]["scaleFactors"]:
        level_w, level_h = math.ceil(width / factor), math.ceil(height / factor)
        if level_w < tile and level_h < tile:
            size = "max" if (level_w, level_h) == (width, height) else f"{level_w},{level_h}"
            urls.append(f"{base}/full/{size}/0/default.jpg")
            continue
        span = tile * factor
        for y in range(math.ceil(level_h / tile)):
            for x in range(math.ceil(level_w / tile)):
                rx, ry = x * span, y * span
                rw, rh = min(span, width - rx), min(span, height - ry)
                full = (rx, ry, rw, rh) == (0, 0, width, height)
                region = "full" if full else f"{rx},{ry},{rw},{rh}"
                sw, sh = min(tile, level_w - x * tile), min(tile, level_h - y * tile)
                size = "max" if (sw, sh) == (width, height) else f"{sw},{sh}"
                urls.append(f"{base}/{region}/{size}/0/default.jpg")
    urls += [f"{base}/full/{s['width']},{s['height']}/0/default.jpg" for s in info["sizes"]]
    return urls


def referenced_urls(data) -> dict[str, bool]:
    """The URLs a manifest points to for a viewer to load (not the ids of its own canvases and
    annotations, which name rather than locate), each with whether scripts read it (else it is
    a web page). The member's own website is outside this site, and not fetched."""
    urls = {}

    def walk(node, key=None):
        if isinstance(node, dict):
            kind = node.get("type")
            url = node.get("id", "")
            loadable = kind in ("Image", "Sound", "Video", "Text", "Collection", "Dataset")
            if loadable and url and not url.startswith("https://centre-minier.example/"):
                urls[url] = node.get("format") != "text/html"
            if kind == "ImageService3":
                urls[url + "/info.json"] = True
            for child_key, value in node.items():
                walk(value, child_key)
        elif isinstance(node, list):
            for value in node:
                walk(value, key)

    walk(data)
    return urls


def test_every_manifest_parses_and_everything_it_references_loads(client, archive, site_tree):
    for item in archive.items:
        status, response, body = fetch(client, f"http://testserver/iiif/{item.identifier}/manifest")
        assert status == 200
        assert response["Content-Type"] == PRESENTATION
        manifest = Manifest.model_validate_json(body)
        data = manifest.model_dump(mode="json", exclude_none=True, by_alias=True)
        assert data["rights"] == item.rights_uri
        urls = referenced_urls(data)
        see_also = {entry["id"] for entry in data["seeAlso"]}
        assert all("verb=GetRecord" in url and "metadataPrefix=edm" in url for url in see_also)
        assert {url for url, scripted in urls.items() if not scripted} == {
            f"http://testserver/{language}/archive/{item.identifier}/"
            for language in ("fr", "en", "de", "lb", "nl")
        }
        for url in sorted(set(urls) - see_also):
            status, _headers, content = fetch(client, url, cors=urls[url])
            assert status == 200, url
            if url.endswith("/info.json"):
                info = json.loads(content)
                tile_urls = viewer_tile_urls(info)
                if info["id"] != f"http://testserver/iiif/image/{archive.camera.pk}":
                    # Every tile of the camera photo (three levels); of the other images their
                    # first tile and every size: the same code made them.
                    tile_urls = tile_urls[:1] + tile_urls[-len(info["sizes"]) :]
                for tile_url in tile_urls:
                    status, headers, tile = fetch(client, tile_url)
                    assert status == 200, tile_url
                    assert_no_personal_metadata(tile)


def test_what_is_not_public_is_not_found(client, local_archive, world, committed):
    hidden = local_archive.draft.images.first().image_id
    for url in (
        f"/iiif/{local_archive.draft.identifier}/manifest",
        "/iiif/FAB-NONE-0001/manifest",
        f"/iiif/image/{hidden}",
        f"/iiif/image/{hidden}/info.json",
        f"/iiif/image/{hidden}/full/max/0/default.jpg",
    ):
        response = client.get(url, HTTP_ORIGIN=ORIGIN)
        assert response.status_code == 404, url
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response.content.strip()
    assert not list(list_objects(local_archive.storage, iiif_tiles.image_prefix(hidden)))
    members_only = local_archive.photo
    with committed():
        members_only.access = ArchiveItem.Access.MEMBERS
        services.item_save(item=members_only, user=world.moderator)
    assert client.get(f"/iiif/{members_only.identifier}/manifest").status_code == 404
    assert client.get(f"/iiif/image/{local_archive.camera.pk}/info.json").status_code == 404
    camera_tiles = iiif_tiles.image_prefix(local_archive.camera.pk)
    assert not list(list_objects(local_archive.storage, camera_tiles))


def test_tiles_come_with_publication_and_go_with_withdrawal(client, archive, world, committed):
    prefix = iiif_tiles.image_prefix(archive.camera.pk)
    assert len(list(list_objects(archive.storage, prefix))) > 10
    assert storage_audit(storage=archive.storage).clean
    with committed():
        services.item_withdraw(item=archive.photo, user=world.moderator)
    assert not list(list_objects(archive.storage, prefix))
    assert client.get(f"/iiif/{archive.photo.identifier}/manifest").status_code == 404
    report = storage_audit(storage=archive.storage)
    assert report.clean and not report.recent
    # Published again: the same tiles come back.
    with committed():
        services.item_submit(item=archive.photo, user=world.moderator)
        services.item_publish(item=archive.photo, user=world.moderator)
    assert client.get(f"/iiif/image/{archive.camera.pk}/info.json").status_code == 200


def test_erasure_removes_tiles_unless_another_public_item_shows_the_image(
    client, local_archive, world, committed
):
    shared = local_archive.camera
    other = ArchiveItemFactory(institution=world.a, kind=ArchiveItem.Kind.PHOTO)
    ItemImage.objects.create(item=other, image=shared, sort_order=0)
    with committed():
        services.item_submit(item=other, user=world.moderator)
        services.item_publish(item=other, user=world.moderator)
    own = local_archive.photo.images.exclude(image=shared).get().image_id

    with committed():
        erasure.item_erase(item=local_archive.photo, user=world.moderator, reason="Doublon.")
    assert not list(list_objects(local_archive.storage, iiif_tiles.image_prefix(own)))
    assert list(list_objects(local_archive.storage, iiif_tiles.image_prefix(shared.pk)))
    assert client.get(f"/iiif/image/{shared.pk}/info.json").status_code == 200
    assert storage_audit(storage=local_archive.storage).clean

    with committed():
        erasure.item_erase(item=other, user=world.moderator, reason="Doublon.")
    assert not list(list_objects(local_archive.storage, iiif_tiles.image_prefix(shared.pk)))
    assert storage_audit(storage=local_archive.storage).clean


def test_the_audit_reports_and_purges_abandoned_tiles(archive):
    # Tiles left behind by a removal that failed: their image is on no public item.
    hidden = archive.draft.images.first().image
    iiif_tiles.tiles_generate(image=hidden)
    left = {obj.name for obj in list_objects(archive.storage, iiif_tiles.image_prefix(hidden.pk))}
    assert left
    report = storage_audit(storage=archive.storage)
    assert {obj.name for obj in report.recent} == left  # young: left alone
    report = storage_audit(storage=archive.storage, grace=timedelta(0))
    assert {obj.name for obj in report.orphans} == left
    report = storage_audit(storage=archive.storage, grace=timedelta(0), delete_orphans=True)
    assert {obj.name for obj in report.deleted} == left
    assert storage_audit(storage=archive.storage, grace=timedelta(0)).clean
    # The public image's tiles are no orphans.
    assert list(list_objects(archive.storage, iiif_tiles.image_prefix(archive.camera.pk)))


def test_institution_without_public_items_is_an_empty_collection(client, db):
    InstitutionFactory(code="VIDE", member=MemberFactory(name="Vide"))
    assert client.get("/iiif/collection/VIDE").json()["items"] == []


def test_the_daily_command_makes_missing_tiles_and_removes_stale_ones(local_storage, world):
    # Published without the after-commit work (as before tiles existed, or an embargo that
    # ended by itself): no tiles yet.
    item = ArchiveItemFactory(institution=world.a, status=ArchiveItem.Status.PUBLISHED, images=1)
    public = item.images.get().image_id
    assert iiif_tiles.tiles_descriptor(image_id=public) is None
    draft = ArchiveItemFactory(institution=world.a, images=1)
    stale = draft.images.get().image
    iiif_tiles.tiles_generate(image=stale)

    call_command("iiif_tiles", stdout=io.StringIO())
    assert iiif_tiles.tiles_descriptor(image_id=public)["width"] == 640
    assert not list(list_objects(local_storage, iiif_tiles.image_prefix(stale.pk)))


# --- Reading the archive built once (`published`) -------------------------------------------
# Last in the module: the archive stays in the database until the module's last test.


def test_the_photo_manifest_speaks_five_languages_and_credits_its_institution(client, published):
    response = client.get(f"/iiif/{published.photo.identifier}/manifest")
    data = response.json()
    assert data["@context"] == "http://iiif.io/api/presentation/3/context.json"
    date = next(e for e in data["metadata"] if e["label"].get("en") == ["Date"])
    assert set(date["label"]) == {"fr", "en", "de", "lb", "nl"}
    assert date["value"]["en"] == ["c. 1950–1960"]
    place = next(e for e in data["metadata"] if e["label"].get("en") == ["Place"])
    assert place["value"]["fr"] == ["Fosse 9, Oignies (France)"]
    assert place["value"]["de"] == ["Fosse 9, Oignies (Frankreich)"]
    trades = next(e for e in data["metadata"] if e["label"].get("en") == ["Trades"])
    assert trades["label"]["de"] == ["Berufe"]
    assert trades["value"] == {
        "fr": ["Mineur de fond"],
        "en": ["Miner"],
        "de": ["Bergmann"],
        "lb": ["Mineur de fond"],  # not translated: the vocabulary's own name
        "nl": ["Mineur de fond"],
    }
    assert data["requiredStatement"]["value"] == {"none": ["Coll. Centre minier, photo J. Martin"]}
    provider = data["provider"][0]
    assert provider["homepage"][0]["id"] == "https://centre-minier.example/"
    assert provider["logo"][0]["format"] == "image/png"
    assert len(data["items"]) == 2
    canvas = data["items"][1]
    assert (canvas["width"], canvas["height"]) == (600, 1100)  # shown upright
    body = canvas["items"][0]["items"][0]["body"]
    assert body["service"][0] == {
        "id": f"http://testserver/iiif/image/{published.camera.pk}",
        "type": "ImageService3",
        "profile": "level0",
    }
    assert (
        data["homepage"][0]["id"] == f"http://testserver/fr/archive/{published.photo.identifier}/"
    )


def test_an_interview_paints_its_recording_and_supplements_it_with_captions(client, published):
    data = client.get(f"/iiif/{published.interview.identifier}/manifest").json()
    (canvas,) = data["items"]
    assert canvas["duration"] == 30.0
    recording = canvas["items"][0]["items"][0]
    assert recording["motivation"] == "painting"
    assert recording["body"]["type"] == "Sound"
    captions = canvas["annotations"][0]["items"][0]
    assert captions["motivation"] == "supplementing"
    assert captions["body"]["format"] == "text/vtt"
    assert captions["body"]["language"] == "fr"
    assert client.get(captions["body"]["id"]).content.startswith(b"WEBVTT")


def test_a_savoir_faire_record_has_one_canvas_per_step(client, published):
    data = client.get(f"/iiif/{published.recipe.identifier}/manifest").json()
    assert [canvas["label"] for canvas in data["items"]] == [
        {"none": ["Lancer la navette."]},
        {"none": ["Tasser la trame."]},
    ]
    assert data["items"][0]["items"][0]["items"][0]["body"]["service"]


def test_collections_list_institutions_and_their_public_items(client, published):
    response = client.get("/iiif/collection", HTTP_ORIGIN=ORIGIN)
    assert response["Content-Type"] == PRESENTATION
    assert response["Access-Control-Allow-Origin"] == "*"
    top = Collection.model_validate_json(response.content)
    assert [str(entry.id) for entry in top.items] == ["http://testserver/iiif/collection/CMSH"]
    data = client.get("/iiif/collection/CMSH").json()
    Collection.model_validate(data)
    assert {entry["id"] for entry in data["items"]} == {
        f"http://testserver/iiif/{item.identifier}/manifest" for item in published.items
    }
    assert client.get("/iiif/collection/TISS").json()["items"] == []
    assert client.get("/iiif/collection/NOPE").status_code == 404


def test_the_image_service_answers_only_what_was_made(client, published):
    image_id = published.camera.pk
    base = client.get(f"/iiif/image/{image_id}", HTTP_ORIGIN=ORIGIN)
    assert base.status_code == 303
    assert base["Location"] == f"/iiif/image/{image_id}/info.json"
    assert base["Access-Control-Allow-Origin"] == "*"
    info = client.get(f"/iiif/image/{image_id}/info.json")
    assert info["Content-Type"] == (
        'application/ld+json;profile="http://iiif.io/api/image/3/context.json"'
    )
    data = info.json()
    assert data["profile"] == "level0"
    assert data["id"] == f"http://testserver/iiif/image/{image_id}"
    assert data["tiles"] == [{"width": 512, "height": 512, "scaleFactors": [1, 2, 4]}]
    assert data["sizes"][0] == {"width": 150, "height": 275}
    # Image API 2 viewers ask for a width alone.
    assert (
        fetch(client, f"http://testserver/iiif/image/{image_id}/full/150,/0/default.jpg")[0] == 200
    )
    for path in ("full/151,275/0/default.jpg", "full/max/90/default.jpg", "full/max/0/gray.jpg",
                 "0,0,10,10/max/0/default.jpg", "full/max/0/default.png"):  # fmt: skip
        response = client.get(f"/iiif/image/{image_id}/{path}", HTTP_ORIGIN=ORIGIN)
        assert response.status_code == 404, path
        assert b"info.json" in response.content  # says what it offers
        assert response["Access-Control-Allow-Origin"] == "*"


def test_making_tiles_again_changes_nothing(published):
    prefix = iiif_tiles.image_prefix(published.camera.pk)
    before = {obj.name: obj.modified for obj in list_objects(published.storage, prefix)}
    result = iiif_tiles.iiif_tiles_sync.enqueue(image_ids=[published.camera.pk]).return_value
    assert result == {"made": 0, "removed": 0}
    after = {obj.name: obj.modified for obj in list_objects(published.storage, prefix)}
    assert after == before


def test_the_item_page_links_its_manifest_and_zooms_on_the_tiles(client, published, site_tree):
    page = BeautifulSoup(
        client.get(f"/fr/archive/{published.photo.identifier}/").content, "html.parser"
    )
    link = page.find("a", href=f"/iiif/{published.photo.identifier}/manifest")
    assert link is not None and link.get_text(strip=True)
    viewers = page.select("[data-iiif-info]")
    assert [v["data-iiif-info"] for v in viewers][
        -1
    ] == f"/iiif/image/{published.camera.pk}/info.json"
    # No inline code (the viewer is set up by a script file): inline scripts are data only.
    assert all(
        s.get("type") in ("application/json", "application/ld+json")
        for s in page.select("script:not([src])")
    )
