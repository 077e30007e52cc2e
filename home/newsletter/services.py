"""Writes: request a subscription (double opt-in), confirm it, unsubscribe."""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from archive.mail import email_queue
from home.newsletter import tokens
from home.newsletter.models import Audience, Status, Subscription, normalize_email


def _clean_audiences(audiences: Iterable[str]) -> list[str]:
    # Keep the order of Audience (the order of the form) and drop duplicates.
    wanted = set(audiences)
    unknown = wanted - set(Audience.values)
    if unknown or not wanted:
        raise ValueError(f"Unknown or missing audiences: {sorted(unknown)}")
    return [value for value in Audience.values if value in wanted]


def _clean_language(language: str) -> str:
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _pending_subscription(*, email: str, audience: str, language: str) -> Subscription:
    subscription = (
        Subscription.objects.select_for_update().for_email(email).filter(audience=audience).first()
    )
    if subscription is None:
        try:
            with transaction.atomic():
                return Subscription.objects.create(
                    email=email, audience=audience, language=language
                )
        except IntegrityError:
            # The same address sent the form twice at once: the other request made the row.
            subscription = (
                Subscription.objects.select_for_update().for_email(email).get(audience=audience)
            )
    if subscription.status != Status.CONFIRMED:
        # A confirmed row is left alone: asking again must neither unsubscribe nor reveal
        # anything. The language of a confirmed row changes only through the confirm link.
        subscription.status = Status.PENDING
        subscription.language = language
        subscription.save(update_fields=["status", "language"])
    return subscription


def subscription_request(
    *, email: str, audiences: Iterable[str], language: str
) -> list[Subscription]:
    """Record (or refresh) a pending subscription per audience and queue one confirmation
    email in `language`.

    The visitor gets the same answer whether or not the address was already subscribed; the
    email goes to the mailbox owner only, who may learn it.
    """
    email = normalize_email(email)
    audiences = _clean_audiences(audiences)
    language = _clean_language(language)
    with transaction.atomic():
        subscriptions = [
            _pending_subscription(email=email, audience=audience, language=language)
            for audience in audiences
        ]
        # Queued with the request (archive.mail): a mail server outage delays the message,
        # never loses it nor fails the visitor's request.
        email_queue(
            renderer="home.newsletter.services.confirmation_message",
            email=email,
            audiences=audiences,
            language=language,
        )
    return subscriptions


def confirmation_message(
    *, email: str, audiences: list[str], language: str
) -> EmailMultiAlternatives:
    """The double opt-in message: a confirm link, an unsubscribe link, RFC 8058 headers."""
    with translation.override(language):
        one_click = tokens.one_click_unsubscribe_url(
            email=email, audiences=audiences, language=language
        )
        context = {
            "email": email,
            "audiences": [Audience(value).label for value in audiences],
            "site_name": settings.WAGTAIL_SITE_NAME,
            "confirm_url": tokens.confirm_url(email=email, audiences=audiences, language=language),
            "unsubscribe_url": tokens.unsubscribe_url(
                email=email, audiences=audiences, language=language
            ),
            "valid_days": tokens.CONFIRM_MAX_AGE.days,
        }
        subject = _("Please confirm your subscription to the %(site_name)s newsletter") % {
            "site_name": settings.WAGTAIL_SITE_NAME
        }
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("newsletter/email/confirm.txt", context),
            to=[email],
            headers={
                "List-Unsubscribe": f"<{one_click}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                # Tells auto-responders not to answer a machine-sent message (RFC 3834).
                "Auto-Submitted": "auto-generated",
            },
        )
        message.attach_alternative(
            render_to_string("newsletter/email/confirm.html", context), "text/html"
        )
    return message


def subscription_confirm(*, token: str) -> list[Subscription]:
    """Confirm the pending subscriptions named by a confirm link; return the subscriptions now
    confirmed (already confirmed ones included). Raises tokens.InvalidToken, changing nothing.

    Unsubscribed rows stay unsubscribed: an old confirm link clicked after leaving does not
    bring the person back; a new request does.
    """
    request = tokens.read_confirm_token(token)
    now = timezone.now()
    with transaction.atomic():
        subscriptions = list(
            Subscription.objects.select_for_update()
            .for_email(request.email)
            .filter(audience__in=request.audiences)
            .exclude(status=Status.UNSUBSCRIBED)
        )
        for subscription in subscriptions:
            if subscription.status == Status.PENDING:
                subscription.status = Status.CONFIRMED
                subscription.confirmed_at = now
            subscription.language = request.language
            subscription.save(update_fields=["status", "confirmed_at", "language"])
    return subscriptions


def subscription_unsubscribe(*, token: str, all_audiences: bool = False) -> int:
    """Unsubscribe the address of an unsubscribe link from the link's audiences, or from every
    audience. Return how many subscriptions ended. Raises tokens.InvalidToken, changing nothing.

    An address that is not (or no longer) subscribed gets the same result, so the answer tells
    nothing about who is subscribed.
    """
    request = tokens.read_unsubscribe_token(token)
    subscriptions = Subscription.objects.for_email(request.email).exclude(
        status=Status.UNSUBSCRIBED
    )
    if not all_audiences:
        subscriptions = subscriptions.filter(audience__in=request.audiences)
    return subscriptions.update(status=Status.UNSUBSCRIBED, unsubscribed_at=timezone.now())
