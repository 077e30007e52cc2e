"""Menus, language switcher and hreflang links.

Everything the header and footer need is worked out once per request (`_chrome`) in a fixed
number of queries, whatever the size of the menus, so listings stay within their query budget.
"""

from django import template
from django.conf import settings
from django.utils.translation import get_language, get_language_info

from wagtail.models import Page, Site

from home.models import NavigationSettings

register = template.Library()


def _as_page(page):
    """Templates pass "" for a missing `page` (404, non-page views): treat it as no page."""
    return page if isinstance(page, Page) else None


def _localized_links(request, items, locale_id, pages_by_key):
    links = []
    for item in items:
        chosen = item.value["page"]
        if chosen is None:
            continue
        target = pages_by_key.get((chosen.translation_key, locale_id), chosen)
        if not target.live:
            continue
        links.append(
            {
                "url": target.get_url(request),
                "title": item.value["label"] or target.title,
                "active": False,
            }
        )
    return links


def _chrome(request, page):
    """Language links, home URL and menus for `page` (or for the active language)."""
    cache_key = ("fabrique_chrome", page.pk if page else None)
    cached = getattr(request, "_fabrique_chrome", None)
    if cached and cached[0] == cache_key:
        return cached[1]

    site = Site.find_for_request(request)
    current_code = get_language()
    by_language: dict[str, Page] = {}
    homes: dict[str, Page] = {}
    # One query for both the page's translations and the home pages of every language.
    keys = {site.root_page.translation_key} if site is not None else set()
    if page is not None and page.pk:
        keys.add(page.translation_key)
    candidates = Page.objects.filter(translation_key__in=keys).select_related("locale")
    for candidate in candidates:
        code = candidate.locale.language_code
        if site is not None and candidate.translation_key == site.root_page.translation_key:
            homes[code] = candidate
        if page is not None and candidate.translation_key == page.translation_key:
            if candidate.pk == page.pk:
                current_code = code
            if candidate.live:
                by_language[code] = candidate
    for code, home in homes.items():
        if home.live:
            by_language.setdefault(code, home)

    languages = []
    for code, _name in settings.LANGUAGES:
        target = by_language.get(code)
        if target is None:
            continue
        languages.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": target.get_url(request),
                "full_url": target.get_full_url(request),
                "current": code == current_code,
                "is_translation": page is not None
                and target.translation_key == page.translation_key,
            }
        )

    home = homes.get(current_code) or (site.root_page if site else None)
    locale_id = home.locale_id if home else None
    main_menu = footer_links = []
    nav = NavigationSettings.for_request(request) if site else None
    if nav is not None:
        chosen = [
            item.value["page"]
            for item in [*nav.main_menu, *nav.footer_links]
            if item.value["page"] is not None
        ]
        pages_by_key = {
            (p.translation_key, p.locale_id): p
            for p in Page.objects.live().filter(
                translation_key__in=[p.translation_key for p in chosen], locale_id=locale_id
            )
        }
        main_menu = _localized_links(request, nav.main_menu, locale_id, pages_by_key)
        footer_links = _localized_links(request, nav.footer_links, locale_id, pages_by_key)
        for link in main_menu:
            link["active"] = bool(link["url"]) and request.path.startswith(link["url"])

    chrome = {
        "languages": languages,
        "current_language": current_code,
        "home_url": (home.get_url(request) if home else None) or "/",
        "main_menu": main_menu,
        "footer_links": footer_links,
    }
    request._fabrique_chrome = (cache_key, chrome)
    return chrome


@register.simple_tag(takes_context=True)
def site_chrome(context, page=None):
    """Everything the header, footer and <head> need: `{% site_chrome page as chrome %}`."""
    return _chrome(context["request"], _as_page(page))


@register.simple_tag(takes_context=True)
def home_url(context, page=None):
    """URL of the home page in the current page's language (or the active language)."""
    return _chrome(context["request"], _as_page(page))["home_url"]
