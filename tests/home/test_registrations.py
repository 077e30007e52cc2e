"""Registration for training sessions and event sites, as visitors, organisers and the daily
commands meet it: the form and its messages, seats and the waiting list, the emails and their
cancel link, the admin lists and actions, reminders, anonymisation and spam protection.

Visitors use the English pages (/en/…): the texts checked are the ones they read. Emails are
sent after commit, so requests that send them run inside `django_capture_on_commit_callbacks`.
"""

import csv
import datetime
import io
import itertools
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.contrib.auth.models import Permission
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from wagtail.models import Page
from wagtail.users.models import UserProfile

import pytest
from bs4 import BeautifulSoup

from home import services
from home.models import EventPage, EventSite, ProgrammeSession, Registration, Slot
from tests.factories import (
    EventIndexPageFactory,
    EventPageFactory,
    EventSiteFactory,
    ProgrammeIndexPageFactory,
    ProgrammePageFactory,
    ProgrammeSessionFactory,
    in_days,
)
from tests.factories.translations import refreshed, translate

Status = Registration.Status
Kind = Registration.Kind

pytestmark = pytest.mark.usefixtures("empty_cache")

CANCEL_LINK = re.compile(r"https?://\S+/registration/cancel/[^/\s]+/")

# --- site, offers and helpers -----------------------------------------------------------------


@pytest.fixture
def tree(site_tree):
    """`site_tree` with a programme index and an agenda, both translated into English."""
    english = site_tree.locales["en"]
    site_tree.fr_programmes = ProgrammeIndexPageFactory(parent=site_tree.home, slug="formations")
    site_tree.fr_agenda = EventIndexPageFactory(parent=refreshed(site_tree.home), slug="agenda")
    translate(refreshed(site_tree.home), english, title="Home")
    translate(refreshed(site_tree.fr_programmes), english, title="Training", slug="training")
    translate(refreshed(site_tree.fr_agenda), english, title="Events", slug="events")
    return site_tree


_numbers = itertools.count(1)


@dataclass
class Offer:
    """A programme or event page in French and English, with the row of one session or site in
    each language (same translation_key: the same seats)."""

    fr_page: Page
    en_page: Page
    fr_row: ProgrammeSession | EventSite
    en_row: ProgrammeSession | EventSite

    @property
    def fr_form(self) -> str:
        return f"{self.fr_page.url}register/{self.fr_row.pk}/"

    @property
    def en_form(self) -> str:
        return f"{self.en_page.url}register/{self.en_row.pk}/"

    def set(self, **fields) -> None:
        """Change the row in both languages, as wagtail-localize keeps them in sync."""
        type(self.en_row).objects.filter(translation_key=self.en_row.translation_key).update(
            **fields
        )
        self.fr_row.refresh_from_db()
        self.en_row.refresh_from_db()


def programme_session(tree, **fields) -> Offer:
    """A training session (“Trouver des mécènes” / “Finding patrons”), 12 seats unless told."""
    number = next(_numbers)
    fr_page = ProgrammePageFactory(
        parent=refreshed(tree.fr_programmes), title=f"Programme {number}", slug=f"prog-{number}"
    )
    fr_row = ProgrammeSessionFactory(
        page=fr_page, **{"title": "Trouver des mécènes", "capacity": 12, **fields}
    )
    en_page = translate(
        fr_page, tree.locales["en"], title=f"Programme {number} (EN)", slug=f"prog-{number}-en"
    )
    ProgrammeSession.objects.filter(page=en_page).update(title="Finding patrons")
    en_row = ProgrammeSession.objects.get(page=en_page)
    return Offer(fr_page, en_page, fr_row, en_row)


def open_factory_site(tree, *, capacity=30, start=None, **fields) -> Offer:
    """An open-factory event (“Open days”) with one site, Filature Agache, of `capacity`."""
    number = next(_numbers)
    start = start or in_days(10, 10)
    fr_page = EventPageFactory(
        parent=refreshed(tree.fr_agenda),
        title=f"Journées portes ouvertes {number}",
        slug=f"jpo-{number}",
        start=start,
        end=start + datetime.timedelta(hours=8),
    )
    fr_row = EventSiteFactory(page=fr_page, name="Filature Agache", capacity=capacity, **fields)
    en_page = translate(fr_page, tree.locales["en"], title="Open days", slug=f"open-days-{number}")
    en_row = EventSite.objects.get(page=en_page)
    return Offer(fr_page, en_page, fr_row, en_row)


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def text_of(response, selector: str) -> str:
    element = soup(response).select_one(selector)
    assert element is not None, f"nothing matches {selector!r}"
    return element.get_text(" ", strip=True)


def texts_of(response, selector: str) -> list[str]:
    return [e.get_text(" ", strip=True) for e in soup(response).select(selector)]


def form_errors(response) -> list[str]:
    """Field errors and errors about the whole form, as the visitor reads them."""
    return texts_of(response, ".form .error, .form .message--error p")


def group(name, email, seats, organisation="École Jules Ferry") -> dict:
    return {
        "kind": Kind.GROUP,
        "name": name,
        "email": email,
        "organisation": organisation,
        "seats": str(seats),
    }


def person(name, email) -> dict:
    return {"kind": Kind.INDIVIDUAL, "name": name, "email": email}


@pytest.fixture
def submit(client, django_capture_on_commit_callbacks):
    """POST the registration form as a visitor would, emails included; returns the response
    (the page shown after the redirect, or the form again)."""

    def submit(url, data, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, {"phone": "", "seats": "", **data}, follow=True, **extra)

    return submit


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run service calls as if their transaction committed (emails go out)."""

    def committed():
        return django_capture_on_commit_callbacks(execute=True)

    return committed


@pytest.fixture
def take(committed):
    """Register through the service directly (for tests about what happens afterwards)."""

    def take(offer, email, seats=1, *, name=None, language="en", row=None):
        with committed():
            return services.registration_create(
                slot=Slot(row or offer.en_row),
                kind=Kind.GROUP if seats > 1 else Kind.INDIVIDUAL,
                name=name or email.split("@")[0].title(),
                email=email,
                seats=seats,
                organisation="Collège Anne Frank" if seats > 1 else "",
                language=language,
            )

    return take


def statuses(*registrations) -> list[str]:
    return [Registration.objects.get(pk=r.pk).status for r in registrations]


def confirmed_seats(offer) -> int:
    return sum(
        Registration.objects.filter(
            slot_key=offer.en_row.translation_key, status=Status.CONFIRMED
        ).values_list("seats", flat=True)
    )


def sent(to: str) -> list[str]:
    """Subjects of the emails sent to `to`, in order."""
    return [message.subject for message in mail.outbox if message.to == [to]]


def only_email_to(to: str):
    messages = [message for message in mail.outbox if message.to == [to]]
    assert len(messages) == 1, [m.subject for m in messages]
    return messages[0]


def cancel_path(message) -> str:
    links = CANCEL_LINK.findall(message.body)
    assert len(links) == 1, message.body
    return urlsplit(links[0]).path


# --- the whole story, in the demo site ----------------------------------------------------------


@pytest.mark.slow
def test_done_in_the_demo_site(
    db, client, django_user_model, django_capture_on_commit_callbacks, submit, paris_past_midnight
):
    """1. A school class of 25 registers for the 30-seat open-factory site; 2. a group of 10
    goes on the waiting list; 3. cancelling the class promotes the group, each person getting
    the right email; 4. the organiser exports the list.

    The demo's events have fixed dates (its texts name the days): the clock is pinned before
    the open-factory days, whose registration closes when they start."""
    call_command("load_demo", stdout=io.StringIO())
    cache.clear()
    site = EventSite.objects.select_related("page").get(
        capacity=30, page__locale__language_code="en"
    )
    german = EventSite.objects.select_related("page").get(
        translation_key=site.translation_key, page__locale__language_code="de"
    )
    event = site.page.specific
    assert event.kind == EventPage.Kind.OPEN_FACTORY
    form = f"{event.url}register/{site.pk}/"
    title = f"{event.title} – {site.name}"

    # 1. A teacher registers a school class of 25.
    page = submit(form, group("Mme Lefebvre", "lefebvre@ecole.invalid", 25))
    assert text_of(page, ".messages .message--success") == (
        "Your registration is confirmed. A confirmation email is on its way to "
        "lefebvre@ecole.invalid."
    )
    assert text_of(page, ".availability") == "5 seats left"
    assert sent("lefebvre@ecole.invalid") == [f"Registration confirmed: {title}"]

    # 2. A group of 10 does not fit in the 5 seats left: waiting list, and told so plainly.
    page = submit(form, group("M. Durand", "durand@asso.invalid", 10, organisation="Amicale"))
    assert text_of(page, ".messages .message--warning") == (
        "All seats are taken: you are on the waiting list. We will email durand@asso.invalid "
        "if a seat becomes free."
    )
    assert sent("durand@asso.invalid") == [f"On the waiting list: {title}"]
    # Every language shows the same seats, aliases included.
    german_page = client.get(german.page.url)
    assert text_of(german_page, f"#site-{german.pk} .availability").startswith("5 ")

    # 3. The teacher cancels with the link from the confirmation: the group is promoted.
    link = cancel_path(only_email_to("lefebvre@ecole.invalid"))
    assert Registration.objects.get(email="lefebvre@ecole.invalid").status == Status.CONFIRMED
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(link)
    assert "This registration is cancelled." in text_of(done, ".message--success")
    assert sent("lefebvre@ecole.invalid") == [
        f"Registration confirmed: {title}",
        f"Registration cancelled: {title}",
    ]
    assert sent("durand@asso.invalid") == [
        f"On the waiting list: {title}",
        f"A seat is free – your registration is confirmed: {title}",
    ]
    assert "now confirmed" in mail.outbox[-1].body
    assert text_of(client.get(event.url), f"#site-{site.pk} .availability") == "20 seats left"

    # 4. The organiser exports the list of this site.
    organiser = admin_client(client, django_user_model, "en", browser="en")
    overview = organiser.get(reverse("registrations:overview"))
    export_link = soup(overview).find("a", string="Export CSV")["href"]
    response = organiser.get(export_link)
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    assert [(r["Name"], r["Email"], r["Status"], r["Seats"]) for r in rows] == [
        ("Mme Lefebvre", "lefebvre@ecole.invalid", "Cancelled", "25"),
        ("M. Durand", "durand@asso.invalid", "Confirmed", "10"),
    ]
    assert {r["School or organisation"] for r in rows} == {"École Jules Ferry", "Amicale"}


# --- what the pages show ----------------------------------------------------------------------


def test_programme_page_and_form_show_the_seats_left(tree, client, take):
    offer = programme_session(tree, capacity=12)
    take(offer, "a@example.org")
    take(offer, "b@example.org", seats=3)

    programme = client.get(offer.en_page.url)
    form = client.get(offer.en_form)

    session = f"#session-{offer.en_row.pk}"
    assert text_of(programme, f"{session} .availability") == "8 seats left"
    assert text_of(programme, f"{session} a.button").startswith("Register")
    assert form.status_code == 200
    assert text_of(form, ".availability") == "8 seats left"
    assert soup(form).select_one("form.form") is not None


def test_a_full_session_says_the_waiting_list_is_open(tree, client, take):
    offer = programme_session(tree, capacity=2)
    take(offer, "a@example.org", seats=2)

    programme = client.get(offer.en_page.url)
    form = client.get(offer.en_form)

    session = f"#session-{offer.en_row.pk}"
    assert text_of(programme, f"{session} .availability") == "Full – waiting list open"
    assert text_of(programme, f"{session} a.button").startswith("Join the waiting list")
    assert text_of(form, ".availability") == "Full – waiting list open"
    assert "you will be put on the waiting list" in text_of(form, ".container.prose")
    assert soup(form).select_one("form.form") is not None


def test_event_page_shows_the_availability_of_each_site(tree, client, take):
    offer = open_factory_site(tree, capacity=30)
    take(offer, "a@example.org", seats=25)

    page = client.get(offer.en_page.url)

    assert text_of(page, f"#site-{offer.en_row.pk} .availability") == "5 seats left"
    assert text_of(page, f"#site-{offer.en_row.pk} a.button").startswith("Register")


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"registration_deadline": in_days(-1)}, id="deadline-passed"),
        pytest.param(
            {"starts_at": in_days(-3, 9), "ends_at": in_days(-3, 17)}, id="session-in-the-past"
        ),
    ],
)
def test_a_closed_session_shows_closed_and_takes_nothing(tree, client, submit, fields):
    offer = programme_session(tree, capacity=12)
    offer.set(**fields)

    programme = client.get(offer.en_page.url)
    form = client.get(offer.en_form)
    after_post = submit(offer.en_form, person("Ada", "ada@example.org"))

    session = f"#session-{offer.en_row.pk}"
    assert text_of(programme, f"{session} .availability") == "Registration closed"
    assert soup(programme).select(f"{session} a.button") == []
    for response in (form, after_post):
        assert text_of(response, ".availability") == "Registration closed"
        assert "Registration for this session is closed." in text_of(response, ".container.prose")
        assert soup(response).select_one("form.form") is None
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_a_form_sent_after_the_deadline_is_refused(tree, client, submit):
    """The visitor opened the form while it was open; the deadline passed before they sent it."""
    offer = programme_session(tree, starts_at=in_days(5, 9), ends_at=in_days(5, 17))
    assert text_of(client.get(offer.en_form), ".availability") == "12 seats left"
    offer.set(registration_deadline=in_days(0, 0))

    response = submit(offer.en_form, person("Ada", "ada@example.org"))

    assert text_of(response, ".availability") == "Registration closed"
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_a_site_without_capacity_takes_no_registration(tree, client, submit):
    offer = open_factory_site(tree, capacity=None)

    page = client.get(offer.en_page.url)
    response = submit(offer.en_form, person("Ada", "ada@example.org"))

    assert soup(page).select(f"#site-{offer.en_row.pk} .availability") == []
    assert text_of(response, ".availability") == "Registration closed"
    assert not Registration.objects.exists()


def test_a_page_only_opens_forms_for_its_own_sessions_and_sites(tree, client):
    session = programme_session(tree)
    other = programme_session(tree)
    site = open_factory_site(tree)

    assert client.get(f"{session.en_page.url}register/{other.en_row.pk}/").status_code == 404
    assert client.get(f"{site.en_page.url}register/{session.en_row.pk}/").status_code == 404
    assert client.get(f"{session.en_page.url}register/{session.en_row.pk}/").status_code == 200


@override_settings(REGISTRATION_RETENTION_DAYS=30)
def test_the_form_carries_a_short_privacy_notice(tree, client):
    offer = programme_session(tree)

    notice = text_of(client.get(offer.en_form), "form .privacy-notice")

    assert notice.startswith("We use your details only to manage this registration")
    assert "never passed on" in notice
    assert "anonymised 30 days after the event" in notice


# --- registering: confirmation, waiting list, emails ------------------------------------------


def test_an_individual_registration_is_confirmed_and_emailed(tree, submit):
    offer = programme_session(tree, capacity=12)

    page = submit(
        offer.en_form,
        {**person("Ada Lovelace", "ada@example.org"), "phone": "+33 6 00 00 00 00"},
    )

    assert page.redirect_chain == [(offer.en_form, 302)]
    assert "Your registration is confirmed" in text_of(page, ".messages")
    assert text_of(page, ".availability") == "11 seats left"
    registration = Registration.objects.get()
    assert (registration.name, registration.email, registration.phone) == (
        "Ada Lovelace",
        "ada@example.org",
        "+33 6 00 00 00 00",
    )
    assert (registration.kind, registration.seats, registration.status) == (
        Kind.INDIVIDUAL,
        1,
        Status.CONFIRMED,
    )
    assert registration.language == "en"
    email = only_email_to("ada@example.org")
    assert email.subject == "Registration confirmed: Finding patrons"
    assert "Hello Ada Lovelace," in email.body
    assert "Your registration is confirmed." in email.body
    assert offer.en_page.full_url in email.body
    assert cancel_path(email).startswith("/en/registration/cancel/")


def test_an_individual_counts_one_seat_whatever_size_is_sent(tree, submit):
    offer = programme_session(tree, capacity=12)

    submit(offer.en_form, {**person("Ada", "ada@example.org"), "seats": "7"})

    assert Registration.objects.get().seats == 1


def test_a_group_takes_its_size_in_seats(tree, submit):
    offer = open_factory_site(tree, capacity=30)

    page = submit(offer.en_form, group("Mme Lefebvre", "lefebvre@ecole.invalid", 25))

    registration = Registration.objects.get()
    assert (registration.kind, registration.seats, registration.organisation) == (
        Kind.GROUP,
        25,
        "École Jules Ferry",
    )
    assert text_of(page, ".availability") == "5 seats left"
    assert "Group: 25 people (École Jules Ferry)" in only_email_to("lefebvre@ecole.invalid").body


def test_registrations_beyond_capacity_go_on_the_waiting_list(tree, submit, take):
    offer = programme_session(tree, capacity=2)
    take(offer, "a@example.org")
    take(offer, "b@example.org")
    mail.outbox.clear()

    page = submit(offer.en_form, person("Carla", "carla@example.org"))

    assert "you are on the waiting list" in text_of(page, ".messages .message--warning")
    assert text_of(page, ".availability") == "Full – waiting list open"
    assert Registration.objects.get(email="carla@example.org").status == Status.WAITING
    assert confirmed_seats(offer) == 2
    email = only_email_to("carla@example.org")
    assert email.subject == "On the waiting list: Finding patrons"
    assert "in order of arrival" in email.body
    assert cancel_path(email)


def test_french_and_english_rows_share_the_same_seats(tree, submit, client):
    offer = programme_session(tree, capacity=3)

    submit(offer.fr_form, group("Mme Martin", "martin@ecole.invalid", 2))
    submit(offer.en_form, person("Ada", "ada@example.org"))
    last = submit(offer.fr_form, person("Jean", "jean@example.org"))

    by_email = {r.email: r for r in Registration.objects.all()}
    assert {e: r.status for e, r in by_email.items()} == {
        "martin@ecole.invalid": Status.CONFIRMED,
        "ada@example.org": Status.CONFIRMED,
        "jean@example.org": Status.WAITING,
    }
    assert {r.slot_key for r in by_email.values()} == {offer.en_row.translation_key}
    assert by_email["martin@ecole.invalid"].session == offer.fr_row
    assert by_email["martin@ecole.invalid"].language == "fr"
    assert by_email["ada@example.org"].session == offer.en_row
    assert last.status_code == 200
    for page in (offer.fr_page, offer.en_page):
        availability = soup(client.get(page.url)).select(".availability")
        assert [e["class"] for e in availability] == [["availability", "availability--full"]]
    # The same person cannot register again through the other language.
    again = submit(offer.en_form, group("Mme Martin", "MARTIN@ecole.invalid", 2))
    assert again.status_code == 400
    assert "This email address is already registered." in form_errors(again)


# --- bad input: clear errors, nothing changed -------------------------------------------------


def assert_nothing_taken(before: int = 0):
    assert Registration.objects.count() == before
    assert mail.outbox == []


def test_an_invalid_email_is_refused(tree, submit):
    offer = programme_session(tree)

    response = submit(offer.en_form, person("Ada", "ada-at-example.org"))

    assert response.status_code == 400
    assert form_errors(response) == ["Enter a valid email address."]
    assert soup(response).select_one("#id_name")["value"] == "Ada"
    assert_nothing_taken()


def test_a_group_larger_than_the_session_is_refused(tree, submit):
    offer = open_factory_site(tree, capacity=30)

    response = submit(offer.en_form, group("Mme Lefebvre", "lefebvre@ecole.invalid", 31))

    assert response.status_code == 400
    assert form_errors(response) == ["This group is larger than the 30 seats available in total."]
    assert_nothing_taken()


def test_a_group_needs_its_size_and_organisation(tree, submit):
    offer = open_factory_site(tree, capacity=30)

    response = submit(
        offer.en_form,
        {"kind": Kind.GROUP, "name": "M. Durand", "email": "durand@asso.invalid"},
    )

    assert response.status_code == 400
    assert form_errors(response) == [
        "Please give the school or organisation name.",
        "Please give the size of the group.",
    ]
    assert_nothing_taken()


def test_the_same_email_cannot_register_twice_for_a_session(tree, submit, take):
    offer = programme_session(tree)
    take(offer, "ada@example.org")
    mail.outbox.clear()

    response = submit(offer.en_form, person("Ada again", " Ada@Example.org"))

    assert response.status_code == 400
    assert form_errors(response) == ["This email address is already registered."]
    assert_nothing_taken(before=1)


def test_the_same_email_may_register_for_another_session(tree, submit, take):
    first = programme_session(tree)
    second = programme_session(tree)
    take(first, "ada@example.org")

    submit(second.en_form, person("Ada", "ada@example.org"))

    assert Registration.objects.filter(email="ada@example.org").count() == 2


def test_after_cancelling_one_can_register_again(tree, submit, committed, take):
    offer = programme_session(tree)
    registration = take(offer, "ada@example.org")
    with committed():
        services.registration_cancel(registration=registration)

    response = submit(offer.en_form, person("Ada", "ada@example.org"))

    assert "Your registration is confirmed" in text_of(response, ".messages")
    assert sorted(Registration.objects.values_list("status", flat=True)) == [
        Status.CANCELLED,
        Status.CONFIRMED,
    ]


def test_the_service_refuses_what_the_form_refuses(tree, take):
    """Callers other than the form (the admin, scripts) get the same rules."""
    offer = programme_session(tree, capacity=4)
    take(offer, "ada@example.org")

    with pytest.raises(services.RegistrationError) as duplicate:
        take(offer, "ADA@example.org")
    with pytest.raises(services.RegistrationError) as too_large:
        take(offer, "big@example.org", seats=5)
    offer.set(registration_deadline=in_days(-1))
    with pytest.raises(services.RegistrationError) as closed:
        take(offer, "late@example.org")

    assert duplicate.value.code == "duplicate"
    assert too_large.value.code == "too_large"
    assert closed.value.messages == ["Registration for this session is closed."]
    assert Registration.objects.count() == 1


# --- the waiting list -------------------------------------------------------------------------


def test_a_new_registration_is_confirmed_when_its_seats_fit(tree, take):
    """Capacity 30: a class of 25 is confirmed, a group of 10 waits, yet a group of 4 arriving
    later fits in the 5 seats left and is confirmed: seats that fit are taken."""
    offer = open_factory_site(tree, capacity=30)

    class_ = take(offer, "class@ecole.invalid", seats=25)
    ten = take(offer, "ten@asso.invalid", seats=10)
    four = take(offer, "four@asso.invalid", seats=4)
    one = take(offer, "one@example.org")
    two = take(offer, "two@example.org", seats=2)

    assert statuses(class_, ten, four, one, two) == [
        Status.CONFIRMED,
        Status.WAITING,
        Status.CONFIRMED,
        Status.CONFIRMED,
        Status.WAITING,
    ]
    assert confirmed_seats(offer) == 30


def test_cancelling_promotes_the_waiting_list_in_order_of_arrival(tree, take, committed):
    offer = open_factory_site(tree, capacity=30)
    class_ = take(offer, "class@ecole.invalid", seats=25)
    take(offer, "four@asso.invalid", seats=4)
    ten = take(offer, "ten@asso.invalid", seats=10)
    eight = take(offer, "eight@asso.invalid", seats=8)
    two = take(offer, "two@example.org", seats=2)
    nine = take(offer, "nine@asso.invalid", seats=9)
    mail.outbox.clear()

    with committed():
        promoted = services.registration_cancel(registration=class_)

    # 26 seats free: 10, then 8, then 2 (20); the 9 that came last no longer fits in 6.
    assert [r.email for r in promoted] == [
        "ten@asso.invalid",
        "eight@asso.invalid",
        "two@example.org",
    ]
    assert statuses(ten, eight, two, nine) == [Status.CONFIRMED] * 3 + [Status.WAITING]
    assert confirmed_seats(offer) == 24
    for email in ("ten@asso.invalid", "eight@asso.invalid", "two@example.org"):
        assert sent(email) == [
            "A seat is free – your registration is confirmed: Open days – Filature Agache"
        ]
    assert sent("nine@asso.invalid") == []
    assert sent("class@ecole.invalid") == ["Registration cancelled: Open days – Filature Agache"]


def test_a_group_is_promoted_only_when_its_whole_size_fits(tree, take, committed):
    offer = programme_session(tree, capacity=10)
    take(offer, "six@asso.invalid", seats=6)
    four = take(offer, "four@asso.invalid", seats=4)
    five = take(offer, "five@asso.invalid", seats=5)
    three = take(offer, "three@asso.invalid", seats=3)

    with committed():
        services.registration_cancel(registration=four)

    # 4 seats free: the group of 5, first in line, would not fit whole; the group of 3 does.
    assert statuses(five, three) == [Status.WAITING, Status.CONFIRMED]
    assert confirmed_seats(offer) == 9


def test_cancelling_a_waiting_registration_promotes_nobody(tree, take, committed):
    offer = programme_session(tree, capacity=2)
    take(offer, "a@example.org", seats=2)
    first = take(offer, "first@example.org")
    second = take(offer, "second@example.org")
    mail.outbox.clear()

    with committed():
        promoted = services.registration_cancel(registration=first)

    assert promoted == []
    assert statuses(first, second) == [Status.CANCELLED, Status.WAITING]
    assert [m.to for m in mail.outbox] == [["first@example.org"]]


# --- the cancel link --------------------------------------------------------------------------


def test_opening_the_cancel_link_asks_before_cancelling(tree, client, take):
    offer = programme_session(tree)
    take(offer, "ada@example.org", name="Ada Lovelace")
    link = cancel_path(only_email_to("ada@example.org"))

    response = client.get(link)

    assert response.status_code == 200
    assert "Registration of Ada Lovelace. It is confirmed." in text_of(response, ".container.prose")
    assert text_of(response, "main form button") == "Cancel my registration"
    assert Registration.objects.get().status == Status.CONFIRMED


def test_the_cancel_link_cancels_on_post_and_frees_the_seat(
    tree, client, take, django_capture_on_commit_callbacks
):
    offer = programme_session(tree, capacity=1)
    ada = take(offer, "ada@example.org")
    bob = take(offer, "bob@example.org")
    link = cancel_path(only_email_to("ada@example.org"))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link)
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(link)

    assert response.status_code == again.status_code == 200
    assert "This registration is cancelled." in text_of(again, ".message--success")
    assert statuses(ada, bob) == [Status.CANCELLED, Status.CONFIRMED]
    assert Registration.objects.get(pk=ada.pk).cancelled_at is not None
    # The second POST changes nothing and sends nothing more.
    assert sent("ada@example.org") == ["Registration cancelled: Finding patrons"]
    assert sent("bob@example.org") == [
        "A seat is free – your registration is confirmed: Finding patrons"
    ]


def test_a_waiting_registration_can_be_cancelled_with_its_link(tree, client, take, committed):
    offer = programme_session(tree, capacity=1)
    take(offer, "ada@example.org")
    waiting = take(offer, "bob@example.org")
    link = cancel_path(only_email_to("bob@example.org"))

    assert "It is on the waiting list." in text_of(client.get(link), ".container.prose")
    with committed():
        client.post(link)

    assert statuses(waiting) == [Status.CANCELLED]
    assert confirmed_seats(offer) == 1


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"), id="signature"),
        pytest.param(lambda token: ("2" if token[0] == "1" else "1") + token[1:], id="payload"),
        pytest.param(lambda token: "not-a-token", id="garbage"),
    ],
)
def test_a_tampered_cancel_link_is_refused_and_changes_nothing(
    tree, client, take, committed, tamper
):
    offer = programme_session(tree)
    registration = take(offer, "ada@example.org")
    prefix, token = cancel_path(only_email_to("ada@example.org")).rstrip("/").rsplit("/", 1)
    bad_link = f"{prefix}/{tamper(token)}/"
    mail.outbox.clear()

    with committed():
        get = client.get(bad_link)
        post = client.post(bad_link)

    assert get.status_code == post.status_code == 400
    assert text_of(post, "h1") == "This link is not valid"
    assert statuses(registration) == [Status.CONFIRMED]
    assert mail.outbox == []


# --- spam -------------------------------------------------------------------------------------


def test_the_honeypot_looks_like_success_and_keeps_nothing(tree, submit):
    offer = programme_session(tree)

    response = submit(offer.en_form, {**person("Bot", "bot@spam.invalid"), "website_url": "x"})

    assert response.status_code == 200
    assert text_of(response, ".messages .message--success") == (
        "Thank you, your registration has been received."
    )
    assert_nothing_taken()


@override_settings(REGISTRATION_FORM_RATE="3/d")
def test_too_many_registrations_from_one_ip_are_refused(tree, submit):
    # A window of a day, not a minute: a minute window could roll over during the test.
    cache.clear()
    offer = programme_session(tree)
    for number in range(3):
        ok = submit(offer.en_form, person("Ada", f"ada{number}@example.org"))
        assert ok.status_code == 200, number
    mail.outbox.clear()

    refused = submit(offer.en_form, person("Ada", "ada3@example.org"))
    other_ip = submit(offer.en_form, person("Bob", "bob@example.org"), REMOTE_ADDR="198.51.100.7")

    assert refused.status_code == 429
    assert text_of(refused, ".messages .message--error").startswith(
        "Several registrations came from your connection in a short time."
    )
    assert not Registration.objects.filter(email="ada3@example.org").exists()
    assert other_ip.status_code == 200
    assert sorted(Registration.objects.values_list("email", flat=True)) == [
        "ada0@example.org",
        "ada1@example.org",
        "ada2@example.org",
        "bob@example.org",
    ]
    assert sent("ada3@example.org") == []


@pytest.fixture
def organiser(client, django_user_model):
    """A client logged in as a superuser who reads English: in the admin (profile) and in the
    browser."""
    return admin_client(client, django_user_model, "en", browser="en")


def admin_client(client, django_user_model, language, *, browser):
    user = django_user_model.objects.create_superuser(
        username="organiser", email="organiser@fabrique.invalid", password="x"
    )
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = browser
    return client


def export_rows(client, **params) -> list[dict]:
    response = client.get(reverse("registrations:index"), {**params, "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(content)))


# --- the admin --------------------------------------------------------------------------------


def admin_messages(response) -> str:
    return " ".join(texts_of(response, ".messages li"))


def test_overview_counts_each_session_and_site(tree, organiser, take, committed):
    session = programme_session(tree, capacity=2)
    site = open_factory_site(tree, capacity=30)
    a = take(session, "a@example.org")
    take(session, "b@example.org")
    take(session, "c@example.org")
    take(session, "d@example.org", row=session.fr_row, language="fr")
    take(site, "class@ecole.invalid", seats=25)
    take(site, "ten@asso.invalid", seats=10)
    with committed():
        services.registration_cancel(registration=a)

    response = organiser.get(reverse("registrations:overview"))

    assert response.status_code == 200
    rows = [
        [td.get_text(strip=True) for td in tr.select("td")][:5]
        for tr in soup(response).select("table.listing tbody tr")
    ]
    # One row per session whatever the language registered in (the title is one of them).
    # Session: a cancelled, b confirmed, c promoted when a cancelled, d (French) waiting.
    assert len(rows) == 2
    session_row, site_row = sorted(rows, key=lambda row: row[0] == "Open days – Filature Agache")
    assert session_row[0] in ("Finding patrons", "Trouver des mécènes")
    assert session_row[1:] == ["2", "2", "1", "1"]
    assert site_row == ["Open days – Filature Agache", "25", "1", "1", "0"]


def test_admin_list_is_filtered_by_session(tree, organiser, take):
    session = programme_session(tree)
    site = open_factory_site(tree)
    take(session, "trainee@example.org", name="Trainee")
    take(site, "visitor@example.org", name="Visitor")

    response = organiser.get(
        reverse("registrations:index"), {"slot_key": str(site.en_row.translation_key)}
    )

    assert response.status_code == 200
    names = texts_of(response, "table.listing tbody tr td:first-child")
    assert any("Visitor" in name for name in names)
    assert not any("Trainee" in name for name in names)


def test_csv_export_lists_every_registration_with_its_status(tree, organiser, take, committed):
    offer = programme_session(tree, capacity=2)
    ada = take(offer, "ada@example.org", name="Ada")
    take(offer, "bob@example.org", name="Bob")
    take(offer, "cleo@example.org", seats=2, name="Cléo")
    with committed():
        services.registration_cancel(registration=ada)

    rows = export_rows(organiser)

    assert [(r["Name"], r["Email"], r["Status"], r["Seats"], r["Kind"]) for r in rows] == [
        ("Ada", "ada@example.org", "Cancelled", "1", "Individual"),
        ("Bob", "bob@example.org", "Confirmed", "1", "Individual"),
        ("Cléo", "cleo@example.org", "Waiting list", "2", "Group (school class, organisation)"),
    ]
    assert {r["Registered for"] for r in rows} == {"Finding patrons"}


def test_csv_export_hands_no_formula_to_the_organiser(tree, organiser, submit):
    offer = open_factory_site(tree, capacity=30)
    submit(
        offer.en_form,
        {
            **group('=HYPERLINK("http://evil.invalid","clic")', "evil@example.org", 2),
            "organisation": "@SUM(1+1)",
            "phone": "+33 1 23 45 67 89",
        },
    )

    (row,) = export_rows(organiser)

    # A spreadsheet shows a cell that starts with ' as text: nothing to click, nothing run.
    assert row["Name"] == '\'=HYPERLINK("http://evil.invalid","clic")'
    assert row["School or organisation"] == "'@SUM(1+1)"
    assert row["Phone"] == "'+33 1 23 45 67 89"
    assert (row["Email"], row["Seats"]) == ("evil@example.org", "2")


def test_organiser_promotes_a_waiting_registration_when_seats_are_free(
    tree, organiser, take, django_capture_on_commit_callbacks
):
    offer = programme_session(tree, capacity=10)
    take(offer, "eight@asso.invalid", seats=8)
    five = take(offer, "five@asso.invalid", seats=5, name="Five")
    mail.outbox.clear()
    promote = reverse("registrations:promote", args=[five.pk])

    # 2 seats left: the group of 5 does not fit.
    with django_capture_on_commit_callbacks(execute=True):
        refused = organiser.post(promote, follow=True)
    assert "Not enough seats left to confirm this registration (5 needed)." in (
        admin_messages(refused)
    )
    assert statuses(five) == [Status.WAITING]
    assert mail.outbox == []

    # The organiser adds seats in the editor, then promotes.
    offer.set(capacity=14)
    with django_capture_on_commit_callbacks(execute=True):
        done = organiser.post(promote, follow=True)
    assert "Five is now confirmed." in admin_messages(done)
    assert statuses(five) == [Status.CONFIRMED]
    assert sent("five@asso.invalid") == [
        "A seat is free – your registration is confirmed: Finding patrons"
    ]


def test_promote_and_cancel_only_accept_post(tree, organiser, take):
    offer = programme_session(tree, capacity=1)
    take(offer, "a@example.org")
    waiting = take(offer, "b@example.org")

    for name in ("promote", "cancel"):
        assert organiser.get(reverse(f"registrations:{name}", args=[waiting.pk])).status_code == 405
    assert statuses(waiting) == [Status.WAITING]


def test_organiser_cancels_and_the_waiting_list_moves_up(
    tree, organiser, take, django_capture_on_commit_callbacks
):
    offer = programme_session(tree, capacity=1)
    first = take(offer, "first@example.org", name="First")
    second = take(offer, "second@example.org")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser.post(reverse("registrations:cancel", args=[first.pk]), follow=True)

    assert "The registration of First is cancelled." in admin_messages(response)
    assert statuses(first, second) == [Status.CANCELLED, Status.CONFIRMED]
    assert sent("first@example.org") == ["Registration cancelled: Finding patrons"]
    assert sent("second@example.org") == [
        "A seat is free – your registration is confirmed: Finding patrons"
    ]


def test_registrations_cannot_be_added_in_the_admin(tree, organiser):
    programme_session(tree)
    add_url = reverse("registrations:add")

    index = organiser.get(reverse("registrations:index"))
    get = organiser.get(add_url)
    post = organiser.post(
        add_url, {"name": "X", "email": "x@example.org", "phone": "", "organisation": ""}
    )

    assert index.status_code == 200
    assert soup(index).select(f'a[href="{add_url}"]') == []
    assert get.status_code in (302, 403)
    assert post.status_code in (302, 403)
    assert not Registration.objects.exists()


def test_the_admin_is_closed_to_visitors_and_to_staff_without_permission(
    tree, client, django_user_model, take
):
    offer = programme_session(tree, capacity=1)
    take(offer, "a@example.org")
    waiting = take(offer, "b@example.org")
    urls = [
        reverse("registrations:index"),
        reverse("registrations:overview"),
        reverse("registrations:index") + "?export=csv",
    ]
    actions = [
        reverse("registrations:promote", args=[waiting.pk]),
        reverse("registrations:cancel", args=[Registration.objects.get(email="a@example.org").pk]),
    ]
    visitor = django_user_model.objects.create_user(username="visitor", password="x")
    editor = django_user_model.objects.create_user(username="editor", password="x")
    # Can open the Wagtail admin, but was given no permission on registrations.
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))

    for user in (None, visitor, editor):
        client.logout()
        if user is not None:
            client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code in (302, 403), (user, url)
            assert b"a@example.org" not in b"".join(
                getattr(response, "streaming_content", [response.content])
            )
        for url in actions:
            assert client.post(url).status_code in (302, 403), (user, url)

    assert statuses(waiting) == [Status.WAITING]
    assert Registration.objects.filter(status=Status.CONFIRMED).count() == 1


# --- reminders --------------------------------------------------------------------------------


def test_reminders_go_once_to_confirmed_people_two_days_ahead(tree, take, committed):
    tomorrow = programme_session(tree, capacity=1, starts_at=in_days(1, 9), ends_at=in_days(1, 17))
    later = programme_session(tree, starts_at=in_days(5, 9), ends_at=in_days(5, 17))
    site = open_factory_site(tree, capacity=30, start=in_days(1, 14))
    take(tomorrow, "soon@example.org")
    take(tomorrow, "waiting@example.org")
    cancelled = take(site, "cancelled@example.org")
    take(site, "visitor@example.org", seats=3)
    take(later, "later@example.org")
    with committed():
        services.registration_cancel(registration=cancelled)
    mail.outbox.clear()

    output = io.StringIO()
    with committed():
        call_command("send_event_reminders", stdout=output)
        call_command("send_event_reminders", stdout=output)

    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("soon@example.org", "Reminder: Finding patrons"),
        ("visitor@example.org", "Reminder: Open days – Filature Agache"),
    ]
    assert output.getvalue().split("\n")[:2] == ["Reminders sent: 2", "Reminders sent: 0"]
    reminder = only_email_to("soon@example.org")
    assert "A reminder that you are registered for:" in reminder.body
    assert cancel_path(reminder)


def test_someone_promoted_after_the_reminders_gets_one_next_run(tree, take, committed):
    offer = programme_session(tree, capacity=1, starts_at=in_days(1, 9), ends_at=in_days(1, 17))
    first = take(offer, "first@example.org")
    take(offer, "second@example.org")
    with committed():
        call_command("send_event_reminders", stdout=io.StringIO())
        services.registration_cancel(registration=first)
        call_command("send_event_reminders", stdout=io.StringIO())

    assert sent("first@example.org")[-1] == "Registration cancelled: Finding patrons"
    assert sent("second@example.org")[-2:] == [
        "A seat is free – your registration is confirmed: Finding patrons",
        "Reminder: Finding patrons",
    ]


# --- anonymisation ----------------------------------------------------------------------------


def move_to_past(offer, days_ago: int) -> None:
    """The session took place `days_ago` days ago (registrations were taken before)."""
    if isinstance(offer.en_row, ProgrammeSession):
        offer.set(starts_at=in_days(-days_ago, 9), ends_at=in_days(-days_ago, 17))
    else:
        type(offer.en_page).objects.filter(translation_key=offer.en_page.translation_key).update(
            start=in_days(-days_ago - 1, 10), end=in_days(-days_ago, 18)
        )


def test_purge_anonymises_registrations_long_after_the_event(tree, take, committed):
    old_session = programme_session(tree)
    old_site = open_factory_site(tree, capacity=30)
    recent = programme_session(tree)
    upcoming = programme_session(tree)
    old = take(old_session, "old@example.org", name="Old Person")
    old_group = take(old_site, "teacher@ecole.invalid", seats=12, name="Teacher")
    with committed():
        services.registration_cancel(registration=old)
    old_two = take(old_session, "old2@example.org", name="Old Two")
    Registration.objects.filter(pk=old_two.pk).update(phone="+33 6 11 11 11 11")
    fresh = take(recent, "recent@example.org", name="Recent")
    future = take(upcoming, "future@example.org", name="Future")
    move_to_past(old_session, 100)
    move_to_past(old_site, 91)
    move_to_past(recent, 10)

    output = io.StringIO()
    call_command("purge_registrations", stdout=output)

    assert output.getvalue().strip() == "Registrations anonymised: 3"
    for registration in (old, old_group, old_two):
        registration.refresh_from_db()
        assert (registration.name, registration.phone, registration.organisation) == ("", "", "")
        assert registration.email.endswith("@invalid")
        assert "example.org" not in registration.email and "ecole" not in registration.email
        assert registration.anonymised_at is not None
    # Counts for statistics stay.
    assert (old_group.status, old_group.seats) == (Status.CONFIRMED, 12)
    assert old.status == Status.CANCELLED
    for registration in (fresh, future):
        registration.refresh_from_db()
        assert registration.anonymised_at is None
    assert (fresh.name, fresh.email) == ("Recent", "recent@example.org")
    assert (future.name, future.email) == ("Future", "future@example.org")


def test_purge_days_option_and_setting(tree, take):
    offer = programme_session(tree)
    registration = take(offer, "ada@example.org")
    move_to_past(offer, 10)

    with override_settings(REGISTRATION_RETENTION_DAYS=30):
        call_command("purge_registrations", stdout=io.StringIO())
    call_command("purge_registrations", "--days", "11", stdout=io.StringIO())
    registration.refresh_from_db()
    assert registration.email == "ada@example.org"

    call_command("purge_registrations", "--days", "9", stdout=io.StringIO())
    registration.refresh_from_db()
    assert registration.email != "ada@example.org"
    assert registration.name == ""


def test_purge_reads_the_retention_setting(tree, take):
    offer = programme_session(tree)
    registration = take(offer, "ada@example.org")
    move_to_past(offer, 10)

    with override_settings(REGISTRATION_RETENTION_DAYS=5):
        call_command("purge_registrations", stdout=io.StringIO())

    registration.refresh_from_db()
    assert registration.anonymised_at is not None


def test_anonymised_registrations_get_no_more_email(tree, take, committed):
    offer = programme_session(tree, capacity=1)
    take(offer, "ada@example.org")
    Registration.objects.update(anonymised_at=in_days(0))
    mail.outbox.clear()

    with committed():
        call_command("send_event_reminders", "--days", "60", stdout=io.StringIO())

    assert mail.outbox == []


# --- wording, languages and organisers' edits ---------------------------------------------------


def test_emails_show_names_and_titles_as_typed(tree, take):
    """Plain-text emails are not HTML: an apostrophe stays an apostrophe."""
    offer = programme_session(tree, title="Visite de l'usine")

    take(
        offer,
        "zoe@example.org",
        name="Zoé O'Neil",
        row=offer.fr_row,
        language="fr",
    )

    email = only_email_to("zoe@example.org")
    assert email.subject.endswith("Visite de l'usine")
    assert "Zoé O'Neil" in email.body
    assert "&#x27;" not in email.subject + email.body


def test_one_seat_left_is_singular(tree, client, take):
    offer = programme_session(tree, capacity=2)
    take(offer, "a@example.org")

    page = client.get(offer.en_page.url)

    assert text_of(page, f"#session-{offer.en_row.pk} .availability") == "1 seat left"


def test_a_french_visitor_reads_the_registration_in_french(tree, submit):
    """The site is French first and its catalogues are complete for everything else."""
    offer = programme_session(tree, capacity=12)

    page = submit(offer.fr_form, person("Jeanne", "jeanne@example.org"))

    assert text_of(page, ".availability") == "11 places restantes"
    assert text_of(page, ".messages") == (
        "Votre inscription est confirmée. "
        "Un courriel de confirmation est en route vers jeanne@example.org."
    )
    email = only_email_to("jeanne@example.org")
    assert email.subject == "Inscription confirmée : Trouver des mécènes"
    assert email.body.startswith("Bonjour")


def test_csv_export_follows_the_organisers_admin_language(tree, client, django_user_model, take):
    """An organiser who chose English in the admin, in a browser set to French, gets English
    column headings and statuses, as on the admin pages."""
    offer = programme_session(tree)
    take(offer, "ada@example.org", name="Ada")
    organiser = admin_client(client, django_user_model, "en", browser="fr")

    assert "Registered for" in text_of(organiser.get(reverse("registrations:index")), "table")
    rows = export_rows(organiser)

    assert list(rows[0])[:5] == ["Registered for", "Status", "Kind", "Seats", "Name"]
    assert rows[0]["Status"] == "Confirmed"


def test_an_organiser_editing_an_email_into_a_duplicate_gets_a_form_error(tree, organiser, take):
    offer = programme_session(tree)
    take(offer, "ada@example.org")
    bob = take(offer, "bob@example.org", name="Bob")
    organiser.raise_request_exception = False

    response = organiser.post(
        reverse("registrations:edit", args=[bob.pk]),
        {"name": "Bob", "email": "ada@example.org", "phone": "", "organisation": ""},
    )

    assert response.status_code == 200
    assert "already registered" in text_of(response, "form")
    assert Registration.objects.get(pk=bob.pk).email == "bob@example.org"


def test_deleting_in_the_admin_cannot_bypass_the_waiting_list(
    tree, organiser, take, django_capture_on_commit_callbacks
):
    """Seats and statuses only move through promote and cancel: deleting a registration in
    the admin is refused, and the seat stays taken until the registration is cancelled."""
    offer = programme_session(tree, capacity=1)
    confirmed = take(offer, "first@example.org")
    waiting = take(offer, "second@example.org")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        organiser.post(reverse("registrations:delete", args=[confirmed.pk]))

    assert statuses(confirmed, waiting) == [Status.CONFIRMED, Status.WAITING]
    assert confirmed_seats(offer) == 1
    assert mail.outbox == []


def test_raising_the_capacity_and_publishing_promotes_the_waiting_list(tree, take, committed):
    offer = programme_session(tree, capacity=2)
    take(offer, "a@example.org", seats=2)
    waiting = take(offer, "b@example.org")
    assert statuses(waiting) == [Status.WAITING]

    page = refreshed(offer.fr_page)
    sessions = list(page.sessions.all())
    sessions[0].capacity = 3
    page.sessions = sessions  # as the admin form does: the revision carries the new capacity
    with committed():
        page.save_revision().publish()

    assert statuses(waiting) == [Status.CONFIRMED]
    assert confirmed_seats(offer) == 3
    assert any("confirmed" in subject.lower() for subject in sent("b@example.org"))
