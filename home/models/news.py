"""News articles and press releases, with tag/kind filters and an Atom feed."""

from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.http import HttpResponse
from django.utils import feedgenerator, timezone
from django.utils.translation import gettext_lazy as _

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from home.blocks import BodyBlock
from home.listings import paginate, with_renditions

FEED_SIZE = 20


class NewsIndexPage(RoutablePageMixin, Page):
    """Lists news, newest first, filterable by tag and kind, with an Atom feed at feed/."""

    intro = models.TextField(_("introduction"), blank=True, help_text=_("Shown above the list."))

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.NewsPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("news index")
        verbose_name_plural = _("news indexes")

    def news(self):
        return (
            NewsPage.objects.live()
            .public()
            .descendant_of(self)
            .prefetch_related("tags")
            .order_by("-date", "-pk")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        all_news = items = self.news()
        tag = request.GET.get("tag", "").strip()[:100]
        kind = request.GET.get("kind", "")
        if tag:
            items = items.filter(tags__slug=tag)
        if kind in NewsPage.Kind.values:
            items = items.filter(kind=kind)
        else:
            kind = ""
        page = paginate(request, with_renditions(items, "lead_image"))
        filters = {k: v for k, v in (("kind", kind), ("tag", tag)) if v}
        context.update(
            news_page=page,
            filter_query=urlencode(filters) + "&" if filters else "",
            active_tag=tag,
            active_kind=kind,
            kinds=NewsPage.Kind.choices,
            tags=NewsPageTag.used_by(all_news),
        )
        return context

    @path("feed/", name="feed")
    def feed(self, request):
        """Atom feed of the latest news in this language."""
        feed = feedgenerator.Atom1Feed(
            title=f"{settings.WAGTAIL_SITE_NAME} – {self.title}",
            link=self.get_full_url(request),
            description=self.intro,
            language=self.locale.language_code,
            feed_url=self.get_full_url(request) + "feed/",
        )
        for item in self.news()[:FEED_SIZE]:
            url = item.get_full_url(request)
            feed.add_item(
                title=item.title,
                link=url,
                unique_id=url,
                description=item.intro,
                pubdate=item.first_published_at or timezone.now(),
                updateddate=item.last_published_at,
                categories=[t.name for t in item.tags.all()],
            )
        response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
        feed.write(response, "utf-8")
        return response


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "home.NewsPage", on_delete=models.CASCADE, related_name="tagged_items"
    )

    @classmethod
    def used_by(cls, news):
        """Tags used by the given news pages, for the filter list."""
        return (
            Tag.objects.filter(home_newspagetag_items__content_object__in=news.values("pk"))
            .distinct()
            .order_by("name")
        )


class NewsPage(Page):
    """An article or a press release."""

    class Kind(models.TextChoices):
        ARTICLE = "article", _("Article")
        PRESS_RELEASE = "press", _("Press release")

    kind = models.CharField(
        _("kind"),
        max_length=16,
        choices=Kind.choices,
        default=Kind.ARTICLE,
        help_text=_("Press releases show the press contact."),
    )
    date = models.DateField(
        _("date"), default=timezone.localdate, help_text=_("Date shown and used for ordering.")
    )
    lead_image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        verbose_name=_("lead image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown in lists and at the top of the article."),
    )
    intro = models.TextField(
        _("introduction"), max_length=500, help_text=_("One paragraph summing the news up.")
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"), help_text=_("The full text."))
    tags = ClusterTaggableManager(
        through=NewsPageTag, blank=True, help_text=_("Keywords visitors can filter news by.")
    )
    press_contact_name = models.CharField(
        _("press contact"), max_length=120, blank=True, help_text=_("Name of the press contact.")
    )
    press_contact_email = models.EmailField(
        _("press contact email"), blank=True, help_text=_("Email address for journalists.")
    )
    press_contact_phone = models.CharField(
        _("press contact phone"),
        max_length=40,
        blank=True,
        help_text=_("International format, e.g. +33 3 21 00 00 00."),
    )

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("kind"), FieldPanel("date")]),
        FieldPanel("lead_image"),
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("tags"),
        MultiFieldPanel(
            [
                FieldPanel("press_contact_name"),
                FieldRowPanel(
                    [FieldPanel("press_contact_email"), FieldPanel("press_contact_phone")]
                ),
            ],
            heading=_("Press contact"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("kind"),
        index.FilterField("date"),
    ]
    parent_page_types = ["home.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")

    def search_result_date(self) -> date:
        """The date the site search shows beside this item (search.pages)."""
        return self.date

    @property
    def is_press_release(self) -> bool:
        return self.kind == self.Kind.PRESS_RELEASE

    @property
    def has_press_contact(self) -> bool:
        return self.is_press_release and bool(
            self.press_contact_name or self.press_contact_email or self.press_contact_phone
        )
