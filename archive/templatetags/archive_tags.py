"""Small filters for the public archive pages: transcript times and one-per-line lists."""

from django import template
from django.utils.translation import get_language_info

from archive import structured_data
from archive.transcripts import format_timestamp

register = template.Library()


@register.filter
def seconds(ms: int | None) -> str:
    """Milliseconds as seconds for markup and JavaScript: 83500 -> "83.5", 83000 -> "83"."""
    if ms is None:
        return ""
    whole, millis = divmod(int(ms), 1000)
    return f"{whole}.{millis:03d}".rstrip("0").rstrip(".")


@register.filter
def whole_seconds(ms: int | None) -> str:
    """The second a `?t=` link starts at: rounded down, so it is never after the words."""
    return "" if ms is None else str(int(ms) // 1000)


@register.filter
def timestamp(ms: int | None) -> str:
    """ "01:23" (or "1:01:23" past an hour) for display."""
    return "" if ms is None else format_timestamp(int(ms))


@register.filter
def lines(text: str) -> list[str]:
    """The non-empty lines of a "one per line" field."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@register.filter
def lead_image(item):
    """The picture that stands for an item in a list: its first photo, else the first image
    of its savoir-faire steps, else None. Reads the prefetched relations only."""
    for photo in item.images.all():
        return photo.image
    for step in item.steps.all():
        if step.image is not None:
            return step.image
    return None


@register.filter
def language_name(code: str) -> str:
    """The language's name in the visitor's language ("polonais" for "pl"), else the code."""
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return code


@register.filter
def duration(total_seconds: int | None) -> str:
    """A recording's length, "MM:SS" or "H:MM:SS"."""
    return "" if total_seconds is None else format_timestamp(int(total_seconds) * 1000)


@register.simple_tag(takes_context=True)
def item_json_ld(context, item):
    """The item page's schema.org block, for search engines."""
    request = context["request"]
    url = context.get("canonical_url") or request.build_absolute_uri(request.path)
    return structured_data.json_ld_script(structured_data.item_json_ld(item, url=url))
