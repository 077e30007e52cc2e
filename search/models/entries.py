"""Rows of the database search engine (see search.engines.database).

One `SearchEntry` per item an anonymous visitor may see, holding what the engine filters,
sorts and counts on, and the item's words reduced to their search forms
(search.engines.analysis): plain text on SQLite, plus a full-text vector with a GIN index on
PostgreSQL. `SearchFacet` rows hold the item's own trades and its tags, for filtering on
them through an index.

These rows are derived data: `search_reindex` rebuilds them from the archive at any time.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from archive.models import ArchiveItem

__all__ = ["SearchEntry", "SearchFacet"]


class SearchEntry(models.Model):
    """What the database engine knows of one visible archive item."""

    # Deleting an item deletes its entry at once, whatever the outbox does.
    item = models.OneToOneField(
        ArchiveItem,
        verbose_name=_("item"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        help_text=_("The archive item this entry describes."),
    )
    identifier = models.CharField(_("identifier"), max_length=40, help_text=_("Item identifier."))
    version = models.CharField(
        _("version"), max_length=64, help_text=_("Version of the item when it was indexed.")
    )
    kind = models.CharField(_("kind"), max_length=16, help_text=_("Kind of the item."))
    institution = models.CharField(
        _("institution"), max_length=12, help_text=_("Code of the contributing institution.")
    )
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("Country."))
    region = models.CharField(_("region"), max_length=120, blank=True, help_text=_("Region."))
    commune = models.CharField(_("commune"), max_length=120, blank=True, help_text=_("Commune."))
    region_key = models.CharField(
        _("region key"),
        max_length=120,
        blank=True,
        db_index=True,
        help_text=_("The region folded (lower case, no accents), for matching."),
    )
    commune_key = models.CharField(
        _("commune key"),
        max_length=120,
        blank=True,
        db_index=True,
        help_text=_("The commune folded (lower case, no accents), for matching."),
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True, help_text=_("Degrees."))
    longitude = models.FloatField(_("longitude"), null=True, blank=True, help_text=_("Degrees."))
    # The web-map tile holding the point at the deepest zoom; a tile at a lower zoom is these
    # divided by a power of two, so clustering needs no trigonometry per row.
    map_x = models.PositiveIntegerField(
        _("map x"), null=True, blank=True, help_text=_("Tile column at zoom 20.")
    )
    map_y = models.PositiveIntegerField(
        _("map y"), null=True, blank=True, help_text=_("Tile row at zoom 20.")
    )
    year_from = models.IntegerField(
        _("from year"), null=True, blank=True, help_text=_("First year of the item's period.")
    )
    year_to = models.IntegerField(
        _("to year"), null=True, blank=True, help_text=_("Last year of the item's period.")
    )
    sort_date = models.DateField(
        _("date"), null=True, blank=True, help_text=_("The item's date, for sorting.")
    )
    published_at = models.DateTimeField(
        _("published at"), null=True, blank=True, help_text=_("When the item was published.")
    )
    # SQLite only: PostgreSQL matches and ranks with `search_vector`, and keeps these empty so
    # that its rows stay narrow (scans read each row whole).
    title_terms = models.TextField(
        _("title terms"), blank=True, help_text=_("Search forms of the title's words (SQLite).")
    )
    terms = models.TextField(
        _("terms"), blank=True, help_text=_("Search forms of every word of the item (SQLite).")
    )
    # The values of the facets an item has several of, each set as one string (sorted values
    # joined by U+001F): facet counts group the result set by these strings, which costs far
    # less than counting value by value (search.engines.database.DatabaseEngine._facet_counts).
    trade_set = models.TextField(
        _("trades"),
        blank=True,
        help_text=_("Canonical ids of the item's trades and of every broader trade."),
    )
    decade_set = models.TextField(
        _("decades"), blank=True, help_text=_("First years of the decades the item spans.")
    )
    tag_set = models.TextField(_("tags"), blank=True, help_text=_("Slugs of the item's tags."))
    # Filled on PostgreSQL only (SQLite keeps it empty and searches `terms`). The migration
    # adds, on PostgreSQL only, its GIN index and an index in the order of "newest first"
    # (SQLite cannot index NULLS LAST).
    search_vector = SearchVectorField(
        _("search vector"),
        null=True,
        blank=True,
        help_text=_("Full-text vector of the terms (PostgreSQL)."),
    )

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        indexes = [
            models.Index(fields=["kind"], name="search_entry_kind"),
            models.Index(fields=["institution"], name="search_entry_institution"),
        ]

    def __str__(self):
        return self.identifier


class SearchFacet(models.Model):
    """One value of a many-valued filter of an entry: one of the item's own trades (its
    canonical id; a filter on a trade looks for its narrower trades too) or tags (its slug).
    Facet counts do not read these: they group the entries by their value sets."""

    class Name(models.TextChoices):
        TRADE = "trade", _("Trade")
        TAG = "tag", _("Tag")

    entry = models.ForeignKey(
        SearchEntry,
        verbose_name=_("entry"),
        on_delete=models.CASCADE,
        related_name="facets",
        help_text=_("The entry this value belongs to."),
    )
    name = models.CharField(
        _("facet"), max_length=8, choices=Name.choices, help_text=_("Which facet.")
    )
    value = models.CharField(_("value"), max_length=120, help_text=_("The facet's value."))

    class Meta:
        verbose_name = _("search facet value")
        verbose_name_plural = _("search facet values")
        indexes = [models.Index(fields=["name", "value", "entry"], name="search_facet_value")]

    def __str__(self):
        return f"{self.name}={self.value}"
