"""One row per email address and audience, from the first request to unsubscription.

Rows are kept after unsubscription (status "unsubscribed") so that an export for the mailing
tool can never bring a person back by mistake; editors delete a row to erase it.
"""

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    FACTORIES = "factories", _("Factories and heritage sites")
    TEACHERS = "teachers", _("Teachers")
    MEMBERS = "members", _("Members")
    PUBLIC = "public", _("General public")


class Status(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")


def normalize_email(email: str) -> str:
    """Strip spaces and lowercase the domain. The local part keeps its case (it is the
    mailbox owner's), but uniqueness and look-ups ignore case (see `for_email`)."""
    return BaseUserManager.normalize_email((email or "").strip())


class SubscriptionQuerySet(models.QuerySet):
    def for_email(self, email: str):
        # Lower() matches the functional unique index, so this look-up uses it.
        return self.alias(email_lower=Lower("email")).filter(
            email_lower=normalize_email(email).lower()
        )

    def confirmed(self):
        return self.filter(status=Status.CONFIRMED)


class Subscription(models.Model):
    """An email address subscribed to one audience's newsletter."""

    email = models.EmailField(
        _("email address"),
        max_length=254,
        help_text=_("Address given in the subscription form (domain in lower case)."),
    )
    audience = models.CharField(
        _("audience"),
        max_length=20,
        choices=Audience.choices,
        help_text=_("Which newsletter this person asked for."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.PENDING,
        help_text=_(
            "Only confirmed subscribers may be sent the newsletter: they clicked the link in "
            "the confirmation email."
        ),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Language of the site when the person subscribed: write to them in it."),
    )
    created_at = models.DateTimeField(
        _("requested at"),
        auto_now_add=True,
        help_text=_("When the subscription was first requested."),
    )
    confirmed_at = models.DateTimeField(
        _("confirmed at"),
        null=True,
        blank=True,
        help_text=_("When the person last confirmed the subscription from the email link."),
    )
    unsubscribed_at = models.DateTimeField(
        _("unsubscribed at"),
        null=True,
        blank=True,
        help_text=_("When the person last unsubscribed."),
    )

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("newsletter subscriber")
        verbose_name_plural = _("newsletter subscribers")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), "audience", name="newsletter_one_subscription_per_audience"
            ),
        ]
        indexes = [models.Index(fields=["audience", "status"], name="newsletter_audience_status")]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_audience_display()})"
