"""Reads of registrations: seats taken, availability, counts for the admin."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from home.models.registrations import Registration, Slot

Status = Registration.Status


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


def slot_for_registration(*, registration: Registration) -> Slot | None:
    """The session or site a registration holds seats in; when its own row was deleted,
    another language's row of the same session or site."""
    obj = registration.session or registration.site
    if obj is None:
        for field in ("session", "site"):
            model = Registration._meta.get_field(field).related_model
            obj = obj or model.objects.filter(translation_key=registration.slot_key).first()
    return Slot(obj) if obj is not None else None


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
