"""Member institutions, the shared image model, the trade vocabulary and map positions.

These live in `archive` because archive items belong to member institutions and reuse the
same images and trades; `home` reads them through `archive.selectors`.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.models import TranslatableMixin
from wagtail.search import index

from archive.formats import MediaKind
from archive.renditions import PrivateFilter
from archive.storage import generated_name_for


class CustomImage(AbstractImage):
    """Every image carries its credit and a real text alternative, from day one."""

    alt_text = models.CharField(
        _("alternative text"),
        max_length=255,
        blank=True,
        help_text=_("Describe the image for people who cannot see it. Leave empty if decorative."),
    )
    credit = models.CharField(
        _("credit"),
        max_length=255,
        blank=True,
        help_text=_("Photographer or rights holder, shown under the image."),
    )

    admin_form_fields = (*Image.admin_form_fields, "alt_text", "credit")

    search_fields = [*AbstractImage.search_fields, index.SearchField("credit")]

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")

    @property
    def default_alt_text(self):
        return self.alt_text

    def get_upload_to(self, filename):
        # Generated names, as for every file of the archive: Wagtail's would keep the
        # contributor's file name, and its renditions derive theirs from it. The name the
        # contributor gave stays in the title.
        return generated_name_for(filename, prefix="original_images", kind=MediaKind.PHOTO)

    def generate_rendition_file(self, filter, *, source=None):
        # Renditions are public, originals private: no rendition carries the photo's EXIF
        # (GPS, serial numbers), XMP or comments. See archive/renditions.py.
        return super().generate_rendition_file(PrivateFilter.of(filter), source=source)


class CustomRendition(AbstractRendition):
    image = models.ForeignKey(CustomImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)

    def get_upload_to(self, filename):
        # Public URLs that cannot be guessed from anything, not even an image stored under
        # its contributor's file name before originals got generated names. The filter spec
        # stays in the name, as Wagtail writes it (`.fill-80x60.jpg`), within the field's
        # length.
        name = generated_name_for(filename, prefix="images", kind=MediaKind.PHOTO)
        stem, extension = name.rsplit(".", 1)
        room = self._meta.get_field("file").max_length - len(name) - 1
        spec = re.sub(r"[^a-z0-9-]+", ".", self.filter_spec.lower())[: max(room, 0)].strip(".")
        return f"{stem}.{spec}.{extension}" if spec else name


class Trade(TranslatableMixin, models.Model):
    """A trade (métier) of the shared vocabulary, e.g. Textile > Weaver.

    Labels are translated with wagtail-localize: each locale has its own row sharing a
    translation_key, and `parent` points to the row of the same locale.
    """

    name = models.CharField(_("name"), max_length=120, help_text=_("Label of the trade."))
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        help_text=_("Stable identifier used in URLs and imports, the same in every language."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("broader trade"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("The broader trade this one belongs to, e.g. Textile for Weaver."),
    )
    aat_id = models.CharField(
        _("AAT id"),
        max_length=32,
        blank=True,
        help_text=_("Getty Art & Architecture Thesaurus identifier, if known."),
    )
    wikidata_id = models.CharField(
        _("Wikidata id"), max_length=32, blank=True, help_text=_("For example Q1371925.")
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("parent"),
        FieldRowPanel([FieldPanel("aat_id"), FieldPanel("wikidata_id")]),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("trade")
        verbose_name_plural = _("trades")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "locale"], name="unique_trade_slug_locale")
        ]

    def __str__(self):
        return f"{self.parent.name} > {self.name}" if self.parent_id else self.name


class Located(models.Model):
    """A point on the map (members, event sites, archive items): both coordinates or neither,
    each within its range, so that every map can trust them."""

    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("Decimal degrees (WGS84), e.g. 50.4986. Needed to appear on the map."),
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("Decimal degrees (WGS84), e.g. 2.5478."),
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError({"longitude": _("Give both latitude and longitude, or neither.")})
        if self.latitude is not None and not -90 <= self.latitude <= 90:
            raise ValidationError({"latitude": _("Latitude is between -90 and 90.")})
        if self.longitude is not None and not -180 <= self.longitude <= 180:
            raise ValidationError({"longitude": _("Longitude is between -180 and 180.")})

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class Member(Located, ClusterableModel):
    """A member institution of the network, shown in the directory and on the map."""

    class Kind(models.TextChoices):
        MUSEUM = "museum", _("Museum")
        ASSOCIATION = "association", _("Association")
        COMPANY = "company", _("Company")
        SCHOOL = "school", _("School")
        NETWORK = "network", _("Network")

    class Country(models.TextChoices):
        FRANCE = "FR", _("France")
        BELGIUM = "BE", _("Belgium")
        LUXEMBOURG = "LU", _("Luxembourg")
        GERMANY = "DE", _("Germany")
        NETHERLANDS = "NL", _("Netherlands")

    name = models.CharField(_("name"), max_length=200, help_text=_("Official name."))
    slug = models.SlugField(
        _("slug"), max_length=200, unique=True, help_text=_("Used in the directory's anchors.")
    )
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.MUSEUM,
        help_text=_("What sort of structure this member is."),
    )
    address = models.CharField(
        _("address"), max_length=255, blank=True, help_text=_("Street and number.")
    )
    postcode = models.CharField(_("postcode"), max_length=16, blank=True, help_text=_("Postcode."))
    commune = models.CharField(
        _("commune"), max_length=120, help_text=_("Town or commune, e.g. Bruay-la-Buissière.")
    )
    region = models.CharField(
        _("region"),
        max_length=120,
        help_text=_("Region or province, e.g. Hauts-de-France, Wallonie, Luxembourg."),
    )
    country = models.CharField(
        _("country"),
        max_length=2,
        choices=Country.choices,
        default=Country.FRANCE,
        help_text=_("Country of the main site."),
    )
    website = models.URLField(_("website"), blank=True, help_text=_("Full address, https://…"))
    logo = models.ForeignKey(
        CustomImage,
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Square or landscape logo, shown in the directory."),
    )
    trades = ParentalManyToManyField(
        Trade,
        verbose_name=_("trades represented"),
        blank=True,
        related_name="members",
        help_text=_("Trades whose heritage this member keeps or shows."),
    )
    description = models.TextField(
        _("short description"),
        max_length=600,
        blank=True,
        help_text=_("Two or three sentences for the directory."),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("slug"), FieldPanel("kind"), FieldPanel("logo")],
            heading=_("Identity"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("postcode"), FieldPanel("commune")]),
                FieldRowPanel([FieldPanel("region"), FieldPanel("country")]),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            heading=_("Location"),
        ),
        FieldPanel("website"),
        FieldPanel("trades"),
        FieldPanel("description"),
    ]

    search_fields = [
        index.SearchField("name"),
        index.SearchField("description"),
        index.AutocompleteField("name"),
        index.FilterField("kind"),
        index.FilterField("region"),
    ]

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["name"]

    def __str__(self):
        return self.name
