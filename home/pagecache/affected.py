"""Which URL paths show what a change touched, in every language.

Each function returns the set of paths whose cached page would be stale after the change: the
thing's own page in every language (translations and alias pages), the listings that show it
(parent index, the home pages, the archive list, related items) and, for what the header or
footer shows (menus, sections), every page of the site.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import translation

from wagtail.models import Page

from archive.models import ArchiveItem, Member
from home.models import HomePage, MemberDirectoryPage, NavigationSettings
from home.navigation import SECTION_MODELS


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def page_paths(pages: Iterable[Page]) -> set[str]:
    paths = set()
    for page in pages:
        parts = page.get_url_parts()
        if parts and parts[2]:
            paths.add(parts[2])
    return paths


def versions(page: Page):
    """The page in every language: its translations and the aliases of any of them."""
    key = page.translation_key
    return Page.objects.filter(Q(translation_key=key) | Q(alias_of__translation_key=key))


def home_paths() -> set[str]:
    return page_paths(HomePage.objects.all())


def in_site_chrome(page: Page) -> bool:
    """Shown on every page: chosen in a menu, or a section other templates link to."""
    if issubclass(page.specific_class, tuple(SECTION_MODELS.values())):
        return True
    chosen = set()
    for nav in NavigationSettings.objects.all():
        for stream in (nav.main_menu, nav.footer_links):
            chosen.update(b["value"].get("page") for b in stream.raw_data)
    chosen.discard(None)
    return Page.objects.filter(pk__in=chosen, translation_key=page.translation_key).exists()


def for_page(page: Page) -> set[str]:
    """Publish, unpublish, delete: the page and its listings (parent, home pages)."""
    if in_site_chrome(page):
        return everything()
    paths = page_paths(versions(page)) | home_paths()
    parent = page.get_parent()
    if parent is not None and not parent.is_root():
        paths |= page_paths(versions(parent))
    return paths


def for_subtree(page: Page) -> set[str]:
    """A move or a new slug: every page below changes URL too."""
    pages = Page.objects.descendant_of(page, inclusive=True)
    keys = pages.values("translation_key")
    paths = page_paths(
        Page.objects.filter(Q(translation_key__in=keys) | Q(alias_of__translation_key__in=keys))
    )
    return paths | for_page(page)


def archive_list_paths() -> set[str]:
    paths = set()
    for code in _languages():
        with translation.override(code):
            paths.add(reverse("archive:list"))
    return paths


def item_paths(identifiers: Iterable[str]) -> set[str]:
    paths = set()
    for code in _languages():
        with translation.override(code):
            paths.update(reverse("archive:detail", args=[i]) for i in identifiers)
    return paths


def for_items(item_ids: Iterable[int]) -> set[str]:
    """An item published, changed, withdrawn or erased: its page, the archive list and the
    published items that may list it among their related items (same trade or commune)."""
    items = list(ArchiveItem.objects.filter(pk__in=list(item_ids)).prefetch_related("trades"))
    if not items:
        return set()
    related = Q()
    trade_keys = {t.translation_key for item in items for t in item.trades.all()}
    if trade_keys:
        related |= Q(trades__translation_key__in=trade_keys)
    for commune in {item.commune.lower() for item in items if item.commune}:
        related |= Q(commune__iexact=commune)
    identifiers = {item.identifier for item in items}
    if related:
        identifiers.update(
            ArchiveItem.objects.filter(status=ArchiveItem.Status.PUBLISHED)
            .filter(related)
            .values_list("identifier", flat=True)
            .distinct()
        )
    return item_paths(identifiers) | archive_list_paths()


def for_member(member: Member) -> set[str]:
    """The directory, the home pages (member count) and the institution's items."""
    identifiers = ArchiveItem.objects.filter(
        institution__member=member, status=ArchiveItem.Status.PUBLISHED
    ).values_list("identifier", flat=True)
    return (
        page_paths(MemberDirectoryPage.objects.all())
        | home_paths()
        | archive_list_paths()
        | item_paths(identifiers)
    )


def for_slot_page(page: Page) -> set[str]:
    """Seats taken or freed: the page of the session or site in every language (the only
    cached pages that show seats left)."""
    return page_paths(versions(page))


def everything() -> set[str]:
    """Menus, footer, sections: every page of the site, the archive's included."""
    pages = Page.objects.filter(depth__gt=1).live()
    identifiers = ArchiveItem.objects.filter(status=ArchiveItem.Status.PUBLISHED).values_list(
        "identifier", flat=True
    )
    return page_paths(pages) | archive_list_paths() | item_paths(identifiers)
