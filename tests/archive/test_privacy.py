"""Privacy of photos: public derivatives carry none of the photo's personal metadata, originals
stay private, and the contributor may copy a photo's GPS position to the item's place.

The photos are made here with Pillow, carrying what cameras and phones write: a GPS position,
body and lens serial numbers, the owner's name, maker notes, XMP (with a serial number), a
JPEG comment and IPTC block, an ICC colour profile and an EXIF orientation. Renditions are read
back from the storage, bytes and all.
"""

import importlib
import io
import os
import struct
import urllib.error
import urllib.request
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client, override_settings
from django.urls import clear_url_caches, reverse

from wagtail.models import Collection

import pytest
from bs4 import BeautifulSoup
from PIL import ExifTags, Image, ImageCms
from PIL.PngImagePlugin import PngInfo

from archive import services
from archive.metadata import gps_position
from archive.models import ArchiveItem, ArchiveItemLogEntry, CustomImage, ItemImage
from archive.validation import _register_heif
from home.models import HomePage
from tests.factories.archive import (
    ArchiveItemFactory,
    MemberFactory,
)
from tests.factories.items import ItemImageFactory, PublishedItemFactory
from tests.factories.pages import (
    MemberDirectoryPageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
)

pytestmark = pytest.mark.django_db

Status = ArchiveItem.Status

LATITUDE, LONGITUDE = 50.5, 2.25  # 50° 30' N, 2° 15' E
SECRETS = (
    b"BODY-SERIAL-4711",
    b"LENS-SERIAL-4711",
    b"XMP-SERIAL-4711",
    b"MAKERNOTE-SECRET",
    b"COMMENT-SECRET",
    b"Jean Secret",
)
METADATA_MARKERS = (b"Exif\x00\x00", b"http://ns.adobe.com/xap/1.0/", b"xmpmeta", b"Photoshop 3.0")
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:aux="http://ns.adobe.com/exif/1.0/aux/" aux:SerialNumber="XMP-SERIAL-4711"/>'
    b"</rdf:RDF></x:xmpmeta>"
)
ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "HEIF": "heic", "TIFF": "tif"}
RED, BLUE = (200, 20, 20), (20, 20, 220)


def camera_photo(fmt: str = "JPEG", *, gps: bool = True, orientation: int = 6) -> bytes:
    """A 120×60 photo, red with a blue square in its top-left corner as stored, and the
    metadata a camera writes. Orientation 6 says: turn it a quarter clockwise to show it."""
    image = Image.new("RGB", (120, 60), RED)
    image.paste(BLUE, (0, 0, 20, 20))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Model] = "EOS 5D"
    exif[ExifTags.Base.Artist] = "Jean Secret"
    exif[ExifTags.Base.Orientation] = orientation
    camera = exif.get_ifd(ExifTags.IFD.Exif)
    camera[ExifTags.Base.BodySerialNumber] = "BODY-SERIAL-4711"
    camera[ExifTags.Base.LensSerialNumber] = "LENS-SERIAL-4711"
    camera[ExifTags.Base.MakerNote] = b"MAKERNOTE-SECRET"
    if gps:
        position = exif.get_ifd(ExifTags.IFD.GPSInfo)
        position[ExifTags.GPS.GPSLatitudeRef] = "N"
        position[ExifTags.GPS.GPSLatitude] = (50.0, 30.0, 0.0)
        position[ExifTags.GPS.GPSLongitudeRef] = "E"
        position[ExifTags.GPS.GPSLongitude] = (2.0, 15.0, 0.0)
    options = {"exif": exif, "icc_profile": ICC}
    if fmt == "JPEG":
        iptc = b"\x1c\x02\x50" + struct.pack(">H", 11) + b"Jean Secret"  # By-line
        resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(iptc)) + iptc + b"\x00"
        app13 = b"Photoshop 3.0\x00" + resource
        options.update(
            xmp=XMP,
            comment=b"COMMENT-SECRET",
            extra=b"\xff\xed" + struct.pack(">H", len(app13) + 2) + app13,
        )
    elif fmt == "PNG":
        text = PngInfo()
        text.add_itxt("XML:com.adobe.xmp", XMP.decode())
        text.add_text("Author", "Jean Secret")
        options["pnginfo"] = text
    else:
        options["xmp"] = XMP
    if fmt == "HEIF":
        _register_heif()
    output = io.BytesIO()
    image.save(output, fmt, **options)
    return output.getvalue()


def stored_image(
    data: bytes, *, fmt: str = "JPEG", collection=None, title="Chevalement"
) -> CustomImage:
    """A Wagtail image whose original is `data`, saved in the default storage."""
    _register_heif()
    with Image.open(io.BytesIO(data)) as probe:
        width, height = probe.size
    image = CustomImage(
        title=title,
        collection=collection or Collection.get_first_root_node(),
        width=width,
        height=height,
    )
    image.file.save(f"photo.{EXTENSIONS[fmt]}", ContentFile(data), save=False)
    image.width, image.height = width, height  # Django cannot read a HEIC file's size
    image.save()
    return image


def stored_bytes(name: str) -> bytes:
    with default_storage.open(name, "rb") as stored:
        return stored.read()


def assert_no_personal_metadata(data: bytes) -> Image.Image:
    """`data` (a rendition's bytes) carries no EXIF, XMP, IPTC, comment or secret."""
    for secret in SECRETS + METADATA_MARKERS:
        assert secret not in data, secret
    image = Image.open(io.BytesIO(data))
    assert not image.getexif(), dict(image.getexif())
    for key in ("exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop", "Author"):
        assert key not in image.info, key
    return image


def assert_shown_upright(image: Image.Image) -> None:
    """Orientation 6 applied: the 120×60 photo is shown 60×120 (or scaled), and the blue
    square that was stored top-left is now top-right."""
    image = image.convert("RGB")
    width, height = image.size
    assert height == 2 * width, image.size
    top_right = image.getpixel((width - 3, 2))
    top_left = image.getpixel((2, 2))
    assert top_right[2] > 150 and top_right[0] < 100, top_right
    assert top_left[0] > 150 and top_left[2] < 100, top_left


# --- Renditions -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
@pytest.mark.parametrize(
    "spec",
    ["max-960x720", "fill-40x40", "original", "format-webp|max-200x200", "format-png|width-30"],
)
def test_renditions_carry_no_personal_metadata(local_storage, fmt, spec):
    source = camera_photo(fmt)
    # The test photo really carries what must not get out.
    assert gps_position(io.BytesIO(source)) == (LATITUDE, LONGITUDE)
    assert b"BODY-SERIAL-4711" in source and b"Jean Secret" in source
    image = stored_image(source, fmt=fmt)

    rendition = image.get_rendition(spec)

    shown = assert_no_personal_metadata(stored_bytes(rendition.file.name))
    # What says how to show the pixels stays: the colour profile.
    assert shown.info.get("icc_profile") == ICC
    if spec == "max-960x720" and fmt != "HEIF":
        # HEIC files carry their own rotation, applied by libheif when they are read.
        assert_shown_upright(shown)


def test_renditions_of_an_avif_output_carry_no_metadata_either(local_storage):
    image = stored_image(camera_photo())

    rendition = image.get_rendition("format-avif|max-100x100")

    assert_no_personal_metadata(stored_bytes(rendition.file.name))


def test_a_tiff_scan_gets_jpeg_renditions_without_metadata(local_storage):
    scan = io.BytesIO()
    exif = Image.Exif()
    exif[ExifTags.Base.Artist] = "Jean Secret"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {1: "N", 2: (50.0, 30.0, 0.0), 3: "E", 4: (2.0, 0, 0)}
    )
    Image.new("RGB", (80, 40), RED).save(scan, "TIFF", exif=exif)
    image = stored_image(scan.getvalue(), fmt="TIFF")

    rendition = image.get_rendition("max-200x200")

    data = stored_bytes(rendition.file.name)
    assert data.startswith(b"\xff\xd8\xff")  # browsers cannot show TIFF
    assert_no_personal_metadata(data)


def test_the_original_keeps_its_metadata_privately(local_storage):
    image = stored_image(camera_photo())
    image.get_rendition("max-960x720")

    original = stored_bytes(image.file.name)

    assert original.startswith(b"\xff\xd8\xff") and b"BODY-SERIAL-4711" in original
    assert gps_position(io.BytesIO(original)) == (LATITUDE, LONGITUDE)


def test_renditions_on_s3_carry_no_metadata_and_originals_are_private(s3_storage):
    image = stored_image(camera_photo())

    rendition = image.get_rendition("max-960x720")

    assert_shown_upright(assert_no_personal_metadata(stored_bytes(rendition.file.name)))
    # The original is a private object: its URL is signed and short-lived, and the object
    # itself refuses anonymous requests.
    signed = image.file.url
    assert "X-Amz-Signature=" in signed
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(signed.split("?")[0], timeout=10)  # noqa: S310 - test server
    assert refused.value.code == 403
    with urllib.request.urlopen(signed, timeout=10) as response:  # noqa: S310 - test server
        assert response.read() == stored_bytes(image.file.name)


# --- Public pages ------------------------------------------------------------------------------


@pytest.fixture
def pages_with_photos(local_storage, site_tree, empty_cache):
    """Every public page that shows images, each showing a camera photo."""

    def photo(title):
        return stored_image(camera_photo(), title=title)

    HomePage.objects.filter(pk=site_tree.home.pk).update(hero_image=photo("Héros"))
    news_index = NewsIndexPageFactory(parent=site_tree.home)
    article = NewsPageFactory(
        parent=news_index,
        lead_image=photo("Article"),
        body=[("image", {"image": photo("Dans le texte"), "caption": "Légende"})],
    )
    directory = MemberDirectoryPageFactory(parent=site_tree.home)
    MemberFactory(logo=photo("Logo"))
    item = PublishedItemFactory(title="La remonte")
    for n in range(2):
        ItemImageFactory(item=item, image=photo(f"Vue {n}"), sort_order=n)
    return [
        "/fr/",
        news_index.url,
        article.url,
        directory.url,
        "/fr/archive/",
        f"/fr/archive/{item.identifier}/",
    ]


def media_urls(html: str) -> set[str]:
    page = BeautifulSoup(html, "html.parser")
    urls = set()
    for element in page.find_all(True):
        for attribute in ("src", "href", "content", "data-src"):
            value = element.get(attribute)
            if value:
                urls.add(value)
        for candidate in (element.get("srcset") or "").split(","):
            if candidate.strip():
                urls.add(candidate.split()[0])
    return {url for url in urls if urlsplit(url).path.startswith(settings.MEDIA_URL)}


def test_public_pages_show_only_renditions_without_metadata(client, pages_with_photos):
    checked = set()
    for path in pages_with_photos:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert "original_images" not in html, path
        for url in media_urls(html):
            name = urlsplit(url).path.removeprefix(settings.MEDIA_URL)
            assert name.startswith("images/"), (path, url)
            assert_no_personal_metadata(stored_bytes(name))
            checked.add(name)
    # Hero, lead image, body image, logo, two item photos (list card and page, zoom).
    assert len(checked) >= 6, checked


@pytest.fixture
def debug_urls():
    """config.urls as the development server builds it (DEBUG=True), for this test only."""
    import config.urls

    with override_settings(DEBUG=True):
        importlib.reload(config.urls)
        clear_url_caches()
        yield
    importlib.reload(config.urls)
    clear_url_caches()


def test_the_development_server_serves_renditions_but_never_originals(
    local_storage, debug_urls, client
):
    image = stored_image(camera_photo())
    rendition = image.get_rendition("max-960x720")
    media = default_storage.save(
        "archive/cmsh/media/2026/01/" + "a" * 32 + ".wav", ContentFile(b"RIFF")
    )

    served = client.get(rendition.url)

    assert served.status_code == 200
    assert b"".join(served.streaming_content) == stored_bytes(rendition.file.name)
    assert os.path.exists(default_storage.path(image.file.name))
    for name in (image.file.name, media, "documents/report.pdf"):
        assert client.get(settings.MEDIA_URL + name).status_code == 404, name


# --- Copying the position to the item's place -------------------------------------------------


@pytest.fixture
def photos(local_storage, world):
    """An item of A's (the archive `world`) showing a photo with a GPS position and one
    without."""
    a = world.a
    item = ArchiveItemFactory(institution=a, created_by=world.contributor, title="Le chevalement")
    located = stored_image(camera_photo(), collection=a.collection, title="Avec position")
    unlocated = stored_image(
        camera_photo(gps=False), collection=a.collection, title="Sans position"
    )
    for position, image in enumerate((located, unlocated)):
        ItemImage.objects.create(item=item, image=image, sort_order=position)
    return SimpleNamespace(item=item, located=located, unlocated=unlocated)


def place(item):
    item = ArchiveItem.objects.get(pk=item.pk)
    return item.latitude, item.longitude


def test_the_contributor_copies_a_photos_position_to_the_place(world, photos):
    latitude, longitude = services.item_place_from_photo(
        item=photos.item, image=photos.located, user=world.contributor
    )

    assert (latitude, longitude) == (Decimal("50.500000"), Decimal("2.250000"))
    assert place(photos.item) == (Decimal("50.500000"), Decimal("2.250000"))
    entry = ArchiveItemLogEntry.objects.filter(item_id=photos.item.pk).first()
    assert entry.action == "archive.place_from_photo"
    assert entry.data["image"] == photos.located.pk


def test_copying_to_a_published_item_sends_it_back_for_review(world, photos):
    ArchiveItem.objects.filter(pk=photos.item.pk).update(status=Status.PUBLISHED)
    photos.item.refresh_from_db()

    services.item_place_from_photo(item=photos.item, image=photos.located, user=world.contributor)

    assert ArchiveItem.objects.get(pk=photos.item.pk).status == Status.SUBMITTED


def test_a_photo_without_position_changes_nothing_and_says_so(world, photos):
    with pytest.raises(services.ArchiveError) as refused:
        services.item_place_from_photo(
            item=photos.item, image=photos.unlocated, user=world.contributor
        )

    assert refused.value.code == "no_gps"
    assert "Sans position" in refused.value.messages[0]  # the message names the photo
    assert place(photos.item) == (None, None)


def test_only_the_items_own_images_and_editors_count(world, photos):
    elsewhere = stored_image(camera_photo(), collection=world.a.collection)
    with pytest.raises(services.ArchiveError) as refused:
        services.item_place_from_photo(item=photos.item, image=elsewhere, user=world.contributor)
    assert refused.value.code == "not_item_image"
    with pytest.raises(PermissionDenied):
        services.item_place_from_photo(item=photos.item, image=photos.located, user=world.other)
    assert place(photos.item) == (None, None)


def place_url(item):
    return reverse("archive_items:place_from_photo", args=[item.pk])


def test_the_admin_page_lists_positions_and_copies_one(world, photos, client):
    client.force_login(world.contributor)
    edit = client.get(reverse("archive_items:edit", args=[photos.item.pk]))
    assert place_url(photos.item) in edit.content.decode()

    page = BeautifulSoup(client.get(place_url(photos.item)).content, "html.parser")
    rows = {
        int(row["data-image"]): row.select_one("[data-position]").get_text(" ", strip=True)
        for row in page.select("tr[data-image]")
    }
    assert "50.500000" in rows[photos.located.pk] and "2.250000" in rows[photos.located.pk]
    assert "50.5" not in rows[photos.unlocated.pk]
    assert page.select_one(f"button[value='{photos.located.pk}']") is not None
    assert page.select_one(f"button[value='{photos.unlocated.pk}']") is None

    response = client.post(place_url(photos.item), {"image": photos.located.pk}, follow=True)

    assert place(photos.item) == (Decimal("50.500000"), Decimal("2.250000"))
    assert "50.500000" in response.content.decode()


def test_the_admin_page_says_when_a_photo_has_no_position(world, photos, client):
    client.force_login(world.contributor)

    response = client.post(place_url(photos.item), {"image": photos.unlocated.pk})

    assert response.status_code == 200
    (message,) = response.context["messages"]
    assert message.level_tag == "error"
    assert "Sans position" in str(message)
    assert place(photos.item) == (None, None)


def test_a_forged_image_id_is_refused_without_change(world, photos, client):
    other_item = ArchiveItemFactory(institution=world.b, images=1)
    foreign = other_item.images.first().image
    client.force_login(world.contributor)

    response = client.post(place_url(photos.item), {"image": foreign.pk})

    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert foreign.title not in response.content.decode()
    assert place(photos.item) == (None, None)


@pytest.mark.parametrize("role", ["own", "other", "anonymous", "moderator"])
def test_who_may_copy_a_position(world, photos, role):
    client = Client()
    user = world.users[role]
    if user:
        client.force_login(user)

    response = client.post(place_url(photos.item), {"image": photos.located.pk})

    if role in ("own", "moderator"):
        assert response.status_code == 302
        assert place(photos.item) == (Decimal("50.500000"), Decimal("2.250000"))
        return
    assert place(photos.item) == (None, None)
    if role == "anonymous":
        assert response.url.startswith(reverse("wagtailadmin_login"))
    else:
        # Not found (after LocaleMiddleware's redirect of an unprefixed 404).
        if response.status_code == 302:
            response = client.get(response.url)
        assert response.status_code == 404
