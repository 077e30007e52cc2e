"""Every email the site sends leaves through here, so that a mail server outage loses nothing
and never turns a saved change into an error page.

`email_queue` writes a QueuedEmail row in the transaction of the change that calls for the
message and, once that transaction commits, enqueues the `email_deliver` task (django-tasks:
the database backend run by `manage.py db_worker` in production, the immediate backend under
`make run`). The task renders the message from ids at sending time, in the recipient's language,
and marks the row sent: a second run of the same task finds the mark and sends nothing. It sends
through EMAIL_DELIVERY_BACKEND (SMTP in production).

Our own emails name a renderer and ids. Messages that Django and Wagtail write themselves
(password resets, page moderation notices, error reports) reach the queue through
EMAIL_BACKEND = QueuedEmailBackend, already written: they are stored whole.
"""

import base64
import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from django_tasks import task

from archive.models import QueuedEmail

logger = logging.getLogger(__name__)
Status = QueuedEmail.Status
STORED_RENDERER = "archive.mail.stored_message"


def email_queue(*, renderer: str, **params) -> QueuedEmail:
    """Owe someone a message. `renderer` is the dotted path of a function that takes `params`
    (ids and plain values, never model instances: they are stored as JSON) and returns the
    EmailMessage, written in the recipient's language, or None if it is no longer needed."""
    email = QueuedEmail.objects.create(renderer=renderer, params=params)
    # robust: should the queue itself be unreachable after the commit, the row stays queued
    # (listed in the admin, with its retry button) instead of failing the visitor's request.
    # A lambda, not a partial: Django names the callback in its log, and a partial has no name.
    transaction.on_commit(lambda: _enqueue(email.pk), robust=True)
    return email


def email_retry(*, email: QueuedEmail) -> bool:
    """Send a failed (or stuck) message again, with a fresh set of attempts; False if it was
    sent already."""
    with transaction.atomic():
        updated = (
            QueuedEmail.objects.filter(pk=email.pk)
            .exclude(status=Status.SENT)
            .update(status=Status.QUEUED, attempts=0, next_attempt_at=None)
        )
        if updated:
            transaction.on_commit(partial(_enqueue, email.pk))
    return bool(updated)


def emails_prune(*, older_than_days: int) -> int:
    """Delete the rows of messages sent (or no longer needed) more than `older_than_days` ago:
    they name people's addresses. Failed and queued ones stay until dealt with."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = QueuedEmail.objects.filter(
        status__in=[Status.SENT, Status.SKIPPED], created_at__lt=cutoff
    ).delete()
    return deleted


def _enqueue(email_id: int, run_after=None) -> None:
    deliver = email_deliver if run_after is None else email_deliver.using(run_after=run_after)
    deliver.enqueue(email_id=email_id)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: EMAIL_RETRY_SECONDS after the first failure, doubling each time,
    never more than EMAIL_RETRY_MAX_SECONDS."""
    seconds = settings.EMAIL_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.EMAIL_RETRY_MAX_SECONDS))


@task()
def email_deliver(*, email_id: int) -> str:
    """Render and send one queued message, unless it was sent already; returns its status.

    The row stays locked while the message goes out, so two workers never send it both.
    """
    with transaction.atomic():
        email = QueuedEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status != Status.QUEUED:
            return email.status if email else "missing"
        email.attempts += 1
        try:
            message: EmailMessage | None = import_string(email.renderer)(**email.params)
            if message is not None:
                email.recipients = ", ".join(message.recipients())[:500]
                email.subject = str(message.subject)[:300]
                message.connection = get_connection(settings.EMAIL_DELIVERY_BACKEND)
                message.send()
        except Exception as exc:  # whatever broke, the message must not be lost
            _retry_or_fail(email, exc)
        else:
            email.status = Status.SENT if message is not None else Status.SKIPPED
            email.sent_at = timezone.now() if message is not None else None
            email.next_attempt_at = None
            email.last_error = ""
            if email.renderer == STORED_RENDERER:
                # A stored message may hold a password reset link: it must not outlive its
                # delivery in the table. Subject and recipients stay for the listing.
                email.params = {}
        email.save()
    return email.status


def _retry_or_fail(email: QueuedEmail, exc: Exception) -> None:
    """django-tasks has no retry of its own: a task that raises is simply marked failed. So a
    failed attempt schedules the next one itself, as a new task that runs after a delay
    (`run_after`), doubling the delay each time so that a mail server that is down for hours
    is not hammered; after EMAIL_MAX_ATTEMPTS the message is left failed, for an administrator
    to see and retry. A backend that cannot defer (the immediate one of `make run`) leaves
    the message failed at once."""
    email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    can_defer = email_deliver.get_backend().supports_defer
    if can_defer and email.attempts < settings.EMAIL_MAX_ATTEMPTS:
        email.next_attempt_at = timezone.now() + retry_delay(email.attempts)
        transaction.on_commit(partial(_enqueue, email.pk, run_after=email.next_attempt_at))
        logger.warning(
            "Email %s not sent (attempt %s), retrying at %s: %s",
            email.pk,
            email.attempts,
            email.next_attempt_at.isoformat(),
            email.last_error,
        )
    else:
        email.status = Status.FAILED
        email.next_attempt_at = None
        logger.error(
            "Email %s failed after %s attempts: %s", email.pk, email.attempts, email.last_error
        )


class QueuedEmailBackend(BaseEmailBackend):
    """EMAIL_BACKEND: whatever calls `send_mail` (Django, Wagtail) queues its message instead
    of talking to the mail server inside the request."""

    def send_messages(self, email_messages):
        queued = 0
        for message in email_messages:
            try:
                email_queue(renderer=STORED_RENDERER, **_message_data(message))
            except Exception:
                # Error reports to ADMINS ask for silence: the database may be what failed.
                if not self.fail_silently:
                    raise
            else:
                queued += 1
        return queued


def _message_data(message: EmailMessage) -> dict:
    """A written message as JSON: addresses, headers, text, alternatives, attachments."""
    attachments = []
    for attachment in message.attachments:
        filename, content, mimetype = attachment  # MIME parts made by hand are not supported
        if isinstance(content, bytes):
            content = {"base64": base64.b64encode(content).decode("ascii")}
        attachments.append([filename, content, mimetype])
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": {name: str(value) for name, value in message.extra_headers.items()},
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        "attachments": attachments,
    }


def stored_message(*, alternatives, attachments, **fields) -> EmailMultiAlternatives:
    """The renderer of a message queued by QueuedEmailBackend: the message as it was written."""
    message = EmailMultiAlternatives(**fields)
    for content, mimetype in alternatives:
        message.attach_alternative(content, mimetype)
    for filename, content, mimetype in attachments:
        if isinstance(content, dict):
            content = base64.b64decode(content["base64"])
        message.attach(filename, content, mimetype)
    return message
