"""Registrations and the slots they hold seats in: a training session or an event site.

A registration keeps its row's translation_key as `slot_key`, so every language of a session
shares its seats. The rules (capacity, waiting list, promotion) live in home.services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.core import signing
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from home.models.events import EventSite
    from home.models.programmes import ProgrammeSession

CANCEL_SALT = "home.registration.cancel"


class Registration(models.Model):
    """One person, or one group counted as its size in seats."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        GROUP = "group", _("Group (school class, organisation)")

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("Waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    slot_key = models.UUIDField(
        _("slot"),
        db_index=True,
        editable=False,
        help_text=_("Translation key of the session or site: shared by all its languages."),
    )
    session = models.ForeignKey(
        "home.ProgrammeSession",
        verbose_name=_("training session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrations",
        help_text=_("The training session registered for."),
    )
    site = models.ForeignKey(
        "home.EventSite",
        verbose_name=_("event site"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrations",
        help_text=_("The event site registered for."),
    )
    slot_title = models.CharField(
        _("registered for"),
        max_length=300,
        help_text=_("Title of the session or site at the time of registration."),
    )
    kind = models.CharField(
        _("kind"),
        max_length=16,
        choices=Kind.choices,
        default=Kind.INDIVIDUAL,
        help_text=_("An individual takes one seat; a group takes as many seats as its size."),
    )
    name = models.CharField(_("name"), max_length=150, help_text=_("Name of the person."))
    email = models.EmailField(_("email"), help_text=_("Where confirmations are sent."))
    phone = models.CharField(
        _("phone"), max_length=40, blank=True, help_text=_("Optional, for last-minute changes.")
    )
    organisation = models.CharField(
        _("school or organisation"),
        max_length=200,
        blank=True,
        help_text=_("For groups: the school, class or organisation."),
    )
    seats = models.PositiveSmallIntegerField(
        _("seats"), default=1, help_text=_("1 for an individual; the group size for a group.")
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        help_text=_("Confirmed, on the waiting list, or cancelled."),
    )
    language = models.CharField(
        _("language"), max_length=8, help_text=_("Language emails are sent in.")
    )
    created_at = models.DateTimeField(
        _("registered at"), auto_now_add=True, help_text=_("Order of arrival.")
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
    reminder_sent_at = models.DateTimeField(
        _("reminder sent at"), null=True, blank=True, editable=False
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot_key", "email"],
                condition=~Q(status="cancelled"),
                name="one_active_registration_per_email",
            ),
            models.CheckConstraint(
                condition=~(Q(session__isnull=False) & Q(site__isnull=False)),
                name="registration_session_or_site",
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="registration_seats_positive"),
        ]
        indexes = [models.Index(fields=["slot_key", "status"])]

    def __str__(self):
        return f"{self.name} – {self.slot_title} ({self.get_status_display()})"

    @property
    def cancel_token(self) -> str:
        return signing.dumps(self.pk, salt=CANCEL_SALT)

    @classmethod
    def from_cancel_token(cls, token: str) -> Registration:
        """The registration a cancel link names; raises signing.BadSignature if tampered."""
        return cls.objects.get(pk=signing.loads(token, salt=CANCEL_SALT))


@dataclass(frozen=True)
class Slot:
    """What can be registered for: a training session or one site of an event.

    Seats are shared by every language version of the session or site (same translation_key).
    """

    obj: ProgrammeSession | EventSite

    @property
    def key(self):
        return self.obj.translation_key

    @property
    def model(self):
        return type(self.obj)

    @property
    def is_session(self) -> bool:
        return isinstance(self.obj, Registration.session.field.related_model)

    @property
    def page(self):
        return self.obj.page

    @property
    def title(self) -> str:
        if self.is_session:
            return self.obj.title
        return f"{self.obj.page.title} – {self.obj.name}"

    @property
    def capacity(self) -> int | None:
        return self.obj.capacity

    @property
    def starts_at(self) -> datetime:
        return self.obj.starts_at if self.is_session else self.obj.page.start

    @property
    def closes_at(self) -> datetime:
        return self.obj.registration_deadline or self.starts_at

    @property
    def takes_registrations(self) -> bool:
        """Online registration: sessions unless they use an external link; sites with a
        capacity."""
        if self.is_session:
            return not self.obj.registration_url and bool(self.capacity)
        return self.capacity is not None

    def is_open(self, now: datetime | None = None) -> bool:
        return self.takes_registrations and (now or timezone.now()) < self.closes_at

    def registration_fields(self) -> dict:
        """Foreign key values for a new registration made through this row."""
        return {"session": self.obj} if self.is_session else {"site": self.obj}
