"""Menus, language switcher and hreflang links, each resolved in a constant number of queries."""

from django import template
from django.conf import settings
from django.utils.translation import get_language, get_language_info

from wagtail.models import Locale, Page

from home.models import NavigationSettings

register = template.Library()


def _as_page(page):
    """Templates pass "" for a missing `page` (404, non-page views): treat it as no page."""
    return page if isinstance(page, Page) else None


def _current_locale(page=None):
    page = _as_page(page)
    if page is not None and page.locale_id:
        return page.locale
    try:
        return Locale.get_active()
    except Locale.DoesNotExist:
        return Locale.get_default()


def _localized_links(request, items, locale):
    """Resolve menu items (chosen in any language) to live pages in `locale` in one query,
    falling back to the chosen page when no translation exists."""
    chosen = [(item.value["page"], item.value["label"]) for item in items if item.value["page"]]
    keys = [p.translation_key for p, _label in chosen]
    localized = {
        p.translation_key: p
        for p in Page.objects.live().filter(translation_key__in=keys, locale=locale).specific(
            defer=True
        )
    }
    links = []
    for page, label in chosen:
        target = localized.get(page.translation_key, page)
        if not target.live:
            continue
        links.append({"url": target.get_url(request), "title": label or target.title, "page": target})
    return links


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context, page=None):
    request = context["request"]
    nav = NavigationSettings.for_request(request)
    locale = _current_locale(page)
    current_path = request.path
    links = _localized_links(request, nav.main_menu, locale)
    for link in links:
        link["active"] = bool(link["url"]) and current_path.startswith(link["url"])
    return {"links": links, "request": request}


@register.simple_tag(takes_context=True)
def footer_links(context, page=None):
    request = context["request"]
    nav = NavigationSettings.for_request(request)
    return _localized_links(request, nav.footer_links, _current_locale(page))


@register.simple_tag(takes_context=True)
def language_links(context, page=None):
    """One entry per site language: the translated page when it exists and is live,
    otherwise that language's home page."""
    request = context["request"]
    page = _as_page(page)
    current = page.locale.language_code if page is not None else get_language()
    by_language = {}
    if page is not None and page.pk:
        for translation in page.get_translations(inclusive=True).live().select_related("locale"):
            by_language[translation.locale.language_code] = translation
    missing = [code for code, _name in settings.LANGUAGES if code not in by_language]
    if missing:
        site = getattr(request, "_wagtail_site", None) or _site_for(request)
        if site is not None:
            root = site.root_page
            for home in root.get_translations(inclusive=True).live().select_related("locale"):
                by_language.setdefault(home.locale.language_code, home)
    links = []
    for code, _name in settings.LANGUAGES:
        target = by_language.get(code)
        if target is None:
            continue
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": target.get_url(request),
                "full_url": target.get_full_url(request),
                "current": code == current,
                "is_translation": page is not None and target.translation_key == page.translation_key,
            }
        )
    return links


def _site_for(request):
    from wagtail.models import Site

    site = Site.find_for_request(request)
    request._wagtail_site = site
    return site


@register.simple_tag(takes_context=True)
def home_url(context, page=None):
    """URL of the home page in the current page's language (or the active language)."""
    request = context["request"]
    site = getattr(request, "_wagtail_site", None) or _site_for(request)
    if site is None:
        return "/"
    locale = _current_locale(page)
    home = site.root_page.get_translations(inclusive=True).filter(locale=locale).first()
    return (home or site.root_page).get_url(request) or "/"
