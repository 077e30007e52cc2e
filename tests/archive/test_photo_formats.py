"""Contributors add archive photos through Wagtail's image form in every format the archive
accepts (JPEG, PNG, TIFF scans, WebP, HEIC from phones); public renditions come out in a format
browsers show. SVG and mislabelled files are refused with a message."""

import io

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail.images import get_image_model

import pillow_heif
import pytest
from PIL import Image

from tests.archive.test_privacy import camera_photo

pillow_heif.register_heif_opener()

CustomImage = get_image_model()


def picture(format: str) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 90, 40)).save(output, format=format)
    return output.getvalue()


def add_image(client, world, name: str, data: bytes, mime: str):
    return client.post(
        reverse("wagtailimages:add"),
        {
            "title": name,
            "file": SimpleUploadedFile(name, data, content_type=mime),
            "collection": world.a.collection_id,
            "alt_text": "Une salle de tissage",
        },
    )


@pytest.mark.parametrize(
    ("name", "format", "mime", "rendition_ext"),
    [
        ("scan.jpg", "JPEG", "image/jpeg", ".jpg"),
        ("scan.png", "PNG", "image/png", ".png"),
        ("scan.tiff", "TIFF", "image/tiff", ".jpg"),
        ("scan.webp", "WEBP", "image/webp", ".webp"),
        ("phone.heic", "HEIF", "image/heic", ".jpg"),
    ],
)
def test_a_contributor_adds_a_photo_in_each_accepted_format(
    client, world, name, format, mime, rendition_ext
):
    client.force_login(world.contributor)

    response = add_image(client, world, name, picture(format), mime)

    assert response.status_code == 302
    image = CustomImage.objects.get(title=name)
    assert image.collection_id == world.a.collection_id
    rendition = image.get_rendition("width-32")
    assert rendition.file.name.endswith(rendition_ext)
    assert rendition.width == 32


@pytest.mark.parametrize(
    ("name", "data", "mime"),
    [
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image/svg+xml",
        ),
        ("photo.jpg", b"%PDF-1.7 not a photo at all", "image/jpeg"),
    ],
)
def test_svg_and_files_that_are_not_the_image_they_claim_are_refused(
    client, world, name, data, mime
):
    client.force_login(world.contributor)

    response = add_image(client, world, name, data, mime)

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not CustomImage.objects.filter(title=name).exists()


def add_images(client, world, name: str, data: bytes, mime: str):
    """Wagtail's multiple upload, as its script sends one file."""
    return client.post(
        reverse("wagtailimages:add_multiple"),
        {
            "files[]": SimpleUploadedFile(name, data, content_type=mime),
            "collection": world.a.collection_id,
        },
    )


@pytest.mark.parametrize("add", [add_image, add_images])
def test_stored_names_of_a_photo_do_not_reveal_its_file_name(any_storage, client, world, add):
    """Renditions are public: a URL made of the contributor's file name could be guessed for a
    photo of an item nobody may see yet. The name stays with the editors, in the title."""
    client.force_login(world.contributor)

    response = add(client, world, "gps-exif.jpg", camera_photo(), "image/jpeg")

    assert response.status_code in (200, 302)
    image = CustomImage.objects.get()
    assert "gps-exif" in image.title
    rendition = image.get_rendition("max-800x600")
    for name in (image.file.name, rendition.file.name, rendition.url, image.filename):
        assert "gps-exif" not in name, name
    assert image.file.name.startswith("original_images/") and image.file.name.endswith(".jpg")
    assert rendition.file.name.startswith("images/")
    assert rendition.file.name.endswith(".max-800x600.jpg")
    # The same photo added again is stored under another name.
    add(client, world, "gps-exif.jpg", camera_photo(), "image/jpeg")
    names = set(CustomImage.objects.values_list("file", flat=True))
    assert len(names) == 2


def test_renditions_of_a_photo_stored_under_its_file_name_get_generated_names(any_storage, world):
    # Stored before originals got generated names: its file name is in the storage key.
    key = any_storage.save("original_images/gps-exif.jpg", ContentFile(camera_photo()))
    image = CustomImage.objects.create(
        title="gps-exif", file=key, width=120, height=60, collection=world.a.collection
    )

    rendition = image.get_rendition("fill-100x100")

    assert "gps-exif" not in rendition.url
    assert rendition.file.name.startswith("images/")
