"""The contact form: messages arrive, mistakes are explained, bots and floods are turned away."""

import csv
import io

from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from wagtail.contrib.forms.models import FormSubmission

import pytest
from bs4 import BeautifulSoup

from tests.factories import ContactFormFieldFactory, ContactPageFactory
from tests.factories.archive import UserFactory

pytestmark = pytest.mark.usefixtures("empty_cache")

THANKS = "Merci, votre message est bien arrivé."
MESSAGE = {"nom": "Jeanne Martin", "courriel": "jeanne@example.org", "message": "Bonjour !"}


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def contact_page(site_tree):
    page = ContactPageFactory(parent=site_tree.home, slug="contact")
    ContactFormFieldFactory(page=page, label="Nom", field_type="singleline")
    ContactFormFieldFactory(page=page, label="Courriel", field_type="email")
    ContactFormFieldFactory(page=page, label="Message", field_type="multiline")
    return page


@pytest.fixture
def honeypot(contact_page, client) -> str:
    """Name of the field people never see, read from the form as a bot would."""
    (field,) = soup(client.get("/fr/contact/")).select("main form .honeypot input")
    return field["name"]


def post(client, data: dict, ip: str = "203.0.113.7"):
    """Send the form as a visitor would; the request's transaction commits (emails go out)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post("/fr/contact/", data, REMOTE_ADDR=ip)


def test_form_shows_the_intro_and_the_fields(contact_page, client):
    page_soup = soup(client.get("/fr/contact/"))

    assert (
        "Écrivez-nous, nous répondons sous une semaine." in page_soup.select_one(".rich-text").text
    )
    form = page_soup.select_one("main form")
    assert form["method"] == "post"
    assert [label.get_text(strip=True) for label in form.select(".form__field label")] == [
        "Nom",
        "Courriel",
        "Message",
    ]
    assert {field["name"] for field in form.select(".form__field [name]")} == set(MESSAGE)


def test_a_message_is_kept_and_emailed(contact_page, client):
    response = post(client, MESSAGE)

    assert response.status_code == 200
    assert THANKS in soup(response).select_one("main").get_text()
    (submission,) = FormSubmission.objects.filter(page=contact_page)
    assert submission.get_data()["message"] == "Bonjour !"
    assert submission.get_data()["courriel"] == "jeanne@example.org"
    (email,) = mail.outbox
    assert email.to == ["contact@fabrique.invalid"]
    assert email.subject == "Message du site"
    assert "Jeanne Martin" in email.body
    assert "Bonjour !" in email.body


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({**MESSAGE, "message": ""}, "message"),
        ({**MESSAGE, "courriel": "pas-une-adresse"}, "courriel"),
    ],
)
def test_a_mistake_is_explained_and_nothing_is_sent(contact_page, client, data, field):
    response = post(client, data)

    assert response.status_code == 200
    page_soup = soup(response)
    errors = page_soup.select(".form__field--error")
    assert [e.select_one("[name]")["name"] for e in errors] == [field]
    assert errors[0].select_one(".error[role=alert]").get_text(strip=True)
    # What was typed is kept.
    assert page_soup.select_one("[name=nom]")["value"] == "Jeanne Martin"
    assert THANKS not in page_soup.get_text()
    assert not FormSubmission.objects.exists()
    assert mail.outbox == []


def test_a_bot_filling_the_hidden_field_is_thanked_but_nothing_is_kept(
    contact_page, honeypot, client
):
    response = post(client, {**MESSAGE, honeypot: "https://spam.example"})

    assert response.status_code == 200
    assert THANKS in soup(response).select_one("main").get_text()
    assert not FormSubmission.objects.exists()
    assert mail.outbox == []


def test_the_hidden_field_is_kept_out_of_submissions(contact_page, honeypot, client):
    post(client, {**MESSAGE, honeypot: ""})

    (submission,) = FormSubmission.objects.all()
    assert honeypot not in submission.get_data()
    assert honeypot not in mail.outbox[0].body


@override_settings(CONTACT_FORM_RATE="2/h")
def test_too_many_messages_from_one_address_are_refused_with_an_explanation(contact_page, client):
    assert post(client, MESSAGE).status_code == 200
    assert post(client, MESSAGE).status_code == 200

    response = post(client, MESSAGE)

    assert response.status_code == 429
    alert = soup(response).select_one("[role=alert]")
    assert "plusieurs messages en peu de temps" in alert.get_text()
    assert FormSubmission.objects.count() == 2
    assert len(mail.outbox) == 2
    # Another visitor is not affected.
    assert post(client, MESSAGE, ip="198.51.100.20").status_code == 200
    assert FormSubmission.objects.count() == 3


def test_the_submissions_csv_hands_no_formula_to_the_editor(contact_page, client):
    post(client, {**MESSAGE, "nom": '=HYPERLINK("http://evil.invalid","clic")'})
    user = UserFactory(username="redactrice")
    user.groups.add(Group.objects.get(name="Editors"))  # Wagtail's default editors' group
    editor = Client()
    editor.force_login(user)

    response = editor.get(
        reverse("wagtailforms:list_submissions", args=[contact_page.pk]), {"export": "csv"}
    )

    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(content))
    # A spreadsheet shows a cell that starts with ' as text: nothing to click, nothing run.
    assert row["Nom"] == '\'=HYPERLINK("http://evil.invalid","clic")'
    assert row["Message"] == "Bonjour !"


def test_a_form_sent_without_its_security_code_is_refused_with_an_explanation(contact_page):
    """What a browser without JavaScript meets on a cached page (its forms carry no CSRF token
    until site/static/js/forms.js fetches one): a page in the visitor's language that says
    nothing was sent and what to do, not Django's bare English page; nothing is kept."""
    browser = Client(enforce_csrf_checks=True)

    response = browser.post("/fr/contact/", MESSAGE, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 403
    page = soup(response)
    assert page.h1.get_text(strip=True) == "Ce formulaire n’a pas pu être envoyé"
    assert "rien n’a été envoyé" in page.get_text()
    assert FormSubmission.objects.count() == 0
    assert mail.outbox == []
