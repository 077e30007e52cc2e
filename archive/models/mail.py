"""Outgoing emails, one row per message owed to someone (archive/mail.py sends them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class QueuedEmail(models.Model):
    """A message the site owes someone: what renders it and from which ids, and where its
    delivery stands. The row is written in the transaction of the change that calls for the
    message, so a committed change never lacks its email; `sent_at` is the delivery mark that
    keeps a retry from sending twice."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not needed any more")

    renderer = models.CharField(
        _("message"),
        max_length=200,
        help_text=_("Dotted path of the function that writes the message."),
    )
    params = models.JSONField(
        _("parameters"), default=dict, help_text=_("What the message is about (ids).")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    recipients = models.CharField(
        _("recipients"), max_length=500, blank=True, help_text=_("Known once written.")
    )
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        indexes = [models.Index(fields=["status", "created_at"], name="archive_mail_status_idx")]

    def __str__(self):
        return self.subject or f"{self.renderer} {self.params}"
