"""Registration rules: seats, waiting list, promotion, cancellation, reminders, purge.

Every write locks the session or site rows of the slot (all languages, in primary-key order)
with SELECT … FOR UPDATE, so concurrent registrations for one slot are counted one after the
other and confirmed seats never exceed capacity. Emails are queued in the same transaction
(archive.mail) and leave after commit.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from home import emails
from home.models.registrations import Registration, Slot
from home.selectors import slot_confirmed_seats, slot_for_registration

Status = Registration.Status


class RegistrationError(ValidationError):
    """A registration that cannot be taken; the message is meant for the visitor."""


def _duplicate() -> RegistrationError:
    return RegistrationError(_("This email address is already registered."), code="duplicate")


def _lock(slot: Slot) -> None:
    list(slot.model.objects.select_for_update().filter(translation_key=slot.key).order_by("pk"))


def registration_create(
    *,
    slot: Slot,
    kind: str,
    name: str,
    email: str,
    seats: int,
    language: str,
    organisation: str = "",
    phone: str = "",
) -> Registration:
    """Take a registration: confirmed if its seats fit, otherwise on the waiting list."""
    if kind == Registration.Kind.INDIVIDUAL:
        seats = 1
    email = email.strip()
    try:
        with transaction.atomic():
            _lock(slot)
            if not slot.is_open():
                raise RegistrationError(_("Registration for this session is closed."))
            if slot.capacity is not None and seats > slot.capacity:
                raise RegistrationError(
                    _("This group is larger than the %(capacity)s seats available in total.")
                    % {"capacity": slot.capacity},
                    code="too_large",
                )
            if (
                Registration.objects.filter(slot_key=slot.key, email__iexact=email)
                .exclude(status=Status.CANCELLED)
                .exists()
            ):
                raise _duplicate()
            fits = slot_confirmed_seats(slot=slot) + seats <= (slot.capacity or 0)
            now = timezone.now()
            registration = Registration.objects.create(
                slot_key=slot.key,
                slot_title=slot.title,
                kind=kind,
                name=name,
                email=email,
                phone=phone,
                organisation=organisation,
                seats=seats,
                language=language,
                status=Status.CONFIRMED if fits else Status.WAITING,
                confirmed_at=now if fits else None,
                **slot.registration_fields(),
            )
            emails.registration_received(registration)
    except IntegrityError as exc:
        # The unique constraint caught a duplicate that arrived at the same moment.
        raise RegistrationError(
            _("This email address is already registered."), "duplicate"
        ) from exc
    return registration


def registration_cancel(*, registration: Registration) -> list[Registration]:
    """Cancel and promote from the waiting list; returns the promoted registrations."""
    slot = slot_for_registration(registration=registration)
    with transaction.atomic():
        if slot is not None:
            _lock(slot)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == Status.CANCELLED:
            return []
        was_confirmed = registration.status == Status.CONFIRMED
        registration.status = Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        emails.registration_cancelled(registration)
        if was_confirmed and slot is not None:
            return _promote_waiting(slot)
    return []


def waiting_list_refresh(*, slot: Slot) -> list[Registration]:
    """Promote whoever now fits, e.g. after an editor raised the capacity."""
    with transaction.atomic():
        _lock(slot)
        return _promote_waiting(slot)


def _promote_waiting(slot: Slot) -> list[Registration]:
    """Promote in order of arrival every waiting registration whose whole size fits."""
    free = (slot.capacity or 0) - slot_confirmed_seats(slot=slot)
    promoted = []
    for waiting in Registration.objects.filter(slot_key=slot.key, status=Status.WAITING).order_by(
        "created_at", "pk"
    ):
        if free <= 0:
            break
        if waiting.seats <= free:
            _confirm(waiting)
            free -= waiting.seats
            promoted.append(waiting)
    return promoted


def _confirm(registration: Registration) -> None:
    registration.status = Status.CONFIRMED
    registration.confirmed_at = timezone.now()
    registration.save(update_fields=["status", "confirmed_at"])
    emails.registration_promoted(registration)


def registration_promote(*, registration: Registration) -> Registration:
    """An organiser confirms a waiting registration by hand, if its seats fit."""
    slot = slot_for_registration(registration=registration)
    with transaction.atomic():
        if slot is not None:
            _lock(slot)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status != Status.WAITING:
            raise RegistrationError(_("Only a registration on the waiting list can be promoted."))
        capacity = slot.capacity if slot is not None else None
        if slot is None or slot_confirmed_seats(slot=slot) + registration.seats > (capacity or 0):
            raise RegistrationError(
                _("Not enough seats left to confirm this registration (%(seats)s needed).")
                % {"seats": registration.seats}
            )
        _confirm(registration)
    return registration


def reminders_send(*, now=None, days_before: int = 2) -> int:
    """Remind confirmed registrants of what starts within `days_before` days; once each."""
    now = now or timezone.now()
    horizon = now + timedelta(days=days_before)
    due = Registration.objects.filter(
        status=Status.CONFIRMED, reminder_sent_at__isnull=True, anonymised_at__isnull=True
    ).select_related("session", "site__page")
    sent = 0
    for registration in due:
        slot = slot_for_registration(registration=registration)
        if slot is None or not (now <= slot.starts_at <= horizon):
            continue
        with transaction.atomic():
            updated = Registration.objects.filter(
                pk=registration.pk, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if updated:
                emails.registration_reminder(registration)
                sent += 1
    return sent


def registrations_purge(*, older_than_days: int, now=None) -> int:
    """Anonymise registrations whose session or event ended more than `older_than_days` ago."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=older_than_days)
    count = 0
    candidates = Registration.objects.filter(anonymised_at__isnull=True).select_related(
        "session", "site__page"
    )
    for registration in candidates.iterator():
        slot = slot_for_registration(registration=registration)
        ended = (
            (slot.obj.ends_at if slot.is_session else slot.obj.page.end)
            if slot
            else registration.created_at
        )
        if ended < cutoff:
            Registration.objects.filter(pk=registration.pk).update(
                name="",
                email=f"anonymised-{registration.pk}@invalid",
                phone="",
                organisation="",
                anonymised_at=now,
            )
            count += 1
    return count
