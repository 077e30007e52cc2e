"""Image renditions that carry none of the photo's personal metadata.

Renditions are the public face of every image; left alone, Wagtail and Willow copy the
source's EXIF (GPS, serial numbers, owner) into them (measured in tests/archive/test_privacy.py).
`CustomImage.generate_rendition_file` therefore renders through `PrivateFilter`, whose last
operation applies archive/metadata.py's one rule of what is kept. Wagtail has applied the EXIF
orientation to the pixels before any operation runs, so nothing is lost.
"""

from __future__ import annotations

from wagtail.images.image_operations import FilterOperation
from wagtail.images.models import Filter

from willow.plugins.pillow import PillowImage
from willow.svg import SvgImage

from archive.metadata import without_metadata


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
