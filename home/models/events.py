"""Events: commemorations, open-factory days across many sites, with iCalendar and JSON-LD."""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index

from archive.models.base import Located
from archive.structured_data import json_ld_script
from home import calendars
from home.blocks import BodyBlock
from home.listings import paginate, with_renditions
from home.maps import map_context
from home.models.registrations import Slot
from home.pagecache import store as pagecache
from home.selectors import slots_availability
from home.views import registration_form


class EventIndexPage(RoutablePageMixin, Page):
    """The agenda: upcoming events first, past events after, and an iCalendar feed."""

    intro = models.TextField(_("introduction"), blank=True, help_text=_("Shown above the list."))

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.EventPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("event index")
        verbose_name_plural = _("event indexes")

    def events(self):
        return EventPage.objects.live().public().descendant_of(self).prefetch_related("sites")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        events = self.events()  # view restrictions are read once, for both lists
        context["upcoming_events"] = upcoming = list(
            with_renditions(events.filter(end__gte=now).order_by("start"), "image")
        )
        pagecache.expire_at(request, *(e.end for e in upcoming))
        past = paginate(request, events.filter(end__lt=now).order_by("-start"))
        context["past_events"] = past
        return context

    @path("ical/", name="ical")
    def ical(self, request):
        """Upcoming events of this language as an iCalendar feed (subscribe in a calendar)."""
        events = (
            self.events()
            .filter(end__gte=timezone.now())
            .prefetch_related("sites")
            .order_by("start")
        )
        body = calendars.events_calendar(events, request=request, name=self.title)
        return HttpResponse(body, content_type="text/calendar; charset=utf-8")


class EventPage(RoutablePageMixin, Page):
    """One event at one place, or across several participating sites."""

    class Kind(models.TextChoices):
        COMMEMORATION = "commemoration", _("Commemoration")
        OPEN_FACTORY = "open_factory", _("Open-factory days")
        CONFERENCE = "conference", _("Conference")
        EXHIBITION = "exhibition", _("Exhibition")
        OTHER = "other", _("Other")

    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.OTHER,
        help_text=_("Helps visitors know what to expect."),
    )
    start = models.DateTimeField(_("starts"), help_text=_("Date and time the event begins."))
    end = models.DateTimeField(_("ends"), help_text=_("Date and time the event ends."))
    audience = models.CharField(
        _("audience"),
        max_length=200,
        blank=True,
        help_text=_("Who it is for, e.g. “families, school groups”."),
    )
    intro = models.TextField(_("introduction"), help_text=_("One paragraph about the event."))
    image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown in the agenda and at the top of the page."),
    )
    body = StreamField(
        BodyBlock(), blank=True, verbose_name=_("body"), help_text=_("Programme and details.")
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
        FieldPanel("audience"),
        FieldPanel("intro"),
        FieldPanel("image"),
        FieldPanel("body"),
        InlinePanel(
            "sites",
            label=_("Place or participating site"),
            heading=_("Places"),
            min_num=1,
            help_text=_("One place, or each participating site of a multi-site event."),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.RelatedFields("sites", [index.SearchField("name"), index.SearchField("commune")]),
        index.FilterField("start"),
        index.FilterField("end"),
    ]
    parent_page_types = ["home.EventIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def search_result_date(self) -> datetime:
        """The start the site search shows beside this event (search.pages)."""
        return self.start

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("An event cannot end before it starts.")})

    @property
    def is_multi_site(self) -> bool:
        return len(self.sites.all()) > 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sites"] = sites = list(self.sites.all())
        availability = slots_availability(slots=[Slot(s) for s in sites])
        for site in sites:
            site.availability = availability[site.translation_key]
        # Registration closes by itself at its deadline (a change of seats purges the page).
        pagecache.expire_at(request, *(Slot(s).closes_at for s in sites))
        context.update(map_context(sites, anchor_prefix="site-"))
        context["json_ld"] = json_ld_script(self.json_ld(request))
        return context

    def json_ld(self, request=None) -> dict:
        """schema.org Event description for search engines."""
        locations = [
            {
                "@type": "Place",
                "name": site.name,
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": site.address,
                    "addressLocality": site.commune,
                },
                **(
                    {
                        "geo": {
                            "@type": "GeoCoordinates",
                            "latitude": float(site.latitude),
                            "longitude": float(site.longitude),
                        }
                    }
                    if site.has_location
                    else {}
                ),
            }
            for site in self.sites.all()
        ]
        data = {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": self.title,
            "description": self.intro,
            "startDate": self.start.isoformat(),
            "endDate": self.end.isoformat(),
            "eventStatus": "https://schema.org/EventScheduled",
            "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
            "inLanguage": self.locale.language_code,
            "url": self.get_full_url(request),
            "location": locations[0] if len(locations) == 1 else locations,
            "organizer": {"@type": "Organization", "name": settings.WAGTAIL_SITE_NAME},
        }
        if self.audience:
            data["audience"] = {"@type": "Audience", "audienceType": self.audience}
        return data

    @path("register/<int:site_id>/", name="register")
    def register(self, request, site_id):
        """Registration form for one participating site."""
        site = get_object_or_404(self.sites.all(), pk=site_id)
        return registration_form(request, self, Slot(site))

    @path("ics/", name="ics")
    def ics(self, request):
        """This event as an .ics file to add to a calendar."""
        body = calendars.events_calendar([self], request=request, name=self.title)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.slug}.ics"'
        return response


class EventSite(TranslatableMixin, Located, Orderable):
    """A place of the event: the only one, or one participating site among several."""

    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(_("name"), max_length=200, help_text=_("Name of the site or venue."))
    address = models.CharField(
        _("address"), max_length=255, blank=True, help_text=_("Street and number.")
    )
    commune = models.CharField(_("commune"), max_length=120, help_text=_("Town or commune."))
    description = models.TextField(
        _("description"), blank=True, help_text=_("What visitors will see or do at this site.")
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_(
            "Number of visitors this site can take. Set it to open online registration with "
            "a waiting list; leave empty for free entry without registration."
        ),
    )
    registration_deadline = models.DateTimeField(
        _("registration deadline"),
        null=True,
        blank=True,
        help_text=_("After this, registrations close. Empty means the start of the event."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("address"),
        FieldPanel("commune"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")])],
            heading=_("Position"),
        ),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("capacity"), FieldPanel("registration_deadline")]),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("event site")
        verbose_name_plural = _("event sites")
        ordering = ["sort_order"]

    def __str__(self):
        return f"{self.name} ({self.commune})"
