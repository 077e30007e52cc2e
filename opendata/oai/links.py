"""Absolute URLs of what a record points to: the item page, the IIIF manifest and image
services. The site's pages carry a language prefix; the main language's is used."""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from archive.models import MediaFile
from opendata.oai.records import ItemData

IIIF_IMAGE_API = "http://iiif.io/api/image"
IIIF_LEVEL0 = "http://iiif.io/api/image/3/level0.json"


_MARK = "OAI-IDENTIFIER"


class Links:
    """URL patterns are reversed once per response, then filled in for each record."""

    def __init__(self, base_url: str):
        parts = urlsplit(base_url)
        self.base = f"{parts.scheme}://{parts.netloc}"
        with translation.override(settings.LANGUAGE_CODE):
            self._page = self.absolute(reverse("archive:detail", args=[_MARK]))
            self._media = self.absolute(reverse("archive:media", args=[_MARK]))
        self._manifest = self.absolute(reverse("iiif:manifest", args=[_MARK]))
        self._image = self.absolute(reverse("iiif:image_service", args=[0]))[:-1]

    def absolute(self, path: str) -> str:
        return f"{self.base}{path}"

    def item_page(self, item: ItemData) -> str:
        return self._page.replace(_MARK, item.identifier)

    def recording(self, item: ItemData) -> str:
        if item.media_kind not in (MediaFile.Kind.AUDIO, MediaFile.Kind.VIDEO):
            return ""
        return self._media.replace(_MARK, item.identifier)

    def manifest(self, item: ItemData) -> str:
        return self._manifest.replace(_MARK, item.identifier)

    def image_service(self, image_id: int) -> str:
        return f"{self._image}{image_id}"

    def image_full(self, image_id: int) -> str:
        """The whole image at its largest size: an Image API 3 URL every level 0 service
        answers."""
        return f"{self.image_service(image_id)}/full/max/0/default.jpg"
