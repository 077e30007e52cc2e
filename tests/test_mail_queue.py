"""Emails go through the task queue: a mail server outage never fails a visitor's or a
moderator's request and loses no message; every message arrives once the server is back.

A real SMTP server (aiosmtpd) runs on a free port, stopped and started again by the tests, and
the queue is the production one: django-tasks' database backend, drained by `manage.py
db_worker --batch` as the compose `tasks` service runs it. The worker commits its own
transactions, so these tests use transaction=True; serialized_rollback=True puts back what
migrations created (Wagtail's root page, the locales) for the tests that come next.
"""

import datetime
import email.policy
import signal
import socket
from email import message_from_bytes

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest
from aiosmtpd.controller import Controller
from bs4 import BeautifulSoup
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from archive.models import ArchiveItem, QueuedEmail
from home.models import Registration
from tests.factories import ProgrammeIndexPageFactory, ProgrammePageFactory, ProgrammeSessionFactory
from tests.factories.archive import (
    ArchiveItemFactory,
    ContributorFactory,
    InstitutionFactory,
    UserFactory,
    moderator,
)

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("empty_cache"),
]

Sent = tuple[tuple[str, ...], str]


class Mailbox:
    """aiosmtpd handler: keeps (recipients, subject) of every message it accepts."""

    def __init__(self):
        self.received: list[Sent] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = message_from_bytes(envelope.content, policy=email.policy.default)
        # Long non-ASCII subjects arrive folded over several lines.
        subject = " ".join(str(message["subject"]).split())
        self.received.append((tuple(envelope.rcpt_tos), subject))
        return "250 Message accepted for delivery"


class SMTPServer:
    """A real SMTP server on a port of its own, which a test stops and starts again."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.mailbox = Mailbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        self.controller.stop()
        self.controller = None

    @property
    def received(self) -> list[Sent]:
        return sorted(self.mailbox.received)


@pytest.fixture
def smtp(settings):
    """The SMTP server, running, and the production task queue in front of it."""
    server = SMTPServer()
    server.start()
    settings.EMAIL_BACKEND = "archive.mail.QueuedEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_TIMEOUT = 5
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    yield server
    if server.controller is not None:
        server.stop()


def run_worker():
    """`manage.py db_worker --batch`: run every task that is due, then return. The command
    installs its own signal handlers; the test run gets its own back."""
    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


@pytest.fixture
def session(site_tree):
    """A training session with one seat, in French: a second person goes on the waiting list."""
    programmes = ProgrammeIndexPageFactory(parent=site_tree.home, slug="formations")
    page = ProgrammePageFactory(parent=programmes, title="Mécénat", slug="mecenat")
    row = ProgrammeSessionFactory(page=page, title="Trouver des mécènes", capacity=1)
    return f"{page.url}register/{row.pk}/"


def register(form_url: str, name: str, address: str):
    return Client().post(
        form_url,
        {"kind": "individual", "name": name, "email": address, "phone": "", "seats": ""},
        follow=True,
    )


def messages_shown(response) -> str:
    """The messages the visitor reads on the page they are sent back to."""
    messages = BeautifulSoup(response.content, "html.parser").select_one(".messages")
    return messages.get_text(" ", strip=True) if messages else ""


@pytest.fixture
def review(db):
    """Two submitted photos by one contributor, and a moderator's logged-in browser."""
    institution = InstitutionFactory(code="CMSH")
    author = ContributorFactory(
        institution=institution, user=UserFactory(username="auteur", email="auteur@example.org")
    ).user
    items = [
        ArchiveItemFactory(
            institution=institution,
            created_by=author,
            status=ArchiveItem.Status.SUBMITTED,
            title=title,
        )
        for title in ("La remonte", "Le carreau")
    ]
    browser = Client()
    browser.force_login(moderator())
    return items, browser


def test_who_registers_while_the_mail_server_is_down_is_told_and_emailed_once_it_is_back(
    smtp, session, time_machine
):
    time_machine.move_to(timezone.now(), tick=True)
    smtp.stop()

    response = register(session, "Ada Lovelace", "ada@example.org")

    assert response.status_code == 200
    assert "Un courriel de confirmation est en route vers ada@example.org" in messages_shown(
        response
    )
    assert Registration.objects.get().status == Registration.Status.CONFIRMED
    run_worker()
    smtp.start()
    time_machine.shift(datetime.timedelta(minutes=2))
    run_worker()
    assert smtp.received == [
        (("ada@example.org",), "Inscription confirmée : Trouver des mécènes"),
    ]


def test_registrations_and_moderation_while_the_mail_server_is_down_lose_no_email(
    smtp, session, review, time_machine
):
    time_machine.move_to(timezone.now(), tick=True)
    (published, rejected), moderation = review
    smtp.stop()

    # The visitors' requests answer normally and say an email is on its way.
    first = register(session, "Ada Lovelace", "ada@example.org")
    second = register(session, "Grace Hopper", "grace@example.org")
    assert first.status_code == second.status_code == 200
    assert "Un courriel de confirmation est en route vers ada@example.org" in messages_shown(first)
    assert "liste d’attente" in messages_shown(second)
    assert sorted(Registration.objects.values_list("email", "status")) == [
        ("ada@example.org", "confirmed"),
        ("grace@example.org", "waiting"),
    ]
    # So do the moderator's.
    assert moderation.post(reverse("archive_items:publish", args=[published.pk])).status_code == 302
    assert (
        moderation.post(
            reverse("archive_items:reject", args=[rejected.pk]), {"reason": "Légende manquante."}
        ).status_code
        == 302
    )
    assert ArchiveItem.objects.get(pk=published.pk).status == ArchiveItem.Status.PUBLISHED
    assert ArchiveItem.objects.get(pk=rejected.pk).status == ArchiveItem.Status.REJECTED

    # The worker tries while the server is down: every message waits for its next attempt.
    run_worker()
    assert QueuedEmail.objects.filter(status="queued", attempts=1).count() == 4
    assert all("Connection refused" in e.last_error for e in QueuedEmail.objects.all())

    # The server is back; once the retries are due, every message arrives, once.
    smtp.start()
    time_machine.shift(datetime.timedelta(minutes=2))
    run_worker()
    time_machine.shift(datetime.timedelta(hours=6))
    run_worker()
    assert smtp.received == [
        (("ada@example.org",), "Inscription confirmée : Trouver des mécènes"),
        (("auteur@example.org",), f"{published.identifier} est publié"),
        (("auteur@example.org",), f"{rejected.identifier} n’a pas été accepté"),
        (("grace@example.org",), "Sur liste d’attente : Trouver des mécènes"),
    ]
    assert set(QueuedEmail.objects.values_list("status", flat=True)) == {"sent"}


def test_a_registration_made_before_the_worker_runs_is_emailed_when_it_runs(smtp, session):
    response = register(session, "Ada Lovelace", "ada@example.org")

    assert "Un courriel de confirmation est en route" in messages_shown(response)
    assert smtp.received == []  # nothing leaves inside the request

    run_worker()
    run_worker()

    assert smtp.received == [
        (("ada@example.org",), "Inscription confirmée : Trouver des mécènes"),
    ]


def test_a_newsletter_request_while_the_mail_server_is_down_is_confirmed_later(
    smtp, site_tree, time_machine
):
    time_machine.move_to(timezone.now(), tick=True)
    smtp.stop()

    response = Client().post(
        "/fr/newsletter/", {"email": "jeanne@example.org", "audiences": ["teachers"]}
    )
    run_worker()

    assert response.status_code in (200, 302)
    smtp.start()
    time_machine.shift(datetime.timedelta(minutes=2))
    run_worker()
    assert smtp.received == [
        (
            ("jeanne@example.org",),
            "Veuillez confirmer votre abonnement à la lettre d’information de Fabrique",
        )
    ]


def test_retries_back_off_then_leave_the_email_failed_for_an_administrator(
    smtp, session, settings, time_machine, django_user_model
):
    settings.EMAIL_MAX_ATTEMPTS = 3
    time_machine.move_to(timezone.now(), tick=False)
    smtp.stop()
    register(session, "Ada Lovelace", "ada@example.org")

    run_worker()  # attempt 1 fails; the next waits a minute
    time_machine.shift(datetime.timedelta(seconds=50))
    run_worker()
    assert QueuedEmail.objects.get().attempts == 1
    time_machine.shift(datetime.timedelta(seconds=11))
    run_worker()  # attempt 2 fails; the next waits two minutes
    time_machine.shift(datetime.timedelta(seconds=110))
    run_worker()
    assert QueuedEmail.objects.get().attempts == 2
    time_machine.shift(datetime.timedelta(seconds=11))
    run_worker()  # attempt 3, the last
    failed = QueuedEmail.objects.get()
    assert (failed.status, failed.attempts) == ("failed", 3)

    # An administrator sees it, with its error, and sends it again once the server is back.
    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", "x")
    browser = Client()
    browser.force_login(admin)
    listing = browser.get("/admin/emails/?status=failed")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "ada@example.org" in page
    assert "Connection refused" in page
    assert 'data-count="failed">1<' in page
    assert f"/admin/emails/retry/{failed.pk}/" in page
    smtp.start()
    assert browser.post(f"/admin/emails/retry/{failed.pk}/").status_code == 302
    run_worker()
    run_worker()

    assert smtp.received == [(("ada@example.org",), "Inscription confirmée : Trouver des mécènes")]
    assert QueuedEmail.objects.get().status == "sent"
    # Sent is sent: asking again sends nothing.
    browser.post(f"/admin/emails/retry/{failed.pk}/")
    run_worker()
    assert len(smtp.received) == 1


def test_nobody_but_administrators_sees_the_emails(smtp, session, review):
    _items, moderation = review
    register(session, "Ada Lovelace", "ada@example.org")
    email = QueuedEmail.objects.get()

    assert moderation.get("/admin/emails/").status_code in (302, 403)
    assert moderation.post(f"/admin/emails/retry/{email.pk}/").status_code in (302, 403)
    assert moderation.get(f"/admin/emails/edit/{email.pk}/").status_code in (302, 403)
    assert moderation.get("/admin/tasks/").status_code in (302, 403)


def test_mail_that_django_writes_itself_is_queued_too(smtp, site_tree, time_machine):
    """The admin's password reset is Django's own form, which calls send_mail in the request."""
    time_machine.move_to(timezone.now(), tick=True)
    UserFactory(username="redactrice", email="redactrice@example.org")
    smtp.stop()

    response = Client().post("/admin/password_reset/", {"email": "redactrice@example.org"})

    assert response.status_code == 302
    run_worker()
    smtp.start()
    time_machine.shift(datetime.timedelta(minutes=2))
    run_worker()
    assert smtp.received == [(("redactrice@example.org",), "Réinitialisation de mot de passe")]
    # The reset link does not outlive the delivery in the table.
    sent = QueuedEmail.objects.get()
    assert (sent.status, sent.params) == ("sent", {})

    # Sent rows go after EMAIL_KEEP_DAYS (they name people); a failed one stays.
    QueuedEmail.objects.create(renderer="x.y", status="failed")
    time_machine.shift(datetime.timedelta(days=31))
    call_command("prune_emails")
    assert list(QueuedEmail.objects.values_list("status", flat=True)) == ["failed"]


@task()
def fragile_task(*, name: str) -> str:
    """A task that fails until the test lets it work (as a derivative whose source was away)."""
    if name in FRAGILE_BROKEN:
        raise RuntimeError(f"{name} is not ready")
    return name


FRAGILE_BROKEN: set[str] = set()


def test_a_failed_task_is_shown_with_its_error_and_can_be_tried_again(smtp, django_user_model):
    FRAGILE_BROKEN.add("tile-42")
    fragile_task.enqueue(name="tile-42")
    run_worker()
    (failed,) = DBTaskResult.objects.filter(status="FAILED")
    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", "x")
    browser = Client()
    browser.force_login(admin)

    page = browser.get("/admin/tasks/?status=FAILED").content.decode()
    assert "fragile_task" in page
    assert "RuntimeError" in page
    assert 'data-count="FAILED">1<' in page

    FRAGILE_BROKEN.clear()
    assert browser.post(f"/admin/tasks/retry/{failed.pk}/").status_code == 302
    run_worker()
    failed.refresh_from_db()
    assert (failed.status, failed.return_value) == ("SUCCESSFUL", "tile-42")
