"""The home page and the free-form standard page."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page, Site
from wagtail.search import index

from archive import selectors as archive_selectors
from home.blocks import BodyBlock
from home.listings import with_renditions
from home.models.events import EventPage
from home.models.news import NewsPage
from home.models.programmes import ProgrammeSession
from home.navigation import navigation_for
from home.pagecache import store as pagecache


class HomePage(Page):
    """The network's front page: hero, latest news, what's coming up, members, archive."""

    hero_title = models.CharField(
        _("hero title"), max_length=160, help_text=_("The main message, in a few words.")
    )
    hero_text = models.TextField(
        _("hero text"), blank=True, help_text=_("One or two sentences under the title.")
    )
    hero_image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A wide photograph (at least 1600 px wide)."),
    )
    hero_link = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("hero link"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Page the hero button leads to."),
    )
    hero_link_label = models.CharField(
        _("hero button label"), max_length=60, blank=True, help_text=_("Text of the hero button.")
    )
    archive_title = models.CharField(
        _("archive block title"),
        max_length=120,
        blank=True,
        help_text=_("Title of the block inviting visitors to explore the archive."),
    )
    archive_text = models.TextField(
        _("archive block text"), blank=True, help_text=_("What visitors will find in the archive.")
    )
    body = StreamField(
        BodyBlock(),
        blank=True,
        verbose_name=_("additional content"),
        help_text=_("Optional sections shown after the news and agenda."),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("hero_title"),
                FieldPanel("hero_text"),
                FieldPanel("hero_image"),
                FieldPanel("hero_link"),
                FieldPanel("hero_link_label"),
            ],
            heading=_("Hero"),
        ),
        MultiFieldPanel([FieldPanel("archive_title"), FieldPanel("archive_text")], _("Archive")),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("hero_text")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "home.StandardPage",
        "home.NewsIndexPage",
        "home.ProgrammeIndexPage",
        "home.EventIndexPage",
        "home.MemberDirectoryPage",
        "home.MapPage",
        "home.ContactPage",
    ]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        # Work out view restrictions once for both listings (each .public() costs a query).
        private = Page.objects.all().private_q()
        context["latest_news"] = with_renditions(
            NewsPage.objects.live()
            .exclude(private)
            .filter(locale_id=self.locale_id)
            .order_by("-date", "-pk"),
            "lead_image",
        )[:3]
        context["upcoming_sessions"] = sessions = list(
            ProgrammeSession.objects.upcoming(locale_id=self.locale_id, now=now)[:3]
        )
        context["upcoming_events"] = events = list(
            EventPage.objects.live()
            .exclude(private)
            .filter(locale_id=self.locale_id, end__gte=now)
            .order_by("start")[:3]
        )
        # Both lists change by themselves when the first of them ends.
        pagecache.expire_at(request, *(s.ends_at for s in sessions), *(e.end for e in events))
        context["hero_link"] = self.localized_hero_link()
        context["member_count"] = archive_selectors.member_count()
        context["sections"] = navigation_for(
            request, Site.find_for_request(request), self.locale_id
        )["sections"]
        return context

    def localized_hero_link(self):
        """The hero link's page in this page's language, in one query."""
        if not self.hero_link_id:
            return None
        candidates = Page.objects.live().filter(
            Q(pk=self.hero_link_id)
            | Q(
                translation_key__in=Page.objects.filter(pk=self.hero_link_id).values(
                    "translation_key"
                ),
                locale_id=self.locale_id,
            )
        )
        by_locale = {p.locale_id: p for p in candidates}
        return by_locale.get(self.locale_id) or next(iter(by_locale.values()), None)


class StandardPage(Page):
    """A free-form page: about, missions, partners, legal notice…"""

    intro = models.TextField(_("introduction"), blank=True, help_text=_("A short lead paragraph."))
    body = StreamField(BodyBlock(), verbose_name=_("body"), help_text=_("The page content."))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")
