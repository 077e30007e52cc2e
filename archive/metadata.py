"""What may be made public of a photo: its pixels, never its personal metadata.

Originals stay private; every public derivative (renditions, IIIF tiles, any copy) goes
through `without_metadata`, the one rule of what is kept. The GPS position a contributor may
copy to an item's place is read here too, from the private original.
"""

import io
import math

from PIL import ExifTags, ImageOps
from PIL import Image as PILImage

from archive.validation import open_photo

# Image info that describes how to show the pixels, not who took them or where. Everything
# else goes: exif, xmp (and PNG's "XML:com.adobe.xmp"), comment, PNG text chunks, IPTC...
KEPT_INFO = frozenset({"icc_profile", "transparency", "dpi", "duration", "loop", "background"})
_SAVE_OPTIONS = {
    "JPEG": {"quality": 92},
    "PNG": {},
    "WEBP": {"quality": 92},
    "TIFF": {"compression": "tiff_lzw"},
    "HEIF": {"quality": 92},
}


def without_metadata(pillow: PILImage.Image) -> PILImage.Image:
    """A copy of `pillow` with only the info KEPT_INFO allows. A copy, not the same image with
    its info emptied: Pillow caches parsed EXIF on the image, and pillow-heif's writer falls
    back to that cache."""
    clean = pillow.copy()
    clean.info = {key: value for key, value in pillow.info.items() if key in KEPT_INFO}
    return clean


def public_pixels(image_file) -> tuple[PILImage.Image, str]:
    """The first frame of a photo (path or binary file) as the public may see it: EXIF
    orientation applied to the pixels, `without_metadata`; with the source's format."""
    if hasattr(image_file, "seek"):
        image_file.seek(0)
    with open_photo(image_file) as image:
        return without_metadata(ImageOps.exif_transpose(image)), image.format


def strip_metadata(image_file) -> bytes:
    """A public copy of a photo (path or binary file): same format (a phone's MPO becomes a
    JPEG), first frame, EXIF orientation applied to the pixels, `without_metadata`. The
    pixels are re-encoded, which also drops anything hidden after the image data."""
    clean, source_format = public_pixels(image_file)
    output_format = "JPEG" if source_format == "MPO" else source_format
    options = dict(_SAVE_OPTIONS[output_format])
    if "icc_profile" in clean.info:
        options["icc_profile"] = clean.info["icc_profile"]
    if "dpi" in clean.info and output_format in ("JPEG", "PNG", "TIFF"):
        options["dpi"] = clean.info["dpi"]
    output = io.BytesIO()
    clean.save(output, format=output_format, **options)
    return output.getvalue()


def gps_position(image_file) -> tuple[float, float] | None:
    """The (latitude, longitude) in decimal degrees recorded in a photo's EXIF, for the
    contributor to copy to the item's place; None when there is none or it makes no sense
    (missing hemisphere, out of range, or 0, 0: what devices write without a fix)."""
    if hasattr(image_file, "seek"):
        image_file.seek(0)
    with open_photo(image_file) as image:
        gps = image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    latitude = _degrees(
        gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef), "N", "S", 90
    )
    longitude = _degrees(
        gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef), "E", "W", 180
    )
    if latitude is None or longitude is None or latitude == longitude == 0:
        return None
    return latitude, longitude


def _degrees(value, ref, positive: str, negative: str, bound: int) -> float | None:
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    ref = ref.strip("\x00 ").upper() if isinstance(ref, str) else ""
    if ref not in (positive, negative):
        return None
    try:
        parts = [float(part) for part in value]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if not 1 <= len(parts) <= 3 or not all(math.isfinite(p) and p >= 0 for p in parts):
        return None
    degrees, minutes, seconds = (*parts, 0.0, 0.0)[:3]
    result = degrees + minutes / 60 + seconds / 3600
    if result > bound:
        return None
    return round(-result if ref == negative else result, 7)
