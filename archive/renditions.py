"""Image renditions that carry none of the photo's personal metadata.

Renditions are the public face of every image (archive photos, member logos, page images);
originals stay private. Left alone, Wagtail 8 and Willow copy the source's EXIF block into
JPEG and PNG renditions (GPS position, camera and lens serial numbers, owner and artist
names, maker notes), and Pillow copies a JPEG's comment: measured in
tests/archive/test_privacy.py. `CustomImage.generate_rendition_file` therefore renders through
`PrivateFilter`, the extension point that method's documentation names ("swapping out
`filter` for an instance of a custom `Filter` subclass").

`PrivateFilter` runs every operation of the spec, then one more: `StripMetadataOperation`.
Wagtail has applied the EXIF orientation to the pixels before any operation runs
(`willow.auto_orient()`), so nothing is lost by dropping the tag afterwards. What says how to
show the pixels stays: the ICC colour profile, transparency, resolution, and a GIF's timing.
"""

from __future__ import annotations

from wagtail.images.image_operations import FilterOperation
from wagtail.images.models import Filter

from PIL import Image as PILImage
from willow.plugins.pillow import PillowImage
from willow.svg import SvgImage

# Image info that describes how to show the pixels, not who took them or where. Everything
# else goes: exif, xmp (and PNG's "XML:com.adobe.xmp"), comment, PNG text chunks, IPTC...
KEPT_INFO = frozenset({"icc_profile", "transparency", "dpi", "duration", "loop", "background"})


class StripMetadataOperation(FilterOperation):
    """The last operation of every rendition: the pixels as they are, without metadata."""

    def construct(self):
        pass

    def run(self, willow, image, env):
        if isinstance(willow, SvgImage):
            # Vector renditions are written back as SVG text, with no EXIF block to carry.
            return willow
        return PillowImage(without_metadata(willow.get_pillow_image()))


class PrivateFilter(Filter):
    """A Wagtail filter whose output has no personal metadata, whatever its spec."""

    @classmethod
    def of(cls, filter: Filter) -> PrivateFilter:
        return filter if isinstance(filter, cls) else cls(spec=filter.spec)

    @property
    def filter_operations(self):
        return [*super().filter_operations, StripMetadataOperation("strip-metadata")]


def without_metadata(pillow: PILImage.Image) -> PILImage.Image:
    """A copy of `pillow` with only the info KEPT_INFO allows.

    A copy, not the same image with its info emptied: Pillow caches parsed EXIF on the image
    (`getexif()`), and pillow-heif's writer falls back to that cache."""
    clean = pillow.copy()
    clean.info = {key: value for key, value in pillow.info.items() if key in KEPT_INFO}
    return clean
