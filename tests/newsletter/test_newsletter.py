"""The newsletter as visitors and editors meet it: the form (footer and page), double opt-in by
email, unsubscribe links (page and RFC 8058 one-click), spam defences and the admin export.

Emails go to Django's locmem outbox; transaction.on_commit callbacks are run by
`django_capture_on_commit_callbacks`, as a real request's commit would.
"""

import csv
import io
import re
import time
from unittest import mock

from django.core import mail
from django.test import Client
from django.utils import timezone

from wagtail.models import ModelLogEntry
from wagtail.users.models import UserProfile

import pytest
from bs4 import BeautifulSoup

from home.newsletter import tokens
from home.newsletter.models import Audience, Status, Subscription
from home.newsletter.selectors import subscribers_for_audience
from tests.factories import StandardPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

LANGUAGES = ["fr", "en", "de", "lb", "nl"]
EXPORT_URL = "/admin/newsletter/subscribers/"


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def link(body: str, kind: str) -> str:
    """The path of the confirm or unsubscribe link in a plain-text email body."""
    match = re.search(rf"http://testserver(/\w+/newsletter/{kind}/[^/\s]+/)", body)
    assert match, f"no {kind} link in:\n{body}"
    return match.group(1)


@pytest.fixture
def subscribe(client, django_capture_on_commit_callbacks):
    """POST the form as a visitor would, running the on-commit email like a real request."""

    def post(email="jeanne@example.org", audiences=("teachers",), language="fr", **extra):
        data = {"email": email, "audiences": list(audiences), **extra}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(f"/{language}/newsletter/", data)

    return post


def confirmed(email, audience, language="fr") -> Subscription:
    return Subscription.objects.create(
        email=email,
        audience=audience,
        status=Status.CONFIRMED,
        language=language,
        confirmed_at=timezone.now(),
    )


# --- Subscribing -----------------------------------------------------------------------------


def test_subscribing_sends_one_confirmation_email_with_links_and_headers(subscribe, client):
    response = subscribe(audiences=["teachers", "public"], language="en")

    assert response.status_code == 302
    assert response["Location"] == "/en/newsletter/check-your-inbox/"
    assert "Check your inbox" in client.get(response["Location"]).text
    rows = Subscription.objects.order_by("audience")
    assert [(s.email, s.audience, s.status, s.language) for s in rows] == [
        ("jeanne@example.org", "public", Status.PENDING, "en"),
        ("jeanne@example.org", "teachers", Status.PENDING, "en"),
    ]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jeanne@example.org"]
    # The page was English: so is the message, and so are its links.
    assert message.subject == "Please confirm your subscription to the Fabrique newsletter"
    assert "To confirm, open this link within 7 days" in message.body
    assert "- Teachers\n- General public\n" in message.body
    confirm_path = link(message.body, "confirm")
    unsubscribe_path = link(message.body, "unsubscribe")
    assert confirm_path.startswith("/en/") and unsubscribe_path.startswith("/en/")
    html = message.alternatives[0].content
    assert f'href="http://testserver{confirm_path}"' in html
    assert f'href="http://testserver{unsubscribe_path}"' in html
    # RFC 8058 one-click unsubscribe, for the mail client's own "Unsubscribe" button.
    assert re.fullmatch(
        r"<http://testserver/en/newsletter/unsubscribe/[^/]+/one-click/>",
        message.extra_headers["List-Unsubscribe"],
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_links_follow_the_language_of_the_page_the_form_was_sent_from(subscribe):
    subscribe(language="de")

    assert link(mail.outbox[0].body, "confirm").startswith("/de/newsletter/confirm/")
    assert Subscription.objects.get().language == "de"


def test_addresses_are_normalised_and_one_address_has_one_row_per_audience(subscribe):
    subscribe(email="  Jeanne.Martin@Example.ORG ", audiences=["teachers"])
    # The same address typed differently: the teachers row is refreshed, not duplicated.
    subscribe(email="jeanne.martin@EXAMPLE.org", audiences=["teachers", "members"])

    rows = Subscription.objects.order_by("audience")
    assert [s.audience for s in rows] == ["members", "teachers"]
    assert rows.get(audience="teachers").email == "Jeanne.Martin@example.org"
    assert mail.outbox[0].to == ["Jeanne.Martin@example.org"]
    assert mail.outbox[1].to == ["jeanne.martin@example.org"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "not-an-address", "audiences": ["teachers"]}, "email", "valid email"),
        ({"email": "", "audiences": ["teachers"]}, "email", "enter your email address"),
        ({"email": "jeanne@example.org"}, "audiences", "choose at least one audience"),
        ({"email": "jeanne@example.org", "audiences": ["spies"]}, "audiences", "valid choice"),
        # Would run as a formula when an editor opens the export in a spreadsheet.
        ({"email": "=1+2@example.org", "audiences": ["teachers"]}, "email", "valid email"),
    ],
)
def test_invalid_input_shows_the_form_with_errors_and_keeps_nothing(
    client, django_capture_on_commit_callbacks, data, field, message
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/newsletter/", data)

    assert response.status_code == 200
    page = soup(response)
    summary = page.select_one('.message--error[role="alert"]')
    assert message in summary.text.lower()
    assert summary.select_one(f'a[href="#id_{field}"]')
    assert message in page.select_one(f"#id_{field}_error").text.lower()
    if field == "email":
        assert page.select_one("#id_email")["aria-invalid"] == "true"
    assert not Subscription.objects.exists()
    assert mail.outbox == []


def test_asking_again_with_a_confirmed_address_is_neutral_and_keeps_the_subscription(
    subscribe, client
):
    subscription = confirmed("jeanne@example.org", "teachers")
    confirmed_at = subscription.confirmed_at

    known = subscribe(email="jeanne@example.org", audiences=["teachers"])
    unknown = subscribe(email="paul@example.org", audiences=["teachers"])

    # Same answer as for an address never seen: nothing tells a visitor who is subscribed.
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    subscription.refresh_from_db()
    assert subscription.status == Status.CONFIRMED
    assert subscription.confirmed_at == confirmed_at


def test_asking_again_after_unsubscribing_starts_a_new_opt_in(subscribe):
    Subscription.objects.create(
        email="jeanne@example.org", audience="teachers", status=Status.UNSUBSCRIBED
    )

    subscribe(email="jeanne@example.org", audiences=["teachers"], language="en")

    subscription = Subscription.objects.get()
    assert (subscription.status, subscription.language) == (Status.PENDING, "en")
    assert len(mail.outbox) == 1


# --- Confirming ------------------------------------------------------------------------------


def test_the_confirm_link_shows_a_button_and_only_the_button_confirms(subscribe, client):
    subscribe(audiences=["teachers", "members"], language="en")
    confirm_path = link(mail.outbox[0].body, "confirm")

    # A mail scanner opening the link must not confirm anything.
    page = client.get(confirm_path)
    assert page.status_code == 200
    assert soup(page).select_one('form[method="post"] button[type="submit"]')
    assert set(Subscription.objects.values_list("status", flat=True)) == {Status.PENDING}

    response = client.post(confirm_path)

    assert response.status_code == 200
    assert "Subscription confirmed" in response.text
    for subscription in Subscription.objects.all():
        assert subscription.status == Status.CONFIRMED
        assert subscription.confirmed_at is not None
    assert {s.email for s in subscribers_for_audience(audience="members")} == {"jeanne@example.org"}


def test_a_confirm_link_does_not_bring_back_someone_who_unsubscribed(subscribe, client):
    subscribe()
    confirm_path = link(mail.outbox[0].body, "confirm")
    client.post(link(mail.outbox[0].body, "unsubscribe"), {"scope": "all"})

    response = client.post(confirm_path)

    assert "Rien à confirmer" in response.text
    assert Subscription.objects.get().status == Status.UNSUBSCRIBED


def test_a_tampered_confirm_link_is_refused_and_changes_nothing(subscribe, client):
    subscribe(language="en")
    confirm_path = link(mail.outbox[0].body, "confirm")
    token = confirm_path.split("/")[-2]
    forged = confirm_path.replace(token, token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB"))

    for response in (client.get(forged), client.post(forged)):
        assert response.status_code == 400
        assert "This link is not valid" in response.text
    assert Subscription.objects.get().status == Status.PENDING


def test_a_confirm_link_for_another_address_cannot_be_made_from_an_unsubscribe_token(client):
    """Tokens are salted per purpose: an unsubscribe token (long-lived) is no confirm token."""
    Subscription.objects.create(email="jeanne@example.org", audience="teachers")
    token = tokens.make_unsubscribe_token(email="jeanne@example.org", audiences=["teachers"])

    response = client.post(f"/en/newsletter/confirm/{token}/")

    assert response.status_code == 400
    assert Subscription.objects.get().status == Status.PENDING


def test_an_expired_confirm_link_is_refused_and_changes_nothing(client):
    Subscription.objects.create(email="jeanne@example.org", audience="teachers")
    eight_days_ago = time.time() - 8 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=eight_days_ago):
        token = tokens.make_confirm_token(
            email="jeanne@example.org", audiences=["teachers"], language="en"
        )

    for response in (
        client.get(f"/en/newsletter/confirm/{token}/"),
        client.post(f"/en/newsletter/confirm/{token}/"),
    ):
        assert response.status_code == 400
        assert "This link has expired" in response.text
    assert Subscription.objects.get().status == Status.PENDING


# --- Unsubscribing ---------------------------------------------------------------------------


def test_unsubscribe_page_then_button_leaves_the_audiences_of_the_link(client):
    confirmed("jeanne@example.org", "teachers")
    confirmed("jeanne@example.org", "members")
    path = tokens.unsubscribe_url(email="jeanne@example.org", audiences=["teachers"], language="en")
    path = path.removeprefix("http://testserver")

    page = client.get(path)
    assert page.status_code == 200
    buttons = soup(page).select('form[method="post"] button[name="scope"]')
    assert [b["value"] for b in buttons] == ["link", "all"]
    assert Subscription.objects.filter(status=Status.CONFIRMED).count() == 2

    response = client.post(path, {"scope": "link"})

    assert response.status_code == 200
    assert "You are unsubscribed" in response.text
    statuses = dict(Subscription.objects.values_list("audience", "status"))
    assert statuses == {"teachers": Status.UNSUBSCRIBED, "members": Status.CONFIRMED}
    assert Subscription.objects.get(audience="teachers").unsubscribed_at is not None


def test_unsubscribe_from_all_newsletters(client):
    confirmed("jeanne@example.org", "teachers")
    confirmed("jeanne@example.org", "members")
    confirmed("paul@example.org", "members")
    path = tokens.unsubscribe_url(email="jeanne@example.org", audiences=["teachers"], language="fr")

    client.post(path.removeprefix("http://testserver"), {"scope": "all"})

    assert sorted(Subscription.objects.confirmed().values_list("email", flat=True)) == [
        "paul@example.org"
    ]


def test_one_click_unsubscribe_from_the_mail_client_needs_no_csrf_token(subscribe):
    subscribe(audiences=["teachers", "public"], language="en")
    one_click = re.search(
        r"<http://testserver(\S+)>", mail.outbox[0].extra_headers["List-Unsubscribe"]
    )
    mail_client = Client(enforce_csrf_checks=True)

    response = mail_client.post(one_click.group(1), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert set(Subscription.objects.values_list("status", flat=True)) == {Status.UNSUBSCRIBED}


def test_only_the_one_click_endpoint_skips_csrf_and_its_get_changes_nothing(subscribe):
    subscribe()
    body = mail.outbox[0].body
    one_click = re.search(
        r"<http://testserver(\S+)>", mail.outbox[0].extra_headers["List-Unsubscribe"]
    )
    browser = Client(enforce_csrf_checks=True)

    assert browser.post(link(body, "unsubscribe"), {"scope": "all"}).status_code == 403
    assert browser.post(link(body, "confirm")).status_code == 403
    opened = browser.get(one_click.group(1))
    assert opened.status_code == 302
    assert opened["Location"] == link(body, "unsubscribe")
    assert Subscription.objects.get().status == Status.PENDING


def test_a_tampered_unsubscribe_link_is_refused_and_changes_nothing(client):
    confirmed("jeanne@example.org", "teachers")
    token = tokens.make_unsubscribe_token(email="jeanne@example.org", audiences=["teachers"])
    forged = token.replace(token[-4:], "abcd" if token[-4:] != "abcd" else "efgh")

    responses = [
        client.get(f"/fr/newsletter/unsubscribe/{forged}/"),
        client.post(f"/fr/newsletter/unsubscribe/{forged}/", {"scope": "all"}),
        client.post(f"/fr/newsletter/unsubscribe/{forged}/one-click/"),
    ]

    assert [r.status_code for r in responses] == [400, 400, 400]
    assert Subscription.objects.get().status == Status.CONFIRMED


# --- Spam ------------------------------------------------------------------------------------


def test_a_filled_honeypot_looks_accepted_but_keeps_and_sends_nothing(subscribe):
    response = subscribe(website_url="http://spam.example")

    assert response.status_code == 302
    assert response["Location"] == "/fr/newsletter/check-your-inbox/"
    assert not Subscription.objects.exists()
    assert mail.outbox == []


def test_too_many_posts_from_one_address_are_refused_with_429(subscribe, settings):
    settings.NEWSLETTER_FORM_RATE = "2/m"

    subscribe(email="un@example.org")
    subscribe(email="deux@example.org")
    response = subscribe(email="trois@example.org", language="en")

    assert response.status_code == 429
    alert = soup(response).select_one('.message--error[role="alert"]')
    assert "several times in a short time" in alert.text
    assert sorted(Subscription.objects.values_list("email", flat=True)) == [
        "deux@example.org",
        "un@example.org",
    ]
    assert len(mail.outbox) == 2


# --- Pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_newsletter_page_exists_in_every_language(client, language):
    response = client.get(f"/{language}/newsletter/")

    assert response.status_code == 200
    page = soup(response)
    assert page.html["lang"] == language
    form = page.select_one("main form.newsletter-form")
    assert form["action"] == f"/{language}/newsletter/"
    assert page.select_one("main .newsletter__privacy")
    # The full form replaces the footer one here: one form, no duplicate ids.
    assert len(page.select("form.newsletter-form")) == 1


def test_the_footer_has_an_accessible_subscription_form_on_site_pages(site_tree, client):
    StandardPageFactory(parent=site_tree.home, title="Le réseau", slug="reseau")

    page = soup(client.get("/fr/reseau/"))

    form = page.select_one("footer form.newsletter-form")
    assert form["action"] == "/fr/newsletter/"
    assert form["method"] == "post"
    assert form.select_one('input[name="csrfmiddlewaretoken"]')
    email = form.select_one('input[type="email"][name="email"]')
    assert form.select_one(f'label[for="{email["id"]}"]')
    fieldset = form.select_one("fieldset")
    assert fieldset.legend.text.strip()
    boxes = fieldset.select('input[type="checkbox"][name="audiences"]')
    assert [b["value"] for b in boxes] == Audience.values
    for box in boxes:
        assert form.select_one(f'label[for="{box["id"]}"]')
    assert form.select_one('.honeypot[aria-hidden="true"] input[name="website_url"]')


def test_the_footer_form_subscribes(site_tree, client, django_capture_on_commit_callbacks):
    page = soup(client.get("/fr/"))
    form = page.select_one("footer form.newsletter-form")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            form["action"], {"email": "jeanne@example.org", "audiences": ["factories"]}
        )

    assert response.status_code == 302
    assert Subscription.objects.get().audience == "factories"
    assert len(mail.outbox) == 1


# --- Admin -----------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, django_user_model):
    """A superuser whose admin is in English (the headings and labels checked below)."""
    user = django_user_model.objects.create_superuser("editrice", password="x")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(user)
    return client


@pytest.fixture
def subscribers():
    confirmed("ana@example.org", "teachers", language="en")
    confirmed("bruno@example.org", "teachers")
    Subscription.objects.create(email="carla@example.org", audience="teachers")
    Subscription.objects.create(
        email="dan@example.org", audience="teachers", status=Status.UNSUBSCRIBED
    )
    confirmed("ana@example.org", "public")


def export(client, **params) -> list[dict]:
    response = client.get(EXPORT_URL, {**params, "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_csv_export_of_one_audience_has_its_confirmed_subscribers_only(admin_client, subscribers):
    rows = export(admin_client, audience="teachers")

    assert sorted(
        (r["Email address"], r["Audience"], r["Status"], r["Language"]) for r in rows
    ) == [
        ("ana@example.org", "teachers", "confirmed", "en"),
        ("bruno@example.org", "teachers", "confirmed", "fr"),
    ]


def test_csv_export_with_every_status_shows_the_status_column(admin_client, subscribers):
    rows = export(admin_client, audience="teachers", status="all")

    assert sorted((r["Email address"], r["Status"]) for r in rows) == [
        ("ana@example.org", "confirmed"),
        ("bruno@example.org", "confirmed"),
        ("carla@example.org", "pending"),
        ("dan@example.org", "unsubscribed"),
    ]


def test_csv_export_hands_no_formula_to_the_editor(admin_client, subscribers):
    # The form refuses such addresses; rows saved before that check, or by other means, remain.
    confirmed("-2+3+cmd@example.org", "teachers")

    rows = export(admin_client, audience="teachers")

    assert "'-2+3+cmd@example.org" in {r["Email address"] for r in rows}
    assert "ana@example.org" in {r["Email address"] for r in rows}


def test_the_exported_unsubscribe_link_works_for_that_audience(admin_client, subscribers):
    row = next(
        r
        for r in export(admin_client, audience="teachers")
        if r["Email address"] == "ana@example.org"
    )
    path = row["Unsubscribe link"].removeprefix("http://testserver")
    assert path.startswith("/en/newsletter/unsubscribe/")

    Client().post(path, {"scope": "link"})

    statuses = dict(
        Subscription.objects.filter(email="ana@example.org").values_list("audience", "status")
    )
    assert statuses == {"teachers": Status.UNSUBSCRIBED, "public": Status.CONFIRMED}


def test_the_admin_list_counts_confirmed_subscribers_and_cannot_add_or_edit(
    admin_client, subscribers
):
    response = admin_client.get(EXPORT_URL)

    assert response.status_code == 200
    summary = soup(response).select_one(".help-block").text
    assert "Teachers: 2" in summary
    assert "General public: 1" in summary
    assert "Members: 0" in summary
    assert "carla@example.org" not in response.text  # pending: not in the default list
    assert not soup(response).select_one(f'a[href="{EXPORT_URL}new/"]')
    assert admin_client.get(f"{EXPORT_URL}new/", follow=True).status_code == 404
    subscription = Subscription.objects.get(email="bruno@example.org")
    edit = admin_client.get(f"{EXPORT_URL}edit/{subscription.pk}/", follow=True)
    assert edit.status_code == 404
    assert admin_client.get(f"{EXPORT_URL}inspect/{subscription.pk}/").status_code == 200


def test_deleting_a_subscriber_erases_the_address(admin_client, subscribers):
    subscription = Subscription.objects.get(email="bruno@example.org")

    response = admin_client.post(f"{EXPORT_URL}delete/{subscription.pk}/")

    assert response.status_code == 302
    assert not Subscription.objects.filter(email="bruno@example.org").exists()
    assert not ModelLogEntry.objects.filter(label__contains="bruno@example.org").exists()


def test_visitors_and_non_staff_users_cannot_export(client, django_user_model, subscribers):
    for who in ("anonymous", "member"):
        if who == "member":
            client.force_login(django_user_model.objects.create_user("membre", password="x"))
        response = client.get(EXPORT_URL, {"export": "csv", "status": "all"})
        assert response.status_code == 302, who
        assert "/admin/login/" in response["Location"]
        assert not response.get("Content-Type", "").startswith("text/csv")
