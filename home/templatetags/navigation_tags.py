"""Menus, language switcher, hreflang links and the page's description: what the <head>,
header and footer of every page need.

Everything the header and footer need is worked out once per request (`_chrome`) in a fixed
number of queries, whatever the size of the menus, so listings stay within their query budget.
"""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import strip_tags
from django.utils.translation import get_language, get_language_info

from wagtail.models import Page, Site

from home.navigation import home_pages_for, navigation_for

register = template.Library()

# The page fields that sum a page up, in order: every page type has one (home: its hero text).
SUMMARY_FIELDS = ("intro", "hero_text")
# About what search engines show of a description.
DESCRIPTION_CHARS = 160


def _as_page(page):
    """Templates pass "" for a missing `page` (404, non-page views): treat it as no page."""
    return page if isinstance(page, Page) else None


def _is_view_with_translated_urls(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name not in (None, "wagtail_serve")


def _link(page: Page, request) -> dict:
    return {
        "url": page.get_url(request),
        "full_url": page.get_full_url(request),
        "locale_id": page.locale_id,
        "live": page.live,
    }


def _chrome(request, page):
    """Language links, home URL and menus for `page` (or for the active language)."""
    cache_key = ("fabrique_chrome", page.pk if page else None)
    cached = getattr(request, "_fabrique_chrome", None)
    if cached and cached[0] == cache_key:
        return cached[1]

    site = Site.find_for_request(request)
    current_code = get_language()
    by_language: dict[str, dict] = {}
    if page is not None and page.pk:
        homes: dict[str, dict] = {}
        # One query for both the page's translations and the home pages of every language.
        keys = {page.translation_key}
        if site is not None:
            keys.add(site.root_page.translation_key)
        candidates = Page.objects.filter(translation_key__in=keys).select_related("locale")
        for candidate in candidates:
            code = candidate.locale.language_code
            if site is not None and candidate.translation_key == site.root_page.translation_key:
                homes[code] = _link(candidate, request)
            if candidate.translation_key == page.translation_key:
                if candidate.pk == page.pk:
                    current_code = code
                if candidate.live:
                    by_language[code] = {**_link(candidate, request), "is_translation": True}
    else:
        # Not a Wagtail page: the home pages are all it needs, cached with the menus.
        homes = home_pages_for(request, site) if site is not None else {}
    for code, home in homes.items():
        if home["live"]:
            by_language.setdefault(code, {**home, "is_translation": False})

    languages = []
    for code, _name in settings.LANGUAGES:
        target = by_language.get(code)
        if target is None:
            continue
        url = target["url"]
        if page is None and _is_view_with_translated_urls(request):
            # Not a Wagtail page (newsletter, registration cancel…): the same view in the
            # other language, since its URL only differs by the language prefix.
            url = translate_url(request.path, code)
        languages.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": url,
                "full_url": target["full_url"],
                "current": code == current_code,
                "is_translation": page is not None and target["is_translation"],
            }
        )

    home = homes.get(current_code)
    if home is None and site is not None:
        home = _link(site.root_page, request)
    navigation = navigation_for(request, site, home["locale_id"]) if home else {}
    main_menu = [
        {**link, "active": request.path.startswith(link["url"])}
        for link in navigation.get("main_menu", [])
    ]

    chrome = {
        "languages": languages,
        "current_language": current_code,
        "home_url": (home["url"] if home else None) or "/",
        "main_menu": main_menu,
        "navigation": navigation,
    }
    request._fabrique_chrome = (cache_key, chrome)
    return chrome


@register.simple_tag(takes_context=True)
def site_chrome(context, page=None):
    """Everything the header, footer and <head> need: `{% site_chrome page as chrome %}`."""
    return _chrome(context["request"], _as_page(page))


@register.simple_tag
def page_description(page=None) -> str:
    """The page's `<meta name="description">`: its search description, else its summary
    (introduction or hero text) as plain text, cut near DESCRIPTION_CHARS at a word."""
    page = _as_page(page)
    if page is None:
        return ""
    text = page.search_description
    for name in SUMMARY_FIELDS:
        if text:
            break
        text = strip_tags(getattr(page, name, "") or "")
    text = " ".join(text.split())
    if len(text) > DESCRIPTION_CHARS:
        text = text[: DESCRIPTION_CHARS - 1].rsplit(" ", 1)[0].rstrip(",;:.") + "…"
    return text


@register.simple_tag(takes_context=True)
def home_url(context, page=None):
    """URL of the home page in the current page's language (or the active language)."""
    return _chrome(context["request"], _as_page(page))["home_url"]
