"""Upload validation (archive.formats, archive.validation): the content decides, files are
streamed, photos lose their personal metadata. No database: every sample file is a few bytes
built here, by Pillow, the `wave` module or by hand from the format's specification."""

import hashlib
import io
import re
import struct
import time
import tracemalloc
import warnings
import wave
import zipfile
import zlib
from dataclasses import dataclass
from functools import cache

from django.utils import timezone, translation

import pytest
from PIL import ExifTags, Image, ImageCms
from pillow_heif import register_heif_opener

from archive.formats import ALLOWED, MediaKind, sniff
from archive.metadata import gps_position, strip_metadata
from archive.storage import generated_name
from archive.validation import CHUNK_SIZE, UploadRejected, ValidatedFile, validate_upload

KIND_IN_SENTENCE = {
    MediaKind.PHOTO: "a photo",
    MediaKind.AUDIO: "an audio recording",
    MediaKind.VIDEO: "a video",
    MediaKind.DOCUMENT: "a document",
}
ACCEPTED_NAMES = {
    MediaKind.PHOTO: "JPEG, PNG, TIFF, WebP, HEIC",
    MediaKind.AUDIO: "MP3, M4A, AAC, WAV, Ogg, FLAC",
    MediaKind.VIDEO: "MP4, WebM",
    MediaKind.DOCUMENT: "PDF",
}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def rejection(data: bytes, **kwargs) -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        validate_upload(io.BytesIO(data), **kwargs)
    return caught.value


def message(error: UploadRejected) -> str:
    return " ".join(error.messages)


# --- Sample builders -------------------------------------------------------------------------
RED, BLUE = (220, 20, 20), (20, 20, 220)


def two_colour_image(size=(40, 20)) -> Image.Image:
    """Left half red, right half blue: shows where the pixels went after a rotation."""
    image = Image.new("RGB", size, RED)
    image.paste(BLUE, (size[0] // 2, 0, size[0], size[1]))
    return image


def pillow_bytes(image_format: str, image: Image.Image | None = None, **options) -> bytes:
    if image_format == "HEIF":
        register_heif_opener()
    output = io.BytesIO()
    (image or two_colour_image()).save(output, format=image_format, **options)
    return output.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header declares width x height 8-bit grey pixels, with data for two rows only:
    a few hundred bytes that a decoder would blow up to width x height bytes of memory."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(bytes(width + 1) * 2, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", rows)
        + png_chunk(b"IEND", b"")
    )


def mp3_frames(count: int = 6) -> bytes:
    # MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, no CRC: 417-byte frames (silence).
    return (b"\xff\xfb\x90\x00" + bytes(413)) * count


def syncsafe(number: int) -> bytes:
    return bytes((number >> shift) & 0x7F for shift in (21, 14, 7, 0))


def id3_tag(title: bytes = b"Interview with Marthe, weaver") -> bytes:
    frame_data = b"\x03" + title
    frame = b"TIT2" + syncsafe(len(frame_data)) + b"\x00\x00" + frame_data
    return b"ID3\x04\x00\x00" + syncsafe(len(frame)) + frame


def adts_frames(count: int = 6) -> bytes:
    # AAC LC, 44.1 kHz (index 4), stereo, no CRC; 0x7FF buffer fullness (variable bit rate).
    payload = bytes(100)
    length = 7 + len(payload)
    header = bytes(
        [
            0xFF,
            0xF1,
            (1 << 6) | (4 << 2),
            (2 << 6) | (length >> 11),
            (length >> 3) & 0xFF,
            ((length & 7) << 5) | 0x1F,
            0xFC,
        ]
    )
    return (header + payload) * count


def wav_bytes() -> bytes:
    output = io.BytesIO()
    with wave.open(output, "wb") as recording:
        recording.setnchannels(1)
        recording.setsampwidth(2)
        recording.setframerate(8000)
        recording.writeframes(bytes(1600))
    return output.getvalue()


def wav_header(total_size: int) -> bytes:
    """The 44-byte header of a 16-bit mono WAV file of `total_size` bytes."""
    fmt = struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16)
    return (
        b"RIFF"
        + struct.pack("<I", total_size - 8)
        + b"WAVEfmt "
        + struct.pack("<I", len(fmt))
        + fmt
        + b"data"
        + struct.pack("<I", total_size - 44)
    )


def ogg_crc(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
            crc &= 0xFFFFFFFF
    return crc


def ogg_page(payload: bytes, *, sequence: int, first: bool = False, granule: int = 0) -> bytes:
    lacing = [255] * (len(payload) // 255) + [len(payload) % 255]
    header = (
        b"OggS\x00"
        + bytes([0x02 if first else 0x04 if granule else 0x00])
        + struct.pack("<q", granule)
        + struct.pack("<II", 0x1234, sequence)
        + bytes(4)  # CRC, filled below
        + bytes([len(lacing), *lacing])
    )
    crc = struct.pack("<I", ogg_crc(header + payload))
    return header[:22] + crc + header[26:] + payload


def ogg_bytes(first_packet: bytes, tags: bytes = b"", granule: int = 0) -> bytes:
    """An Ogg stream: the codec's header page, its tags page, and a last page whose granule
    position (samples at the codec's rate) gives the length."""
    return (
        ogg_page(first_packet, sequence=0, first=True)
        + ogg_page(tags or b"tags" * 10, sequence=1)
        + ogg_page(bytes(40), sequence=2, granule=granule)
    )


def opus_bytes() -> bytes:  # one second at Opus' 48 kHz, after the 312 samples of pre-skip
    return ogg_bytes(OPUS_HEAD, b"OpusTags" + struct.pack("<I", 4) + b"test" + bytes(4), 48312)


def vorbis_bytes() -> bytes:  # one second at 44.1 kHz
    comments = b"\x03vorbis" + struct.pack("<I", 4) + b"test" + bytes(4) + b"\x01"
    return ogg_bytes(VORBIS_HEAD, comments, 44100)


OPUS_HEAD = b"OpusHead" + struct.pack("<BBHIhB", 1, 2, 312, 48000, 0, 0)
VORBIS_HEAD = b"\x01vorbis" + struct.pack("<IBIiiiBB", 0, 2, 44100, 0, 128000, 0, 0xB8, 1)


def flac_bytes() -> bytes:
    sample_rate, channels, bits, samples = 44100, 2, 16, 44100
    packed = (sample_rate << 44) | ((channels - 1) << 41) | ((bits - 1) << 36) | samples
    streaminfo = struct.pack(">HH", 4096, 4096) + bytes(6) + packed.to_bytes(8, "big") + bytes(16)
    return b"fLaC" + bytes([0x80, 0, 0, len(streaminfo)]) + streaminfo + bytes(200)


def box(kind: bytes, *parts: bytes) -> bytes:
    payload = b"".join(parts)
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def iso_media(
    brand: bytes,
    compatible: tuple[bytes, ...],
    handlers: tuple[bytes, ...],
    *,
    moov_first: bool = True,
    large_mdat: bool = False,
    media_bytes: int = 2000,
) -> bytes:
    """An ISO base media (MP4 family) file: ftyp, then moov (one trak per handler) and mdat in
    either order; the mdat header may use the 64-bit size form of large files."""
    ftyp = box(b"ftyp", brand, bytes(4), *compatible)
    tracks = (
        box(
            b"trak",
            box(b"tkhd", bytes(84)),
            box(b"mdia", box(b"mdhd", MDHD), box(b"hdlr", bytes(8), h, bytes(12), b"H\0")),
        )
        for h in handlers
    )
    moov = box(b"moov", box(b"mvhd", MDHD[:20] + bytes(80)), *tracks)
    media = bytes(media_bytes)
    if large_mdat:
        mdat = struct.pack(">I4sQ", 1, b"mdat", 16 + len(media)) + media
    else:
        mdat = box(b"mdat", media)
    return ftyp + (moov + mdat if moov_first else mdat + moov)


# Version and flags, creation and modification times, then a time scale of 1000 per second
# and a length of 2000: two seconds.
MDHD = bytes(12) + struct.pack(">II", 1000, 2000) + bytes(4)


def ebml_element(element_id: int, data: bytes) -> bytes:
    """An EBML element whose data is under 127 bytes: ID, one-byte size, data."""
    return (
        element_id.to_bytes((element_id.bit_length() + 7) // 8, "big")
        + bytes([0x80 | len(data)])
        + data
    )


def webm_bytes(doctype: bytes = b"webm") -> bytes:
    header = ebml_element(
        0x1A45DFA3,
        ebml_element(0x4286, b"\x01")  # EBMLVersion
        + ebml_element(0x42F7, b"\x01")  # EBMLReadVersion
        + ebml_element(0x42F2, b"\x04")  # EBMLMaxIDLength
        + ebml_element(0x42F3, b"\x08")  # EBMLMaxSizeLength
        + ebml_element(0x4282, doctype)
        + ebml_element(0x4287, b"\x04")  # DocTypeVersion
        + ebml_element(0x4285, b"\x02"),  # DocTypeReadVersion
    )
    segment = b"\x18\x53\x80\x67\x01\xff\xff\xff\xff\xff\xff\xff"  # Segment, unknown size
    info = ebml_element(0x1549A966, ebml_element(0x2AD7B1, (1_000_000).to_bytes(3, "big")))
    return header + segment + info + bytes(500)


PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
    b"trailer <</Root 1 0 R>>\n%%EOF\n"
)
SVG_BYTES = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!-- Generator: Adobe Illustrator 27.0 -->\n'
    b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
    b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>fetch('/admin/').then(r => r.text())</script></svg>\n"
)
HTML_BYTES = b"<!DOCTYPE html>\n<html><head><title>Hi</title></head><body><script>x()</script>"


def zip_bytes(*names: str) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for name in names:
            archive.writestr(name, "content")
    return output.getvalue()


@dataclass(frozen=True)
class Sample:
    id: str
    build: object
    kind: MediaKind
    format: str
    mime: str
    extension: str
    name: str
    generic_mp4: bool = False  # its brand cannot tell video from sound
    seconds: int | None = None  # the length read from the file (rounded, at least 1)


PHOTO, AUDIO, VIDEO, DOCUMENT = (
    MediaKind.PHOTO,
    MediaKind.AUDIO,
    MediaKind.VIDEO,
    MediaKind.DOCUMENT,
)
ACCEPTED = [
    Sample("jpeg", lambda: pillow_bytes("JPEG"), PHOTO, "jpeg", "image/jpeg", "jpg", "a.jpg"),
    Sample("png", lambda: pillow_bytes("PNG"), PHOTO, "png", "image/png", "png", "a.png"),
    Sample("tiff", lambda: pillow_bytes("TIFF"), PHOTO, "tiff", "image/tiff", "tif", "a.tif"),
    Sample("webp", lambda: pillow_bytes("WEBP"), PHOTO, "webp", "image/webp", "webp", "a.webp"),
    Sample("heic", cache(lambda: pillow_bytes("HEIF")), PHOTO, "heic", "image/heic", "heic",
           "IMG_0001.HEIC"),
    # Six frames of 26 ms: what a file this short says is rounded up to one second.
    Sample("mp3", mp3_frames, AUDIO, "mp3", "audio/mpeg", "mp3", "a.mp3", seconds=1),
    Sample("mp3 with ID3 tag", lambda: id3_tag() + mp3_frames(), AUDIO, "mp3", "audio/mpeg",
           "mp3", "a.mp3", seconds=1),
    Sample("m4a", lambda: iso_media(b"M4A ", (b"M4A ", b"mp42", b"isom"), (b"soun",)),
           AUDIO, "m4a", "audio/mp4", "m4a", "memo.m4a", seconds=2),
    # Android recorders write the generic MP4 brand: only the tracks say it is sound only.
    Sample("m4a from Android, generic brand",
           lambda: iso_media(b"mp42", (b"isom", b"mp42"), (b"soun",), moov_first=False),
           AUDIO, "m4a", "audio/mp4", "m4a", "Recording 12.m4a", generic_mp4=True, seconds=2),
    Sample("aac", adts_frames, AUDIO, "aac", "audio/aac", "aac", "a.aac", seconds=1),
    Sample("wav", wav_bytes, AUDIO, "wav", "audio/wav", "wav", "a.wav", seconds=1),
    Sample("ogg opus", opus_bytes, AUDIO, "ogg", "audio/ogg", "opus", "a.opus", seconds=1),
    Sample("ogg vorbis", vorbis_bytes, AUDIO, "ogg", "audio/ogg", "ogg", "a.ogg", seconds=1),
    Sample("flac", flac_bytes, AUDIO, "flac", "audio/flac", "flac", "a.flac", seconds=1),
    Sample("mp4", lambda: iso_media(b"isom", (b"isom", b"avc1"), (b"vide", b"soun")),
           VIDEO, "mp4", "video/mp4", "mp4", "a.mp4", generic_mp4=True, seconds=2),
    Sample("mp4, moov at the end, 64-bit mdat",
           lambda: iso_media(b"mp42", (b"mp42",), (b"soun", b"vide"), moov_first=False,
                             large_mdat=True, media_bytes=3 * CHUNK_SIZE),
           VIDEO, "mp4", "video/mp4", "mp4", "a.mp4", generic_mp4=True, seconds=2),
    # mutagen has no WebM reader: its length is not known.
    Sample("webm", webm_bytes, VIDEO, "webm", "video/webm", "webm", "a.webm"),
    Sample("pdf", lambda: PDF_BYTES, DOCUMENT, "pdf", "application/pdf", "pdf", "a.pdf"),
]  # fmt: skip
ACCEPTED_BY_ID = {sample.id: sample for sample in ACCEPTED}


# --- Accepted formats ------------------------------------------------------------------------
def test_the_allow_list_is_the_documented_one():
    assert ALLOWED == {
        MediaKind.PHOTO: {
            "jpeg": "image/jpeg",
            "png": "image/png",
            "tiff": "image/tiff",
            "webp": "image/webp",
            "heic": "image/heic",
        },
        MediaKind.AUDIO: {
            "mp3": "audio/mpeg",
            "m4a": "audio/mp4",
            "aac": "audio/aac",
            "wav": "audio/wav",
            "ogg": "audio/ogg",
            "flac": "audio/flac",
        },
        MediaKind.VIDEO: {"mp4": "video/mp4", "webm": "video/webm"},
        MediaKind.DOCUMENT: {"pdf": "application/pdf"},
    }


@pytest.mark.parametrize("sample", ACCEPTED, ids=lambda sample: sample.id)
def test_each_accepted_format_is_recognised_and_measured(sample):
    data = sample.build()

    result = validate_upload(
        io.BytesIO(data), kind=sample.kind, claimed_name=sample.name, claimed_mime=sample.mime
    )

    assert result == ValidatedFile(
        kind=sample.kind,
        format=sample.format,
        mime=sample.mime,
        extension=sample.extension,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        duration_seconds=sample.seconds,
    )


@pytest.mark.parametrize(
    ("sample", "kind"),
    [(sample, kind) for sample in ACCEPTED for kind in MediaKind if kind != sample.kind],
    ids=lambda value: value.id if isinstance(value, Sample) else value.value,
)
def test_each_accepted_format_is_refused_as_another_kind(sample, kind):
    error = rejection(sample.build(), kind=kind)

    assert error.code == "wrong_kind"
    assert message(error).startswith(f"This file is not {KIND_IN_SENTENCE[kind]}: its content is")
    if sample.generic_mp4 and kind not in (MediaKind.AUDIO, MediaKind.VIDEO):
        # Refused from the first bytes, before the tracks that would tell are read.
        assert message(error).endswith(
            "an MP4 file (video or sound). Add it as a video or an audio recording."
        )
    else:
        assert message(error).endswith(f"Add it as {KIND_IN_SENTENCE[sample.kind]}.")


def test_audio_sent_as_a_photo_says_what_it_is():
    error = rejection(mp3_frames(), kind=MediaKind.PHOTO, claimed_name="cover.jpg")

    assert message(error) == (
        "This file is not a photo: its content is an MP3 audio recording. "
        "Add it as an audio recording."
    )


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (id3_tag() + flac_bytes(), "flac"),
        (id3_tag() + adts_frames(), "aac"),
        (id3_tag() + HTML_BYTES, "html"),
        (id3_tag() * 2 + mp3_frames(), "mp3"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00" * 400, "mp3"),  # stacked empty tags: no recursion
        # Brands alone cannot tell sound-only MP4 files from videos (validate_upload reads tracks).
        (box(b"ftyp", b"mp42", bytes(4), b"isom"), "mp4"),
        (box(b"ftyp", b"mif1", bytes(4), b"mif1", b"heic"), "heic"),
        (box(b"ftyp", b"mif1", bytes(4), b"mif1", b"avif"), "avif"),
        (box(b"ftyp", b"qt  ", bytes(4), b"qt  "), "mov"),
        (webm_bytes(b"matroska"), "mkv"),
        (ogg_bytes(b"\x80theora" + bytes(40)), "ogv"),
        # Two bytes that look like an MP3 frame header, not followed by a second frame.
        (b"\xff\xfb\x90\x00" + bytes(413) + b"\x00garbage", None),
        (b"", None),
    ],
    ids=[
        "ID3 then FLAC",
        "ID3 then AAC",
        "ID3 then HTML",
        "two ID3 tags",
        "hundreds of empty ID3 tags",
        "generic MP4 brand",
        "HEIF brand, HEIC",
        "HEIF brand, AVIF",
        "QuickTime",
        "Matroska",
        "Ogg Theora",
        "stray frame sync",
        "nothing",
    ],
)
def test_sniff_names_what_the_first_bytes_are(head, expected):
    detected = sniff(head)

    assert (detected.format if detected else None) == expected


# --- Refused content -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "svg",
    [
        SVG_BYTES,
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b"\xef\xbb\xbf  <svg xmlns='http://www.w3.org/2000/svg'></svg>",
        "\ufeff<svg xmlns='http://www.w3.org/2000/svg'></svg>".encode("utf-16-le"),
        b'<svg:svg xmlns:svg="http://www.w3.org/2000/svg"></svg:svg>',
    ],
    ids=["illustrator", "bare", "utf-8 BOM", "utf-16", "namespace prefix"],
)
def test_svg_is_refused_as_svg_even_named_and_sent_as_jpeg(svg):
    error = rejection(
        svg, kind=MediaKind.PHOTO, claimed_name="holiday.jpg", claimed_mime="image/jpeg"
    )

    assert error.code == "not_accepted"
    assert message(error) == (
        "This file is not a photo: its content is an SVG drawing, which is not accepted. "
        "Accepted formats: JPEG, PNG, TIFF, WebP, HEIC."
    )


@pytest.mark.parametrize(
    ("data", "kind", "content"),
    [
        (HTML_BYTES, MediaKind.DOCUMENT, "a web page (HTML)"),
        (b"<p>Hello <script>steal()</script>", MediaKind.DOCUMENT, "a web page (HTML)"),
        (b'<?xml version="1.0"?><catalogue/>', MediaKind.DOCUMENT, "an XML document"),
        (b"Minutes of the 1952 meeting.\n", MediaKind.DOCUMENT, "a text file"),
        (zip_bytes("notes.txt"), MediaKind.DOCUMENT, "a ZIP archive"),
        (zip_bytes("[Content_Types].xml", "_rels/.rels", "word/document.xml"), MediaKind.DOCUMENT,
         "a Microsoft Office document"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), MediaKind.DOCUMENT,
         "a Microsoft Office 97-2003 document"),
        (b"MZ\x90\x00" + bytes(60) + b"This program cannot be run in DOS mode.", MediaKind.VIDEO,
         "a Windows program"),
        (b"\x7fELF\x02\x01\x01" + bytes(9) + b"\x02\x00\x3e\x00\x01" + bytes(43), MediaKind.AUDIO,
         "a Linux program"),
        (pillow_bytes("GIF"), MediaKind.PHOTO, "a GIF image"),
        (box(b"ftyp", b"avif", bytes(4), b"avif", b"mif1"), MediaKind.PHOTO, "an AVIF image"),
        (iso_media(b"qt  ", (b"qt  ",), (b"vide",)), MediaKind.VIDEO, "a QuickTime movie"),
        (webm_bytes(b"matroska"), MediaKind.VIDEO, "a Matroska video"),
        (ogg_bytes(b"\x80theora" + bytes(40)), MediaKind.AUDIO, "an Ogg video"),
        (id3_tag() + HTML_BYTES, MediaKind.AUDIO, "a web page (HTML)"),
    ],
    ids=[
        "html",
        "html fragment",
        "xml",
        "text",
        "zip",
        "docx",
        "doc",
        "exe",
        "elf",
        "gif",
        "avif",
        "quicktime",
        "matroska",
        "ogg theora",
        "html behind an ID3 tag",
    ],
)  # fmt: skip
def test_refused_content_is_named_in_the_message(data, kind, content):
    error = rejection(data, kind=kind, claimed_name=f"file.{next(iter(ALLOWED[kind]))}")

    assert error.code == "not_accepted"
    assert message(error) == (
        f"This file is not {KIND_IN_SENTENCE[kind]}: its content is {content}, which is not "
        f"accepted. Accepted formats: {ACCEPTED_NAMES[kind]}."
    )


def test_unrecognised_content_is_refused_with_the_accepted_formats():
    error = rejection(bytes(range(256)) * 8, kind=MediaKind.AUDIO)

    assert error.code == "unrecognised"
    assert message(error) == (
        "This file is not an audio recording in an accepted format: its content was not "
        "recognised. Accepted formats: MP3, M4A, AAC, WAV, Ogg, FLAC."
    )


def test_empty_file_is_refused():
    error = rejection(b"", kind=MediaKind.DOCUMENT, claimed_name="report.pdf")

    assert error.code == "empty"
    assert message(error) == "The file is empty."


# --- Name and type given by the client -------------------------------------------------------
def test_png_named_jpg_is_refused_for_the_mismatch():
    error = rejection(pillow_bytes("PNG"), kind=MediaKind.PHOTO, claimed_name="holiday.jpg")

    assert error.code == "name_mismatch"
    assert message(error) == "The file's content (PNG image) does not match its name (.jpg)."


def test_executable_extension_after_an_image_one_is_refused():
    error = rejection(pillow_bytes("JPEG"), kind=MediaKind.PHOTO, claimed_name="holiday.jpg.exe")

    assert error.code == "name_mismatch"
    assert message(error) == "The file's content (JPEG image) does not match its name (.exe)."


@pytest.mark.parametrize(
    ("data", "kind", "mime", "content"),
    [
        (pillow_bytes("PNG"), MediaKind.PHOTO, "image/jpeg", "PNG image"),
        (PDF_BYTES, MediaKind.DOCUMENT, "audio/mpeg", "PDF document"),
        # A spelling nobody lists, but of another family than the content's.
        (mp3_frames(), MediaKind.AUDIO, "image/x-made-up", "MP3 audio recording"),
    ],
    ids=["png as jpeg", "pdf as mp3", "mp3 as an image"],
)
def test_client_mime_type_contradicting_the_content_is_refused(data, kind, mime, content):
    error = rejection(data, kind=kind, claimed_mime=mime)

    assert error.code == "type_mismatch"
    assert message(error) == (
        f"The file's content ({content}) does not match the type it was sent as ({mime})."
    )


def test_android_recording_named_mp4_is_refused_as_a_video_whose_name_matches():
    """The kind is decided after the tracks are read; the name is checked against that."""
    sample = ACCEPTED_BY_ID["mp4"]

    error = rejection(sample.build(), kind=MediaKind.VIDEO, claimed_name="memo.m4a")

    assert error.code == "name_mismatch"
    assert message(error) == "The file's content (MP4 video) does not match its name (.m4a)."


@pytest.mark.parametrize(
    ("sample_id", "name", "mime"),
    [
        ("jpeg", "", ""),
        ("jpeg", "blob", "application/octet-stream"),
        ("jpeg", "C:\\Users\\Ana\\DCIM\\IMG_0001.JPG", "image/pjpeg"),
        ("jpeg", "../../etc/photo.jpeg", "image/jpeg; charset=binary"),
        ("mp3", "Interview.MP3", "audio/x-mpeg-3"),
        ("m4a from Android, generic brand", "Recording 12.mp4", "video/mp4"),
        ("webm", "clip.webm", "audio/webm"),
    ],
)
def test_names_and_types_that_agree_or_say_nothing_are_accepted(sample_id, name, mime):
    sample = ACCEPTED_BY_ID[sample_id]

    result = validate_upload(
        io.BytesIO(sample.build()), kind=sample.kind, claimed_name=name, claimed_mime=mime
    )

    assert (result.format, result.extension) == (sample.format, sample.extension)


# --- Sizes, streaming and hashing ------------------------------------------------------------
class GeneratedStream:
    """A read-only file of `size` bytes: `head`, then zeros made up as they are read, so that a
    200 MB upload costs nothing. Records how it was read; seeks only if `seekable`."""

    def __init__(
        self, head: bytes, size: int, *, max_piece: int | None = None, seekable: bool = False
    ):
        self.head, self.size, self.max_piece = head, size, max_piece
        self.position = 0
        self.largest_request = 0
        self.can_seek = seekable

    def read(self, size=-1):
        if size is None or size < 0:
            raise AssertionError("asked to read the whole file at once")
        self.largest_request = max(self.largest_request, size)
        size = min(size, self.size - self.position, self.max_piece or size)
        start, self.position = self.position, self.position + size
        head_part = self.head[start : start + size]
        return head_part + bytes(size - len(head_part))

    def seekable(self):
        return self.can_seek

    def seek(self, offset, whence=io.SEEK_SET):
        assert self.can_seek, "seek on a stream that cannot"
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def tell(self):
        return self.position


def test_file_over_its_kinds_limit_is_refused(settings):
    settings.ARCHIVE_MAX_UPLOAD_BYTES = {**settings.ARCHIVE_MAX_UPLOAD_BYTES, "document": 1000}
    at_limit = PDF_BYTES + b"%" * (1000 - len(PDF_BYTES))

    accepted = validate_upload(io.BytesIO(at_limit), kind=MediaKind.DOCUMENT)
    error = rejection(at_limit + b"%", kind=MediaKind.DOCUMENT)

    assert accepted.size == 1000
    assert error.code == "too_large"
    assert message(error) == "This file is too large: a document may be at most 1000\xa0bytes."


def test_explicit_byte_limit_wins_over_settings():
    error = rejection(wav_bytes(), kind=MediaKind.AUDIO, max_bytes=1000)

    assert error.code == "too_large"
    assert (
        message(error) == "This file is too large: an audio recording may be at most 1000\xa0bytes."
    )


def test_oversized_upload_is_refused_without_being_read_to_the_end(settings):
    settings.ARCHIVE_MAX_UPLOAD_BYTES = {**settings.ARCHIVE_MAX_UPLOAD_BYTES, "audio": 1024**2}
    size = 200 * 1024**2
    stream = GeneratedStream(wav_header(size), size)

    with pytest.raises(UploadRejected) as caught:
        validate_upload(stream, kind=MediaKind.AUDIO, claimed_name="interview.wav")

    assert caught.value.code == "too_large"
    assert stream.position <= 1024**2 + CHUNK_SIZE
    assert stream.largest_request <= CHUNK_SIZE


def validated_with_peak_memory(stream) -> tuple[ValidatedFile, int]:
    tracemalloc.start()
    try:
        result = validate_upload(stream, kind=MediaKind.AUDIO, claimed_name="interview.wav")
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_long_recording_is_hashed_without_being_held_in_memory():
    size = 64 * 1024**2
    expected = hashlib.sha256(wav_header(size))
    for _ in range((size - 44) // CHUNK_SIZE):
        expected.update(bytes(CHUNK_SIZE))
    expected.update(bytes((size - 44) % CHUNK_SIZE))
    stream = GeneratedStream(wav_header(size), size)

    result, peak = validated_with_peak_memory(stream)

    assert (result.size, result.sha256) == (size, expected.hexdigest())
    assert peak < 2 * 1024**2, f"peak Python memory {peak} bytes"


def test_long_recording_is_opened_for_its_length_without_being_held_in_memory():
    size = 64 * 1024**2
    stream = GeneratedStream(wav_header(size), size, seekable=True)

    result, peak = validated_with_peak_memory(stream)

    # 16-bit mono at 8 kHz: 16,000 bytes a second.
    assert result.duration_seconds == round((size - 44) / 16000)
    assert peak < 2 * 1024**2, f"peak Python memory {peak} bytes"


@pytest.mark.parametrize("sample_id", ["m4a from Android, generic brand", "mp4"])
def test_tracks_are_found_however_the_stream_is_cut(sample_id):
    """A network delivers files in pieces of any size: box headers and the track handler may
    be split between two reads."""
    sample = ACCEPTED_BY_ID[sample_id]
    data = sample.build()

    result = validate_upload(GeneratedStream(data, len(data), max_piece=5), kind=sample.kind)

    assert (result.format, result.size) == (sample.format, len(data))


def test_mp4_without_its_index_is_refused_as_damaged():
    truncated = box(b"ftyp", b"isom", bytes(4), b"isom") + box(b"mdat", bytes(3000))

    error = rejection(truncated, kind=MediaKind.VIDEO)

    assert error.code == "damaged"
    assert message(error) == (
        "This file looks like an MP4 video but cannot be read: it may be damaged or incomplete."
    )


@pytest.mark.parametrize(
    ("data", "content"),
    [
        # The codec's header page is right; the tags page that must follow is not.
        (ogg_bytes(OPUS_HEAD), "an Ogg audio recording"),
        (b"fLaC" + bytes(300), "a FLAC audio recording"),
        (b"RIFF\x64\x00\x00\x00WAVEdata\x58\x00\x00\x00" + bytes(88), "a WAV audio recording"),
    ],
    ids=["opus without tags", "flac without stream info", "wav without format"],
)
def test_recording_whose_head_is_right_but_not_the_rest_is_refused_as_damaged(data, content):
    error = rejection(data, kind=MediaKind.AUDIO)

    assert error.code == "damaged"
    assert message(error) == (
        f"This file looks like {content} but cannot be read: it may be damaged or incomplete."
    )


@pytest.mark.parametrize(("padding_boxes", "accepted"), [(10, True), (5000, False)])
def test_mp4_is_not_walked_box_by_box_forever(padding_boxes, accepted):
    """Real files have a handful of boxes before their index; thousands are only there to keep
    the server busy, and the file is refused as damaged."""
    ftyp = box(b"ftyp", b"isom", bytes(4))
    moov_and_mdat = iso_media(b"isom", (), (b"vide",))[len(ftyp) :]
    data = ftyp + box(b"free") * padding_boxes + moov_and_mdat

    if accepted:
        assert validate_upload(io.BytesIO(data), kind=MediaKind.VIDEO).format == "mp4"
    else:
        assert rejection(data, kind=MediaKind.VIDEO).code == "damaged"


def test_validated_file_is_left_at_its_start_ready_to_be_stored():
    data = pillow_bytes("JPEG")
    upload = io.BytesIO(data)
    upload.seek(0, io.SEEK_END)  # as left by whatever read it before

    result = validate_upload(upload, kind=MediaKind.PHOTO)

    assert result.size == len(data)
    assert upload.tell() == 0


def test_photo_from_a_non_seekable_stream_is_checked_too(settings):
    settings.ARCHIVE_MAX_IMAGE_PIXELS = 100
    data = pillow_bytes("PNG")  # 40 x 20

    with pytest.raises(UploadRejected) as caught:
        validate_upload(GeneratedStream(data, len(data)), kind=MediaKind.PHOTO)

    assert caught.value.code == "too_many_pixels"


# --- Pixels and decompression bombs ----------------------------------------------------------
def test_decompression_bomb_is_refused_at_once():
    bomb = png_declaring(60_000, 60_000)  # 3.6 billion pixels
    assert len(bomb) < 1024

    started = time.perf_counter()
    error = rejection(bomb, kind=MediaKind.PHOTO, claimed_name="scan.png")
    elapsed = time.perf_counter() - started

    assert error.code == "too_many_pixels"
    assert message(error) == "This image has too many pixels: at most 100 million are accepted."
    # Decoding would need 3.6 GB and many seconds; reading the header takes milliseconds.
    assert elapsed < 1.0


def test_image_over_our_pixel_limit_but_under_pillows_is_refused_by_ours():
    image = png_declaring(12_000, 10_000)  # 120 million: Pillow itself would only warn

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no DecompressionBombWarning may leak out either
        error = rejection(image, kind=MediaKind.PHOTO)

    assert error.code == "too_many_pixels"
    assert message(error) == (
        "This image has too many pixels (120 million): at most 100 million are accepted."
    )


def test_image_that_pillow_would_warn_about_is_accepted_under_our_limit():
    """90 million pixels: above Pillow's warning threshold, below our 100 million. Validation
    reads the header only, so the two rows of data present are enough."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = validate_upload(io.BytesIO(png_declaring(10_000, 9_000)), kind=MediaKind.PHOTO)

    assert result.format == "png"


def test_pixel_limit_comes_from_settings(settings):
    settings.ARCHIVE_MAX_IMAGE_PIXELS = 1200
    at_limit = pillow_bytes("PNG", two_colour_image((40, 30)))
    over_limit = pillow_bytes("PNG", two_colour_image((41, 30)))

    accepted = validate_upload(io.BytesIO(at_limit), kind=MediaKind.PHOTO)
    error = rejection(over_limit, kind=MediaKind.PHOTO)

    assert accepted.format == "png"
    assert error.code == "too_many_pixels"
    assert message(error) == (
        "This image has too many pixels (0.00123 million): at most 0.0012 million are accepted."
    )


def test_photo_with_a_valid_signature_but_no_image_is_refused_as_damaged():
    error = rejection(b"\xff\xd8\xff\xe0" + b"not really a JPEG" * 10, kind=MediaKind.PHOTO)

    assert error.code == "damaged"
    assert message(error) == (
        "This file looks like a JPEG image but cannot be read: it may be damaged or incomplete."
    )


# --- Stored names ----------------------------------------------------------------------------
def test_generated_name_owes_nothing_to_the_contributors_name():
    validated = validate_upload(
        io.BytesIO(pillow_bytes("JPEG")),
        kind=MediaKind.PHOTO,
        claimed_name="../../etc/Marthe Dupont secret.jpg",
    )

    before = timezone.now()
    name = generated_name(prefix="archive/originals", extension=validated.extension)
    after = timezone.now()

    match = re.fullmatch(r"archive/originals/(\d{4})/(\d{2})/[0-9a-f]{32}\.jpg", name)
    assert match, name
    assert (int(match[1]), int(match[2])) in {
        (before.year, before.month),
        (after.year, after.month),
    }
    assert "Marthe" not in name and "secret" not in name and ".." not in name
    assert generated_name(prefix="archive/originals", extension="jpg") != name


@pytest.mark.parametrize(
    "prefix",
    ["", "/archive", "archive/", "archive//x", "../archive", "archive/../x", "archive/./x",
     "Archive", "archive x", "archive\\x", "archivé"],
)  # fmt: skip
def test_generated_name_refuses_prefixes_that_could_escape_or_vary(prefix):
    with pytest.raises(ValueError, match="prefix"):
        generated_name(prefix=prefix, extension="jpg")


@pytest.mark.parametrize("extension", ["", ".jpg", "jp/g", "../x", "JPG", "tar.gz"])
def test_generated_name_refuses_extensions_that_are_not_ours(extension):
    with pytest.raises(ValueError, match="extension"):
        generated_name(prefix="archive/originals", extension=extension)


# --- Personal metadata -----------------------------------------------------------------------
SERIAL = "SN-4242-XYZ"
OWNER = "Marthe Dupont"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
    b'syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="'
    + OWNER.encode()
    + b'"/></rdf:RDF></x:xmpmeta>'
)


def personal_exif(
    *,
    orientation: int = 1,
    latitude=(50.0, 26.0, 0.0),
    longitude=(2.0, 50.0, 0.0),
    refs=("N", "E"),
) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Model] = "EOS 5D"
    exif[ExifTags.Base.Artist] = OWNER
    exif[ExifTags.Base.Orientation] = orientation
    details = exif.get_ifd(ExifTags.IFD.Exif)
    details[ExifTags.Base.BodySerialNumber] = SERIAL
    details[ExifTags.Base.CameraOwnerName] = OWNER
    details[ExifTags.Base.MakerNote] = b"MAKERNOTE-SECRET"
    if latitude is not None:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        if refs:
            gps[ExifTags.GPS.GPSLatitudeRef], gps[ExifTags.GPS.GPSLongitudeRef] = refs
        gps[ExifTags.GPS.GPSLatitude] = latitude
        gps[ExifTags.GPS.GPSLongitude] = longitude
    return exif.tobytes()


def photo_with_metadata(image_format: str, **exif_options) -> bytes:
    options = {"exif": personal_exif(**exif_options)}
    if image_format in ("JPEG", "WEBP"):
        options["xmp"] = XMP
    if image_format == "JPEG":
        options["comment"] = b"Taken at 12 rue des Tisserands by " + OWNER.encode()
    return pillow_bytes(image_format, **options)


def pixel_close_to(actual, expected, tolerance=30) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual[:3], expected, strict=True))


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP", "TIFF", "HEIF"])
def test_public_copy_has_no_personal_metadata_and_the_same_picture(image_format):
    original = photo_with_metadata(image_format)
    # The sample really carries what must go (else the assertions below would prove nothing).
    assert SERIAL.encode() in original and OWNER.encode() in original
    assert gps_position(io.BytesIO(original)) is not None

    clean = strip_metadata(io.BytesIO(original))

    assert SERIAL.encode() not in clean
    assert OWNER.encode() not in clean
    assert b"MAKERNOTE-SECRET" not in clean
    assert gps_position(io.BytesIO(clean)) is None
    with Image.open(io.BytesIO(clean)) as image:
        exif = image.getexif()
        assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
        assert ExifTags.Base.BodySerialNumber not in exif.get_ifd(ExifTags.IFD.Exif)
        assert (image.format, image.size) == (image_format, (40, 20))
        rgb = image.convert("RGB")
        assert pixel_close_to(rgb.getpixel((5, 10)), RED)
        assert pixel_close_to(rgb.getpixel((35, 10)), BLUE)


def test_public_jpeg_loses_comment_and_xmp_but_keeps_its_colour_profile():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    original = pillow_bytes(
        "JPEG",
        exif=personal_exif(),
        xmp=XMP,
        comment=b"Taken by " + OWNER.encode(),
        icc_profile=srgb,
    )
    with Image.open(io.BytesIO(original)) as image:
        assert {"comment", "xmp", "exif"} <= image.info.keys()

    clean = strip_metadata(io.BytesIO(original))

    with Image.open(io.BytesIO(clean)) as image:
        assert not {"comment", "xmp", "exif"} & image.info.keys()
        assert image.info["icc_profile"] == srgb


def test_public_copy_applies_the_orientation_instead_of_keeping_it():
    # Orientation 6: the camera was turned; the picture is shown turned 90° clockwise.
    original = pillow_bytes("PNG", exif=personal_exif(orientation=6))

    clean = strip_metadata(io.BytesIO(original))

    with Image.open(io.BytesIO(clean)) as image:
        assert image.size == (20, 40)
        assert ExifTags.Base.Orientation not in image.getexif()
        assert image.convert("RGB").getpixel((10, 5)) == RED  # the left edge is now on top
        assert image.convert("RGB").getpixel((10, 35)) == BLUE


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP", "TIFF", "HEIF"])
def test_gps_position_is_read_for_the_items_place(image_format):
    position = gps_position(io.BytesIO(photo_with_metadata(image_format)))

    assert position == pytest.approx((50.4333, 2.8333), abs=1e-4)


def test_gps_position_south_and_west_are_negative():
    photo = photo_with_metadata(
        "JPEG", latitude=(34.0, 36.0, 0.0), longitude=(58.0, 22.0, 12.0), refs=("S", "W")
    )

    assert gps_position(io.BytesIO(photo)) == pytest.approx((-34.6, -58.37), abs=1e-4)


@pytest.mark.parametrize(
    "exif_options",
    [
        {"latitude": None},
        {"refs": None},
        {"latitude": (0.0, 0.0, 0.0), "longitude": (0.0, 0.0, 0.0)},
        {"latitude": (95.0, 0.0, 0.0)},
    ],
    ids=["no GPS", "no hemisphere", "zero, zero: no fix", "out of range"],
)
def test_gps_position_is_none_when_there_is_no_usable_position(exif_options):
    assert gps_position(io.BytesIO(photo_with_metadata("JPEG", **exif_options))) is None
