"""Training programmes for member structures, their topics and sessions.

Each language has its own session row; the rows of one session share a translation_key, and
with it their seats.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index

from home.blocks import BodyBlock
from home.listings import with_renditions
from home.models.registrations import Slot
from home.pagecache import store as pagecache
from home.selectors import slots_availability
from home.views import registration_form


class ProgrammeIndexPage(Page):
    """Lists the training programmes, latest year first."""

    intro = models.TextField(_("introduction"), blank=True, help_text=_("Shown above the list."))

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.ProgrammePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("programme index")
        verbose_name_plural = _("programme indexes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["programmes"] = with_renditions(
            ProgrammePage.objects.live().public().child_of(self).order_by("-year", "title"),
            "image",
        )
        return context


class TrainingTopic(TranslatableMixin, models.Model):
    """A theme training sessions come under, reused from year to year."""

    name = models.CharField(_("name"), max_length=120, help_text=_("For example “Patronage”."))
    description = models.TextField(
        _("description"), blank=True, help_text=_("What sessions on this topic cover.")
    )

    panels = [FieldPanel("name"), FieldPanel("description")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("training topic")
        verbose_name_plural = _("training topics")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProgrammePage(RoutablePageMixin, Page):
    """A year's training programme, e.g. “Programme 2026”, with its sessions."""

    year = models.PositiveSmallIntegerField(
        _("year"), help_text=_("The year the programme runs, e.g. 2026.")
    )
    intro = models.TextField(_("introduction"), help_text=_("What the programme is for."))
    image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown in the list of programmes."),
    )
    body = StreamField(
        BodyBlock(), blank=True, verbose_name=_("body"), help_text=_("Details, conditions, FAQ.")
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("year"),
        FieldPanel("intro"),
        FieldPanel("image"),
        FieldPanel("body"),
        InlinePanel("sessions", label=_("Sessions"), heading=_("Sessions")),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.RelatedFields("sessions", [index.SearchField("title"), index.SearchField("place")]),
    ]
    parent_page_types = ["home.ProgrammeIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("training programme")
        verbose_name_plural = _("training programmes")

    def search_result_date(self) -> int:
        """The year the site search shows beside this programme (search.pages)."""
        return self.year

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        sessions = list(self.sessions.select_related("topic").order_by("starts_at"))
        availability = slots_availability(slots=[Slot(s) for s in sessions])
        for session in sessions:
            session.availability = availability[session.translation_key]
        # Registration closes by itself at its deadline (a change of seats purges the page).
        pagecache.expire_at(request, *(Slot(s).closes_at for s in sessions))
        topics: dict = {}
        for session in sessions:
            topics.setdefault(session.topic, []).append(session)
        context["sessions"] = sessions
        context["sessions_by_topic"] = list(topics.items())
        return context

    @path("register/<int:session_id>/", name="register")
    def register(self, request, session_id):
        """Registration form for one of this programme's sessions."""
        session = get_object_or_404(self.sessions.all(), pk=session_id)
        return registration_form(request, self, Slot(session))


class SessionQuerySet(models.QuerySet):
    def upcoming(self, *, locale_id, now=None):
        now = now or timezone.now()
        return (
            self.filter(
                page__locale_id=locale_id,
                page__live=True,
                ends_at__gte=now,
            )
            .select_related("page", "topic")
            .order_by("starts_at")
        )


class ProgrammeSession(TranslatableMixin, Orderable):
    """One training session. Capacity and deadline are ready for registration."""

    class Format(models.TextChoices):
        ON_SITE = "on_site", _("On site")
        HYBRID = "hybrid", _("Hybrid")
        DISTANCE = "distance", _("Distance")

    page = ParentalKey(ProgrammePage, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200, help_text=_("Title of the session."))
    topic = models.ForeignKey(
        TrainingTopic,
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The theme this session comes under."),
    )
    format = models.CharField(
        _("format"),
        max_length=16,
        choices=Format.choices,
        default=Format.ON_SITE,
        help_text=_("On site, hybrid (on site and online) or distance learning."),
    )
    starts_at = models.DateTimeField(_("starts"), help_text=_("Start date and time."))
    ends_at = models.DateTimeField(_("ends"), help_text=_("End date and time."))
    place = models.CharField(
        _("place"),
        max_length=200,
        blank=True,
        help_text=_("Venue and town, or “Online” for distance sessions."),
    )
    audience = models.CharField(
        _("audience"),
        max_length=200,
        blank=True,
        help_text=_("Who the session is for, e.g. “volunteers and staff of member museums”."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), default=12, help_text=_("Number of seats available.")
    )
    funding_note = models.CharField(
        _("funding note"),
        max_length=255,
        blank=True,
        help_text=_("Cost and how it can be funded (e.g. free for members, OPCO)."),
    )
    registration_url = models.URLField(
        _("external registration link"),
        blank=True,
        help_text=_(
            "Only if registration happens on another site. Leave empty to take registrations "
            "here, with a waiting list once the seats are taken."
        ),
    )
    registration_deadline = models.DateTimeField(
        _("registration deadline"),
        null=True,
        blank=True,
        help_text=_("After this, registrations close. Empty means the start of the session."),
    )

    objects = SessionQuerySet.as_manager()

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("topic"), FieldPanel("format")]),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldPanel("place"),
        FieldPanel("audience"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("capacity"), FieldPanel("registration_deadline")]),
                FieldPanel("funding_note"),
                FieldPanel("registration_url"),
            ],
            heading=_("Registration"),
        ),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["sort_order"]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("A session cannot end before it starts.")})

    @property
    def closes_at(self):
        return self.registration_deadline or self.starts_at
