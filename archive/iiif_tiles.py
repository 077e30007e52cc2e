"""IIIF Image API 3 at level 0: the tiles and sizes of the images of public items, made ahead
of time into the public renditions storage, and removed when no public item shows the image.

Why static tiles rather than an image server: see README.md ("IIIF"). Layout: 512-pixel
tiles at scale factors 1, 2, 4... up to the first at which the whole image fits in one tile,
and the whole image at each of those scale factors as `sizes`. Each file is stored under the
canonical form of its Image API request (region `full` or `x,y,w,h`, size `max` or `w,h`),
which is what viewers ask for:

    iiif/<image pk>/<region>/<size>/0/default.jpg
    iiif/<image pk>/tiles.json     what was made, from which original; written last

The pixels come from the private original through archive.metadata.public_pixels, like every
public derivative: no EXIF, GPS, XMP or comment reaches a tile.
"""

from __future__ import annotations

import io
import json
import logging
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction

from django_tasks import task
from PIL import Image as PILImage

from archive.metadata import public_pixels
from archive.models import CustomImage
from archive.selectors import images_on_public_items, item_image_ids
from archive.storage import child_folders, delete_prefix, public_storage, write_object

logger = logging.getLogger(__name__)

TILE = 512
PREFIX = "iiif"
# Bumped when the layout or the encoding changes: tiles made before are made again.
LAYOUT_VERSION = 1
JPEG_QUALITY = 85
DESCRIPTOR_CACHE_SECONDS = 300
IMAGE_CONTEXT = "http://iiif.io/api/image/3/context.json"


def image_prefix(image_id: int) -> str:
    return f"{PREFIX}/{int(image_id)}/"


def descriptor_name(image_id: int) -> str:
    return f"{image_prefix(image_id)}tiles.json"


def file_name(image_id: int, region: str, size: str) -> str:
    return f"{image_prefix(image_id)}{region}/{size}/0/default.jpg"


@dataclass(frozen=True)
class Layout:
    """Which requests a level 0 service answers for an image of `width` x `height`."""

    width: int
    height: int

    @property
    def scale_factors(self) -> tuple[int, ...]:
        factors = [1]
        while (
            math.ceil(self.width / factors[-1]) > TILE
            or math.ceil(self.height / factors[-1]) > TILE
        ):
            factors.append(factors[-1] * 2)
        return tuple(factors)

    def level_size(self, factor: int) -> tuple[int, int]:
        return math.ceil(self.width / factor), math.ceil(self.height / factor)

    @property
    def sizes(self) -> list[tuple[int, int]]:
        """The whole image at each scale factor, smallest first."""
        return [self.level_size(factor) for factor in reversed(self.scale_factors)]

    def canonical(
        self, region: tuple[int, int, int, int], size: tuple[int, int]
    ) -> tuple[str, str]:
        region_part = (
            "full" if region == (0, 0, self.width, self.height) else ",".join(map(str, region))
        )
        size_part = "max" if size == (self.width, self.height) else f"{size[0]},{size[1]}"
        return region_part, size_part

    def requests(self) -> Iterator[tuple[int, str, str, tuple[int, int, int, int]]]:
        """(scale factor, region, size, box in the image scaled by that factor) of every file,
        each once: the whole image at every scale factor, and the tiles of every level that
        does not fit in one tile (as OpenSeadragon and the Image API compute them)."""
        seen = set()
        for factor in self.scale_factors:
            level_width, level_height = self.level_size(factor)
            boxes = [(0, 0, level_width, level_height)]
            for y in range(math.ceil(level_height / TILE)):
                for x in range(math.ceil(level_width / TILE)):
                    right = min((x + 1) * TILE, level_width)
                    bottom = min((y + 1) * TILE, level_height)
                    boxes.append((x * TILE, y * TILE, right, bottom))
            for box in boxes:
                left, top = box[0] * factor, box[1] * factor
                region = (
                    left,
                    top,
                    min((box[2] - box[0]) * factor, self.width - left),
                    min((box[3] - box[1]) * factor, self.height - top),
                )
                key = self.canonical(region, (box[2] - box[0], box[3] - box[1]))
                if key not in seen:
                    seen.add(key)
                    yield factor, *key, box


# --- Reading what was made -------------------------------------------------------------------


def _cache_key(image_id: int) -> str:
    return f"archive:iiif-tiles:{int(image_id)}"


def tiles_descriptor(*, image_id: int) -> dict | None:
    """What was made for the image (see the module docstring), or None when nothing was."""
    key = _cache_key(image_id)
    descriptor = cache.get(key)
    if descriptor is None:
        storage = public_storage()
        try:
            with storage.open(descriptor_name(image_id), "rb") as stored:
                descriptor = json.loads(stored.read())
        except (FileNotFoundError, OSError, ValueError):
            return None
        cache.set(key, descriptor, DESCRIPTOR_CACHE_SECONDS)
    return descriptor


def info_json(*, descriptor: dict, service_id: str) -> dict:
    """The Image API 3 info.json of a level 0 service whose id is `service_id`."""
    return {
        "@context": IMAGE_CONTEXT,
        "id": service_id,
        "type": "ImageService3",
        "protocol": "http://iiif.io/api/image",
        "profile": "level0",
        "width": descriptor["width"],
        "height": descriptor["height"],
        "sizes": [{"width": w, "height": h} for w, h in descriptor["sizes"]],
        "tiles": [{"width": TILE, "height": TILE, "scaleFactors": descriptor["scaleFactors"]}],
    }


def tile_name(*, image_id: int, descriptor: dict, region: str, size: str, rotation: str,
              quality: str, fmt: str) -> str | None:  # fmt: skip
    """The stored file answering an Image API request, or None when the request is not one of
    those made ahead of time. Equivalent forms of a request are accepted: a region naming the
    whole image, `max` as `w,h`, and the `w,` and `,h` sizes of Image API 2 viewers."""
    if rotation != "0" or quality != "default" or fmt != "jpg":
        return None
    width, height = descriptor["width"], descriptor["height"]
    if region != "full":
        try:
            parts = tuple(int(part) for part in region.split(","))
        except ValueError:
            return None
        if len(parts) != 4:
            return None
        region = "full" if parts == (0, 0, width, height) else ",".join(map(str, parts))
    made = set(descriptor["files"])
    if size == f"{width},{height}":
        size = "max"
    elif size.endswith(",") or size.startswith(","):
        wanted = size.strip(",")
        index = 0 if size.endswith(",") else 1
        candidates = [
            entry.split("/", 1)[1]
            for entry in made
            if entry.startswith(f"{region}/") and entry.split("/", 1)[1] != "max"
        ]
        full = f"{width},{height}"
        candidates.append(full)
        matches = [c for c in candidates if c.split(",")[index] == wanted]
        if len(matches) != 1:
            return None
        size = "max" if matches[0] == full else matches[0]
    if f"{region}/{size}" not in made:
        return None
    return file_name(image_id, region, size)


# --- Making and removing ---------------------------------------------------------------------


def _rgb(pixels: PILImage.Image) -> PILImage.Image:
    if pixels.mode == "RGB":
        return pixels
    if pixels.mode in ("RGBA", "LA", "PA") or "transparency" in pixels.info:
        rgba = pixels.convert("RGBA")
        background = PILImage.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return pixels.convert("RGB")


def _jpeg(pixels: PILImage.Image, icc_profile: bytes | None) -> bytes:
    output = io.BytesIO()
    options = {"quality": JPEG_QUALITY, "optimize": True}
    if icc_profile:
        options["icc_profile"] = icc_profile
    pixels.save(output, format="JPEG", **options)
    return output.getvalue()


def tiles_generate(*, image: CustomImage) -> bool:
    """Make the tiles and sizes of `image` unless those of its current original are there;
    True when they were made. Made again from scratch otherwise (an earlier, interrupted
    run leaves no descriptor)."""
    descriptor = tiles_descriptor(image_id=image.pk)
    if (
        descriptor
        and descriptor.get("version") == LAYOUT_VERSION
        and descriptor.get("source") == image.file.name
    ):
        return False
    storage = public_storage()
    tiles_remove(image_id=image.pk)
    with image.open_file() as original:
        pixels, _format = public_pixels(original)
    # A colour profile describes RGB pixels only when the original was RGB.
    icc_profile = pixels.info.get("icc_profile") if pixels.mode == "RGB" else None
    pixels = _rgb(pixels)
    layout = Layout(*pixels.size)
    files = []
    level, level_factor = pixels, 1
    for factor, region, size, box in layout.requests():
        if factor != level_factor:
            level = pixels.resize(layout.level_size(factor), PILImage.LANCZOS, reducing_gap=3.0)
            level_factor = factor
        data = _jpeg(level.crop(box), icc_profile)
        write_object(storage, file_name(image.pk, region, size), data, content_type="image/jpeg")
        files.append(f"{region}/{size}")
    descriptor = {
        "version": LAYOUT_VERSION,
        "source": image.file.name,
        "width": layout.width,
        "height": layout.height,
        "scaleFactors": list(layout.scale_factors),
        "sizes": [list(size) for size in layout.sizes],
        "files": files,
    }
    write_object(
        storage,
        descriptor_name(image.pk),
        json.dumps(descriptor).encode(),
        content_type="application/json",
    )
    cache.delete(_cache_key(image.pk))
    return True


def tiles_remove(*, image_id: int) -> None:
    """Delete whatever was made for the image (nothing happens when nothing was)."""
    delete_prefix(public_storage(), image_prefix(image_id))
    cache.delete(_cache_key(image_id))


@task
def iiif_tiles_sync(item_ids: list[int] | None = None, image_ids: list[int] | None = None):
    """Bring the tiles of these images, and of the images of these items, in line with the
    public site: made for an image a public item shows, removed for any other. Safe to run
    any number of times."""
    ids = set(image_ids or ())
    for item_id in item_ids or ():
        ids |= item_image_ids(item_id=item_id)
    wanted = images_on_public_items(ids=ids)
    images = CustomImage.objects.in_bulk(wanted)
    made = removed = 0
    failed = []
    for image_id in sorted(ids):
        if image_id not in images:
            tiles_remove(image_id=image_id)
            removed += 1
            continue
        try:
            made += tiles_generate(image=images[image_id])
        except (OSError, ValidationError):
            # A lost or unreadable original must not keep the other images from their tiles;
            # its service answers 404 until it is fixed (storage_audit reports lost originals).
            logger.exception("IIIF tiles of image %s could not be made.", image_id)
            failed.append(image_id)
    return {"made": made, "removed": removed, **({"failed": failed} if failed else {})}


def tiles_sync_all() -> dict:
    """`iiif_tiles_sync` of every image a public item shows and of every image that has tiles:
    makes what is missing (an embargo that ended by itself, images published before tiles
    existed) and removes what no public item shows any more."""
    tiled = {int(name) for name in child_folders(public_storage(), f"{PREFIX}/") if name.isdigit()}
    return iiif_tiles_sync.call(image_ids=sorted(images_on_public_items() | tiled))


def tiles_sync_on_commit(*, item_ids: Iterable[int] = (), image_ids: Iterable[int] = ()) -> None:
    """Enqueue `iiif_tiles_sync` once the current transaction commits (at once outside one)."""
    item_ids = sorted({pk for pk in item_ids if pk is not None})
    image_ids = sorted({pk for pk in image_ids if pk is not None})
    if not item_ids and not image_ids:
        return
    transaction.on_commit(
        lambda: iiif_tiles_sync.enqueue(item_ids=item_ids, image_ids=image_ids), robust=True
    )


# --- When the public site changes ---------------------------------------------------------
# Connected in ArchiveConfig.ready(). Whatever changes what an item shows or whether it is public
# (publication, withdrawal, resubmission, access, consent, erasure, images and steps) ends in one
# idempotent sync of the images concerned.


def on_item_saved(sender, instance, **kwargs):
    tiles_sync_on_commit(item_ids=[instance.pk])


def on_item_deleting(sender, instance, **kwargs):
    # After the deletion the item's images can no longer be found from it.
    tiles_sync_on_commit(image_ids=item_image_ids(item_id=instance.pk))


def on_items_changed(sender, item_ids, **kwargs):
    tiles_sync_on_commit(item_ids=item_ids)


def on_item_part_changed(sender, instance, **kwargs):
    tiles_sync_on_commit(image_ids=[instance.image_id])


def on_consent_changed(sender, instance, **kwargs):
    tiles_sync_on_commit(item_ids=[instance.item_id])


def on_image_changed(sender, instance, **kwargs):
    # A new file for the image (the descriptor names the original its tiles came from), or
    # the image deleted.
    tiles_sync_on_commit(image_ids=[instance.pk])
