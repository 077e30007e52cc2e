"""Header and footer data: menus resolved to the visitor's language, contact and social links.

Menus change rarely and are read on every page, so the resolved links are kept in the cache
per site and language and rebuilt when navigation settings or pages change (signals connected
in HomeConfig.ready()). Cached values hold only plain data (titles and URLs).
"""

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Q

from wagtail.models import Page

from home.blocks import SOCIAL_NETWORKS
from home.models.events import EventIndexPage
from home.models.members import MemberDirectoryPage
from home.models.navigation import NavigationSettings
from home.models.news import NewsIndexPage
from home.models.programmes import ProgrammeIndexPage

# Section pages other templates link to ("all news", "the member map"), by name.
SECTION_MODELS = {
    "news": NewsIndexPage,
    "events": EventIndexPage,
    "programmes": ProgrammeIndexPage,
    "members": MemberDirectoryPage,
}

CACHE_TIMEOUT = 60 * 15
GENERATION_KEY = "fabrique:navigation:generation"


def _generation() -> int:
    return cache.get_or_set(GENERATION_KEY, 1, None)


def invalidate(**kwargs) -> None:
    """Signal receiver: forget every cached menu."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, None)


def _chosen_ids(stream) -> list[int]:
    return [block["value"]["page"] for block in stream.raw_data if block["value"].get("page")]


def _resolve(request, stream, pages_by_id, localized_by_key) -> list[dict]:
    links = []
    for block in stream.raw_data:
        chosen = pages_by_id.get(block["value"].get("page"))
        if chosen is None:
            continue
        target = localized_by_key.get(chosen.translation_key, chosen)
        if not target.live:
            continue
        url = target.get_url(request)
        if url:
            links.append({"url": url, "title": block["value"].get("label") or target.title})
    return links


def navigation_for(request, site, locale_id) -> dict:
    key = f"fabrique:navigation:{_generation()}:{site.pk}:{locale_id}"
    data = cache.get(key)
    if data is not None:
        return data
    nav = NavigationSettings.for_site(site)
    ids = _chosen_ids(nav.main_menu) + _chosen_ids(nav.footer_links)
    # One query for the chosen pages and their versions in this language.
    pages = Page.objects.filter(
        Q(pk__in=ids)
        | Q(
            translation_key__in=Page.objects.filter(pk__in=ids).values("translation_key"),
            locale_id=locale_id,
        )
    )
    pages_by_id = {p.pk: p for p in pages}
    localized_by_key = {p.translation_key: p for p in pages if p.locale_id == locale_id}
    section_types = ContentType.objects.get_for_models(*SECTION_MODELS.values())
    sections = {}
    for section in (
        Page.objects.live()
        .filter(locale_id=locale_id, content_type__in=section_types.values())
        .order_by("path")
    ):
        for name, model in SECTION_MODELS.items():
            if section.content_type_id == section_types[model].pk and name not in sections:
                sections[name] = section.get_url(request)
    data = {
        "sections": sections,
        "main_menu": _resolve(request, nav.main_menu, pages_by_id, localized_by_key),
        "footer_links": _resolve(request, nav.footer_links, pages_by_id, localized_by_key),
        "contact_address": nav.contact_address,
        "contact_email": nav.contact_email,
        "contact_phone": nav.contact_phone,
        "social_links": [
            {
                "label": SOCIAL_NETWORKS.get(b["value"]["network"], b["value"]["network"]),
                "url": b["value"]["url"],
            }
            for b in nav.social_links.raw_data
        ],
    }
    cache.set(key, data, CACHE_TIMEOUT)
    return data


def home_pages_for(request, site) -> dict[str, dict]:
    """The home page of each language of `site` (its root page's translations): URL, full URL,
    locale and whether it is live, by language code. Cached with the menus, so that pages
    which are not Wagtail pages (archive, search) spend no query on their language links."""
    key = f"fabrique:home-pages:{_generation()}:{site.pk}"
    data = cache.get(key)
    if data is not None:
        return data
    data = {
        home.locale.language_code: {
            "url": home.get_url(request),
            "full_url": home.get_full_url(request),
            "locale_id": home.locale_id,
            "live": home.live,
        }
        for home in Page.objects.filter(
            translation_key=site.root_page.translation_key
        ).select_related("locale")
    }
    cache.set(key, data, CACHE_TIMEOUT)
    return data
