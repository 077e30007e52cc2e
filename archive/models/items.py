"""Archive items contributed by member institutions, and what they are made of.

An item is a photo, an oral history or a savoir-faire record. It belongs to one institution,
moves through moderation (draft → submitted → published, or rejected / withdrawn) and is shown
to the public only when published, public and not under embargo. The rules for moving between
statuses live in archive.services; the read rules in archive.selectors.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.models import Orderable
from wagtail.search import index

from archive.models.base import CustomImage, Located, Member, Trade


class Institution(models.Model):
    """A member institution that contributes to the archive: its code, collection and group."""

    member = models.OneToOneField(
        Member,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="institution",
        help_text=_("The member of the network this institution is."),
    )
    code = models.CharField(
        _("code"),
        max_length=12,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Z0-9]{2,12}$", _("Use 2 to 12 capital letters or digits, e.g. CMSH.")
            )
        ],
        help_text=_("Short code used in item identifiers, e.g. CMSH in FAB-CMSH-0042."),
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        verbose_name=_("collection"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Collection holding this institution's images and documents."),
    )
    group = models.OneToOneField(
        "auth.Group",
        verbose_name=_("contributor group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Group of this institution's contributors."),
    )
    next_number = models.PositiveIntegerField(
        _("next item number"),
        default=1,
        editable=False,
        help_text=_("Number given to the next item's identifier."),
    )

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["code"]

    def __str__(self):
        return f"{self.member.name} ({self.code})"

    @property
    def storage_prefix(self) -> str:
        """Per-institution prefix of stored files (lower case, safe for object keys)."""
        return f"archive/{self.code.lower()}"


class Contributor(models.Model):
    """Ties a user account to the one institution it contributes for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="contributor",
        help_text=_("The contributor's account."),
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="contributors",
        help_text=_("The institution this account contributes for."),
    )

    class Meta:
        verbose_name = _("contributor")
        verbose_name_plural = _("contributors")

    def __str__(self):
        return f"{self.user} – {self.institution.code}"


class MediaFile(models.Model):
    """An original file (audio, video, photo, document) stored privately under a generated
    name, with what validation found in its bytes."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        AUDIO = "audio", _("Audio")
        VIDEO = "video", _("Video")
        DOCUMENT = "document", _("Document")

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="media_files",
        help_text=_("Owner of the file."),
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind.choices, help_text=_("Detected from the content.")
    )
    key = models.CharField(
        _("storage key"),
        max_length=255,
        unique=True,
        help_text=_("Generated name in the storage; never the uploaded file's name."),
    )
    original_name = models.CharField(
        _("original name"),
        max_length=255,
        blank=True,
        help_text=_("Name of the uploaded file, kept for the contributor's reference only."),
    )
    mime = models.CharField(_("type"), max_length=100, help_text=_("Detected from the content."))
    size = models.PositiveBigIntegerField(_("size"), help_text=_("In bytes."))
    sha256 = models.CharField(
        _("SHA-256"), max_length=64, db_index=True, help_text=_("Checksum of the content.")
    )
    duration_seconds = models.PositiveIntegerField(
        _("duration"), null=True, blank=True, help_text=_("Length of a recording, in seconds.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Who uploaded the file."),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("media file")
        verbose_name_plural = _("media files")

    def __str__(self):
        return self.original_name or self.key


class ArchiveItemTag(TaggedItemBase):
    content_object = ParentalKey(
        "archive.ArchiveItem", on_delete=models.CASCADE, related_name="tagged_items"
    )

    class Meta:
        verbose_name = _("item tag")
        verbose_name_plural = _("item tags")


class ArchiveItemQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ArchiveItem.Status.PUBLISHED)

    def public(self, *, now=None, access=None):
        """What anonymous visitors may see: published and public; for oral histories, also a
        consent that covers the public web, is not withdrawn and whose embargo has ended.
        `access=MEMBERS` applies the same rules to members-only items. An embargo ends at
        midnight in the site's time zone (TIME_ZONE), not in UTC."""
        today = timezone.localdate(now)
        return self.published().filter(
            Q(access=access or ArchiveItem.Access.PUBLIC)
            & (
                ~Q(kind=ArchiveItem.Kind.ORAL_HISTORY)
                | (
                    Q(
                        consent__scope=Consent.Scope.PUBLIC_WEB,
                        consent__withdrawn_at__isnull=True,
                    )
                    & (
                        Q(consent__embargo_until__isnull=True)
                        | Q(consent__embargo_until__lte=today)
                    )
                )
            )
        )

    def for_institution(self, institution):
        return self.filter(institution=institution)


class ArchiveItem(index.Indexed, Located, ClusterableModel):
    """A photo, an oral history or a savoir-faire record contributed by a member."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        ORAL_HISTORY = "oral_history", _("Oral history")
        SAVOIR_FAIRE = "savoir_faire", _("Savoir-faire")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Access(models.TextChoices):
        PUBLIC = "public", _("Public")
        MEMBERS = "members", _("Members only")
        RESTRICTED = "restricted", _("Restricted")

    class Rights(models.TextChoices):
        CC_BY = "cc-by-4.0", "CC BY 4.0"
        CC_BY_SA = "cc-by-sa-4.0", "CC BY-SA 4.0"
        CC0 = "cc0-1.0", "CC0 1.0"
        IN_COPYRIGHT = "inc", _("In Copyright")

    RIGHTS_URIS = {
        Rights.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
        Rights.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
        Rights.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
        Rights.IN_COPYRIGHT: "http://rightsstatements.org/vocab/InC/1.0/",
    }

    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind.choices, help_text=_("What sort of record this is.")
    )
    identifier = models.CharField(
        _("identifier"),
        max_length=40,
        unique=True,
        editable=False,
        help_text=_("Stable identifier, e.g. FAB-CMSH-0042, given when the item is created."),
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="items",
        help_text=_("The member institution that contributed the item."),
    )
    inventory_number = models.CharField(
        _("inventory number"),
        max_length=100,
        blank=True,
        help_text=_(
            "The institution's own catalogue number, e.g. 1998.12.4; unique within the "
            "institution. The bulk import finds the item again by it."
        ),
    )
    title = models.CharField(_("title"), max_length=255, help_text=_("A short, precise title."))
    summary = models.TextField(
        _("summary"), max_length=600, blank=True, help_text=_("One or two sentences.")
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("Everything worth knowing about the item.")
    )
    trades = ParentalManyToManyField(
        Trade,
        verbose_name=_("trades"),
        blank=True,
        related_name="items",
        help_text=_("Trades the item documents."),
    )
    tags = ClusterTaggableManager(
        through=ArchiveItemTag, blank=True, help_text=_("Free keywords, separated by commas.")
    )

    # Place (latitude and longitude come from Located)
    place_name = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("Site, e.g. Fosse 9 de Oignies.")
    )
    commune = models.CharField(_("commune"), max_length=120, blank=True, help_text=_("Commune."))
    region = models.CharField(_("region"), max_length=120, blank=True, help_text=_("Region."))
    country = models.CharField(
        _("country"),
        max_length=2,
        choices=Member.Country.choices,
        blank=True,
        help_text=_("Country."),
    )
    geonames_id = models.CharField(
        _("GeoNames id"), max_length=20, blank=True, help_text=_("Optional, e.g. 2989317.")
    )
    wikidata_id = models.CharField(
        _("Wikidata id"), max_length=20, blank=True, help_text=_("Optional, e.g. Q213603.")
    )

    # Date: an exact date, or a year range that may be approximate ("c. 1950–1960").
    date = models.DateField(
        _("exact date"), null=True, blank=True, help_text=_("When known to the day.")
    )
    year_from = models.PositiveSmallIntegerField(
        _("from year"), null=True, blank=True, help_text=_("First year of the period.")
    )
    year_to = models.PositiveSmallIntegerField(
        _("to year"), null=True, blank=True, help_text=_("Last year of the period.")
    )
    date_approximate = models.BooleanField(
        _("approximate"), default=False, help_text=_("Shown as “c.” before the period.")
    )

    rights = models.CharField(
        _("rights"),
        max_length=16,
        choices=Rights.choices,
        default=Rights.IN_COPYRIGHT,
        help_text=_("Licence or rights statement under which the item is shown."),
    )
    credit_line = models.CharField(
        _("credit line"),
        max_length=255,
        blank=True,
        help_text=_("As it must appear, e.g. “Coll. Centre minier, photo J. Martin”."),
    )
    access = models.CharField(
        _("access"),
        max_length=16,
        choices=Access.choices,
        default=Access.PUBLIC,
        help_text=_("Who may see the item once published."),
    )

    # Oral history
    media = models.ForeignKey(
        MediaFile,
        verbose_name=_("recording"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
        help_text=_("Audio or video file; transcript-only interviews have none."),
    )
    narrators = models.CharField(
        _("narrators"), max_length=255, blank=True, help_text=_("People interviewed.")
    )
    interviewers = models.CharField(
        _("interviewers"), max_length=255, blank=True, help_text=_("People who interviewed.")
    )
    recording_date = models.DateField(
        _("recording date"), null=True, blank=True, help_text=_("When the interview was made.")
    )
    recording_place = models.CharField(
        _("recording place"), max_length=200, blank=True, help_text=_("Where it was made.")
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        help_text=_("Language spoken, as a code: fr, en, de, lb, nl, pl, it…"),
    )

    # Savoir-faire
    techniques = models.TextField(
        _("techniques"), blank=True, help_text=_("Techniques, one per line.")
    )
    materials = models.TextField(
        _("materials"), blank=True, help_text=_("Materials, one per line.")
    )
    tools = models.TextField(_("tools"), blank=True, help_text=_("Tools, one per line."))

    # Moderation and history
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.DRAFT,
        editable=False,
        help_text=_("Changed only by submitting, publishing, rejecting or withdrawing."),
    )
    rejection_reason = models.TextField(
        _("reason for rejection"),
        blank=True,
        editable=False,
        help_text=_("Written by the editor who rejected the item."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    objects = ArchiveItemQuerySet.as_manager()

    search_fields = [
        index.SearchField("title", boost=3),
        index.SearchField("summary"),
        index.SearchField("description"),
        index.AutocompleteField("title"),
        index.FilterField("institution"),
        index.FilterField("status"),
        index.FilterField("kind"),
    ]

    class Meta:
        verbose_name = _("archive item")
        verbose_name_plural = _("archive items")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["status", "access"]),
            # Maps ask for the items in a viewport (the open API's map/).
            models.Index(fields=["latitude", "longitude"], name="archive_item_position"),
            # OAI-PMH harvests page through the items by (datestamp, id): a range scan per page.
            models.Index(fields=["updated_at", "id"], name="archive_item_changed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(year_from__isnull=True)
                | Q(year_to__isnull=True)
                | Q(year_from__lte=models.F("year_to")),
                name="archive_item_year_range",
            ),
            models.UniqueConstraint(
                fields=["institution", "inventory_number"],
                condition=~Q(inventory_number=""),
                name="archive_item_unique_inventory_number",
                violation_error_message=_(
                    "Another item of this institution already has this inventory number."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.identifier} – {self.title}"

    def clean(self):
        if self.year_from and self.year_to and self.year_from > self.year_to:
            raise ValidationError({"year_to": _("The period cannot end before it starts.")})
        super().clean()  # the place's coordinates

    @property
    def rights_uri(self) -> str:
        return self.RIGHTS_URIS.get(self.rights, "")

    @property
    def date_display(self) -> str:
        """“12 March 1954”, “1950–1960”, “c. 1950–1960” or “c. 1950”."""
        if self.date:
            from django.utils.formats import date_format

            return date_format(self.date, "j F Y")
        if not self.year_from and not self.year_to:
            return ""
        years = {self.year_from, self.year_to} - {None}
        period = str(years.pop()) if len(years) == 1 else f"{self.year_from}–{self.year_to}"
        return f"{_('c.')} {period}" if self.date_approximate else period


class ItemImage(Orderable):
    """One image of a photo item (a photo item may have several)."""

    item = ParentalKey(ArchiveItem, on_delete=models.CASCADE, related_name="images")
    image = models.ForeignKey(
        CustomImage,
        verbose_name=_("image"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The photograph; its public derivatives carry no camera metadata."),
    )
    caption = models.CharField(
        _("caption"), max_length=255, blank=True, help_text=_("What the image shows.")
    )

    class Meta(Orderable.Meta):
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self):
        return self.caption or str(self.image)


class SavoirFaireStep(Orderable):
    """One step of a savoir-faire record, in order, with an optional image or video."""

    item = ParentalKey(ArchiveItem, on_delete=models.CASCADE, related_name="steps")
    text = models.TextField(_("text"), help_text=_("What is done at this step, and how."))
    image = models.ForeignKey(
        CustomImage,
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Optional image of the step."),
    )
    media = models.ForeignKey(
        MediaFile,
        verbose_name=_("video"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Optional video of the step."),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    def __str__(self):
        return self.text[:60]


class TranscriptSegment(models.Model):
    """One turn or cue of an oral history's transcript. Times are in milliseconds; untimed
    transcripts have none. Segments are replaced as a whole when a transcript is imported
    again, and keep their ids when edited one by one."""

    item = models.ForeignKey(
        ArchiveItem,
        on_delete=models.CASCADE,
        related_name="segments",
        verbose_name=_("item"),
        help_text=_("The oral history this segment belongs to."),
    )
    position = models.PositiveIntegerField(_("position"), help_text=_("Order in the transcript."))
    start_ms = models.PositiveIntegerField(
        _("start"), null=True, blank=True, help_text=_("Milliseconds from the beginning.")
    )
    end_ms = models.PositiveIntegerField(
        _("end"), null=True, blank=True, help_text=_("Milliseconds from the beginning.")
    )
    speaker = models.CharField(_("speaker"), max_length=120, blank=True, help_text=_("Who speaks."))
    text = models.TextField(_("text"), help_text=_("What is said."))

    class Meta:
        verbose_name = _("transcript segment")
        verbose_name_plural = _("transcript segments")
        ordering = ["item", "position"]
        constraints = [
            models.UniqueConstraint(fields=["item", "position"], name="unique_segment_position"),
            models.CheckConstraint(
                condition=Q(start_ms__isnull=True)
                | Q(end_ms__isnull=True)
                | Q(start_ms__lte=models.F("end_ms")),
                name="segment_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.item_id} #{self.position}"


class Consent(models.Model):
    """The narrator's consent for an oral history."""

    class Scope(models.TextChoices):
        PUBLIC_WEB = "public_web", _("Public web")
        RESEARCH = "research", _("Research only")

    item = models.OneToOneField(
        ArchiveItem,
        verbose_name=_("oral history"),
        on_delete=models.CASCADE,
        related_name="consent",
        help_text=_("The interview this consent is for."),
    )
    consent_date = models.DateField(
        _("consent date"), help_text=_("When the narrator signed or recorded consent.")
    )
    scope = models.CharField(
        _("scope"),
        max_length=16,
        choices=Scope.choices,
        help_text=_("Public web, or research only (never shown publicly)."),
    )
    embargo_until = models.DateField(
        _("embargo until"),
        null=True,
        blank=True,
        help_text=_("Not shown publicly before this date, whatever the scope."),
    )
    withdrawn_at = models.DateTimeField(
        _("withdrawn at"),
        null=True,
        blank=True,
        help_text=_("When the narrator withdrew consent: the item leaves the public site."),
    )
    notes = models.TextField(
        _("notes"), blank=True, help_text=_("Where the signed form is kept, conditions…")
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self):
        return f"{self.item_id}: {self.get_scope_display()}"
