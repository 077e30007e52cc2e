"""sitemap.xml: an index of two sections, the pages of every language and the public archive
items in every language, each split into files within the protocol's limits (50,000 URLs
per file), so that a large archive never makes one huge, slow response."""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.db.models import Max
from django.urls import reverse
from django.utils import translation

from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page, Site

from archive import selectors as archive_selectors

# Each item is listed once per language, with the other languages as alternates: 2,000
# items make 10,000 URLs, a file of a few megabytes that renders in well under a second.
ITEMS_PER_SITEMAP = 2_000


class AllLocalesSitemap(Sitemap):
    """Wagtail's sitemap lists the active language's tree only; ours lists every language's
    live, public pages so that search engines find all translations."""

    def items(self):
        site = Site.find_for_request(self.request)
        roots = site.root_page.get_translations(inclusive=True)
        query = Page.objects.none()
        for root in roots:
            query = query | Page.objects.descendant_of(root, inclusive=True)
        return query.live().public().order_by("path").defer_streamfields().specific()

    def get_latest_lastmod(self):
        # Django's default reads every page; one aggregate gives the same answer.
        return self.items().aggregate(latest=Max("last_published_at"))["latest"]


class ArchiveItemSitemap(DjangoSitemap):
    """Public archive items (exactly those anonymous visitors may open), one URL per item
    and language, each naming its translations as alternates (hreflang)."""

    limit = ITEMS_PER_SITEMAP

    def __init__(self, request=None):
        self.request = request

    def items(self):
        return (
            archive_selectors.items_viewable_by(user=AnonymousUser())
            .order_by("pk")
            .values_list("identifier", "updated_at", named=True)
        )

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("updated_at"))["latest"]

    def _urls(self, page, protocol, domain):
        # One reverse per language, not per URL: identifiers are plain [A-Za-z0-9._-].
        placeholder = "__identifier__"
        # The same host as the pages' URLs: the Wagtail site's, else the request's.
        site = Site.find_for_request(self.request) if self.request else None
        base = site.root_url if site else f"{protocol}://{domain}"
        patterns = {}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                patterns[code] = base + reverse("archive:detail", args=[placeholder])
        urls = []
        latest = None
        for row in self.paginator.page(page).object_list:
            alternates = [
                {"location": pattern.replace(placeholder, row.identifier), "lang_code": code}
                for code, pattern in patterns.items()
            ]
            for alternate in alternates:
                urls.append(
                    {
                        "item": row,
                        "location": alternate["location"],
                        "lastmod": row.updated_at,
                        "changefreq": None,
                        "priority": "",
                        "alternates": alternates,
                    }
                )
            latest = max(latest, row.updated_at) if latest else row.updated_at
        if latest:
            self.latest_lastmod = latest
        return urls


def sitemaps(request) -> dict:
    return {"pages": AllLocalesSitemap(request), "items": ArchiveItemSitemap(request)}
