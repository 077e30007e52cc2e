"""Archive items as the open API gives them: a summary in lists, the full public record
alone. Built from what archive.selectors returns (relations prefetched), in a fixed number of
queries per page."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from urllib.parse import urlencode

from django.urls import reverse

from archive.models import ArchiveItem
from archive.templatetags.archive_tags import lead_image
from opendata.api.selectors import SUMMARY_FIELDS, THUMBNAIL
from opendata.identifiers import oai_identifier

# The renditions the public pages already make (search results, item page), so that the API
# rarely has to make one.
RENDITIONS = {"thumbnail": THUMBNAIL, "display": "max-960x720", "large": "max-2400x2400"}
STEP_IMAGE = "max-800x600"

Absolute = Callable[[str], str]


def full_url(url: str, absolute: Absolute) -> str:
    """A storage URL as a full URL: S3's already are, local media's are paths."""
    return url if "://" in url else absolute(url)


def _rendition_url(image, spec: str, absolute: Absolute) -> str:
    return full_url(image.get_rendition(spec).url, absolute)


def _date(row: dict) -> dict:
    exact = row["date"]
    return {
        # The item page's wording ("c. 1950–1960"), from the model's one rule.
        "display": str(ArchiveItem.date_display.fget(SimpleNamespace(**row))),
        "date": exact.isoformat() if exact else None,
        "year_from": row["year_from"] or (exact.year if exact else None),
        "year_to": row["year_to"] or (exact.year if exact else None),
        "approximate": row["date_approximate"],
    }


def _coordinate(value) -> float | None:
    return float(value) if value is not None else None


def item_links(identifier: str, absolute: Absolute) -> dict:
    return {
        "self": absolute(reverse("api:item", args=[identifier])),
        "html": absolute(reverse("archive:detail", args=[identifier])),
    }


def summary(row: dict, absolute: Absolute) -> dict:
    """What a list shows of an item, from a row of selectors.items_summarised."""
    return {
        "identifier": row["identifier"],
        "kind": row["kind"],
        "title": row["title"],
        "summary": row["summary"],
        "date": _date(row),
        "place": {
            "name": row["place_name"],
            "commune": row["commune"],
            "region": row["region"],
            "country": row["country"],
            "latitude": _coordinate(row["latitude"]),
            "longitude": _coordinate(row["longitude"]),
            "geonames_id": row["geonames_id"],
            "wikidata_id": row["wikidata_id"],
        },
        "trades": row["trades"],
        "institution": {
            "code": row["institution__code"],
            "name": row["institution__member__name"],
            "website": row["institution__member__website"],
        },
        "rights": {"code": row["rights"], "uri": ArchiveItem.RIGHTS_URIS.get(row["rights"], "")},
        "thumbnail": full_url(row["thumbnail"], absolute) if row["thumbnail"] else None,
        "links": item_links(row["identifier"], absolute),
    }


def _row(item: ArchiveItem, absolute: Absolute) -> dict:
    """An item read whole (archive.selectors.item_for_visitor) as a row of the same shape."""
    row = {field: getattr(item, field) for field in SUMMARY_FIELDS if "__" not in field}
    picture = lead_image(item)
    member = item.institution.member
    row.update(
        institution__code=item.institution.code,
        institution__member__name=member.name,
        institution__member__website=member.website,
        trades=[
            {
                "slug": trade.slug,
                "label": getattr(trade, "label", trade.name),
                "aat_id": trade.aat_id,
                "wikidata_id": trade.wikidata_id,
            }
            for trade in item.trades.all()
        ],
        thumbnail=picture.get_rendition(THUMBNAIL).url if picture else None,
    )
    return row


def _image(image, caption: str, absolute: Absolute) -> dict:
    return {
        "caption": caption,
        "alt": image.alt_text,
        "credit": image.credit,
        "width": image.width,
        "height": image.height,
        "renditions": {
            name: _rendition_url(image, spec, absolute) for name, spec in RENDITIONS.items()
        },
    }


def _media(item: ArchiveItem, absolute: Absolute, timed: bool) -> dict | None:
    if item.media is None or item.media.kind not in ("audio", "video"):
        return None
    return {
        "kind": item.media.kind,
        "mime": item.media.mime,
        "duration_seconds": item.media.duration_seconds,
        "url": absolute(reverse("archive:media", args=[item.identifier])),
        "captions": absolute(reverse("archive:captions", args=[item.identifier]))
        if timed
        else None,
    }


def item_record(item: ArchiveItem, absolute: Absolute) -> dict:
    """The full public record of an item (archive.selectors.item_for_visitor's answer)."""
    segments = list(item.segments.all())
    timed = any(segment.start_ms is not None for segment in segments)
    record = summary(_row(item, absolute), absolute)
    record.update(
        description=item.description,
        inventory_number=item.inventory_number,
        credit_line=item.credit_line,
        tags=sorted(tag.slug for tag in item.tags.all()),
        images=[_image(photo.image, photo.caption, absolute) for photo in item.images.all()],
        media=_media(item, absolute, timed),
        oral_history=_oral_history(item, segments),
        savoir_faire=_savoir_faire(item, absolute),
        published_at=item.published_at,
        modified_at=item.updated_at,
    )
    record["rights"]["label"] = str(item.get_rights_display())
    oai = f"{reverse('oai:endpoint')}?" + urlencode(
        {
            "verb": "GetRecord",
            "metadataPrefix": "oai_dc",
            "identifier": oai_identifier(item.identifier),
        }
    )
    record["links"].update(
        {
            "iiif:manifest": absolute(reverse("iiif:manifest", args=[item.identifier])),
            "oai": absolute(oai),
        }
    )
    return record


def _oral_history(item: ArchiveItem, segments) -> dict | None:
    if item.kind != ArchiveItem.Kind.ORAL_HISTORY:
        return None
    return {
        "narrators": item.narrators,
        "interviewers": item.interviewers,
        "recording_date": item.recording_date.isoformat() if item.recording_date else None,
        "recording_place": item.recording_place,
        "language": item.language,
        "transcript": [
            {
                "speaker": segment.speaker,
                "start": segment.start_ms / 1000 if segment.start_ms is not None else None,
                "end": segment.end_ms / 1000 if segment.end_ms is not None else None,
                "text": segment.text,
            }
            for segment in segments
        ],
    }


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _savoir_faire(item: ArchiveItem, absolute: Absolute) -> dict | None:
    if item.kind != ArchiveItem.Kind.SAVOIR_FAIRE:
        return None
    steps = []
    for number, step in enumerate(item.steps.all(), start=1):
        video = None
        if step.media is not None and step.media.kind == "video":
            video = absolute(reverse("archive:step_media", args=[item.identifier, step.pk]))
        steps.append(
            {
                "number": number,
                "text": step.text,
                "image": _image(step.image, "", absolute) if step.image else None,
                "video": video,
            }
        )
    return {
        "techniques": _lines(item.techniques),
        "materials": _lines(item.materials),
        "tools": _lines(item.tools),
        "steps": steps,
    }
