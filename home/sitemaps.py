from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page, Site


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
