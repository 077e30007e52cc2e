"""Read-side queries for registrations. Keyword-only, typed, named `<entity>_<action>`."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from home.models import EventSite, ProgrammeSession, Registration

Status = Registration.Status


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
        return isinstance(self.obj, ProgrammeSession)

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


@dataclass(frozen=True)
class Availability:
    confirmed_seats: int
    waiting: int
    capacity: int | None
    is_open: bool

    @property
    def seats_left(self) -> int:
        return max((self.capacity or 0) - self.confirmed_seats, 0)

    @property
    def state(self) -> str:
        if not self.is_open:
            return "closed"
        return "open" if self.seats_left > 0 else "full"

    @property
    def label(self) -> str:
        if self.state == "closed":
            return str(_("Registration closed"))
        if self.state == "full":
            return str(_("Full – waiting list open"))
        return ngettext("%(count)s seat left", "%(count)s seats left", self.seats_left) % {
            "count": self.seats_left
        }


def slot_confirmed_seats(*, slot: Slot) -> int:
    return (
        Registration.objects.filter(slot_key=slot.key, status=Status.CONFIRMED).aggregate(
            seats=Sum("seats")
        )["seats"]
        or 0
    )


def slots_availability(*, slots: list[Slot], now: datetime | None = None) -> dict:
    """Availability of each slot, keyed by slot key, in one query whatever the number."""
    now = now or timezone.now()
    rows = (
        Registration.objects.filter(slot_key__in=[s.key for s in slots])
        .values("slot_key")
        .annotate(
            confirmed=Sum("seats", filter=Q(status=Status.CONFIRMED)),
            waiting=Count("pk", filter=Q(status=Status.WAITING)),
        )
    )
    counts = {row["slot_key"]: row for row in rows}
    return {
        slot.key: Availability(
            confirmed_seats=(counts.get(slot.key) or {}).get("confirmed") or 0,
            waiting=(counts.get(slot.key) or {}).get("waiting") or 0,
            capacity=slot.capacity,
            is_open=slot.is_open(now),
        )
        for slot in slots
    }


def registrations_for_slot(*, slot_key) -> "list[Registration]":
    return Registration.objects.filter(slot_key=slot_key).order_by("created_at", "pk")


def registrations_counts_by_slot():
    """Per session or site: confirmed seats, waiting and cancelled registrations (admin)."""
    return (
        Registration.objects.values("slot_key")
        .annotate(
            title=Max("slot_title"),
            confirmed_seats=Sum("seats", filter=Q(status=Status.CONFIRMED)),
            confirmed=Count("pk", filter=Q(status=Status.CONFIRMED)),
            waiting=Count("pk", filter=Q(status=Status.WAITING)),
            cancelled=Count("pk", filter=Q(status=Status.CANCELLED)),
        )
        .order_by("title")
    )
