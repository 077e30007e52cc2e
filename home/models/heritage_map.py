"""The heritage map: members, event sites and archive items on one map, with a plain list."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Locale, Page
from wagtail.search import index

from archive import selectors as archive_selectors
from home.models.events import EventPage, EventSite

# Northern France, Wallonia and Luxembourg: where the network's members are.
DEFAULT_BOUNDS = [[49.4, 2.0], [51.1, 6.5]]


class MapPage(Page):
    """One public map of the network's heritage. The map reads the open API's GeoJSON
    (/api/v1/map/); the page itself lists members and event sites, and places of archive
    items, so that nothing depends on JavaScript or on the tile server."""

    LAYERS = ("members", "sites", "items")

    intro = models.TextField(
        _("introduction"), blank=True, help_text=_("Shown above the map and the list.")
    )
    show_members = models.BooleanField(
        _("members shown"),
        default=True,
        help_text=_("Show member institutions when the page opens (visitors can change it)."),
    )
    show_sites = models.BooleanField(
        _("event sites shown"),
        default=True,
        help_text=_("Show the sites of current and coming events when the page opens."),
    )
    show_items = models.BooleanField(
        _("archive items shown"),
        default=True,
        help_text=_("Show the places of archive items when the page opens."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("show_members"), FieldPanel("show_sites"), FieldPanel("show_items")],
            heading=_("Layers shown when the page opens"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("heritage map")
        verbose_name_plural = _("heritage maps")

    @property
    def default_layers(self) -> list[str]:
        shown = (self.show_members, self.show_sites, self.show_items)
        return [layer for layer, on in zip(self.LAYERS, shown, strict=True) if on]

    def trades(self) -> list:
        """The vocabulary (rows of the default locale, as members and items use), labelled in
        this page's language."""
        return list(
            archive_selectors.trades_labelled(locale_id=self.locale_id)
            .filter(locale=Locale.get_default())
            .order_by("label")
        )

    def event_sites(self) -> list[EventSite]:
        """Sites of this language's live events that have not ended."""
        events = (
            EventPage.objects.live()
            .public()
            .filter(locale_id=self.locale_id, end__gte=timezone.now())
        )
        return list(
            EventSite.objects.filter(page__in=events)
            .select_related("page")
            .order_by("page__start", "page_id", "sort_order")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        layers = [layer for layer in request.GET.getlist("layer") if layer in self.LAYERS]
        layers = layers or self.default_layers
        trades = self.trades()
        trade = next((t for t in trades if t.slug == request.GET.get("trade")), None)
        chosen = _with_narrower(trade, trades) if trade else set()

        members = sites = regions = []
        if "members" in layers:
            members = list(archive_selectors.members_for_directory(locale_id=self.locale_id))
            if trade:
                members = [m for m in members if chosen & {t.pk for t in m.trades.all()}]
        if "sites" in layers and not trade:
            # Event sites carry no trade: a trade filter leaves none of them.
            sites = self.event_sites()
        if "items" in layers:
            regions = archive_selectors.public_item_counts_by_region(
                trade_ids=sorted(chosen) or None
            )
        context.update(
            layers=layers,
            trades=trades,
            active_trade=trade,
            map_members=members,
            map_sites=sites,
            item_regions=regions,
            map_tile_url=settings.MAP_TILE_URL,
            map_tile_attribution=settings.MAP_TILE_ATTRIBUTION,
            map_config={
                "bounds": _bounds([*members, *sites]),
                "labels": {
                    "cluster": gettext("Group of %(count)s places: zoom in"),
                    "items": gettext("Archive items here: %(count)s. Zoom in"),
                    "status": gettext("Places on the map: %(count)s"),
                    "error": gettext("The map could not load its places; they are listed below."),
                },
            },
        )
        return context


def _bounds(places) -> list[list[float]]:
    """[[south, west], [north, east]] around the places that have a position; the network's
    area (northern France to Luxembourg) when none has."""
    points = [(float(p.latitude), float(p.longitude)) for p in places if p.has_location]
    if not points:
        return DEFAULT_BOUNDS
    lats, lngs = zip(*points, strict=True)
    return [[min(lats), min(lngs)], [max(lats), max(lngs)]]


def _with_narrower(trade, trades) -> set[int]:
    """The trade's id and those of every trade under it."""
    ids = {trade.pk}
    grew = True
    while grew:
        narrower = {t.pk for t in trades if t.parent_id in ids} - ids
        ids |= narrower
        grew = bool(narrower)
    return ids
