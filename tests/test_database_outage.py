"""The PostgreSQL connection of a request is killed in the middle of it (as a database
restart, a failover or an idle-connection reaper would): on a public page, a registration and
an archive item saved in the admin. The person gets our "try again" page (503, no traceback),
nothing of the request is half-saved, and the next request works.

The site runs in Django's live server thread and is reached over HTTP: the test client would
share the test's own connection (killing it would kill the test's), and disconnects the
request signals Django uses to drop a broken connection. The kill comes from a second
connection (`pg_terminate_backend`), at a point inside the view, through a signal or a
wrapped selector; the view then carries on with a dead connection."""

from django.db import connection
from django.db.models.signals import post_save
from django.test import Client
from django.urls import reverse
from django.utils import translation

import psycopg
import pytest
import requests
from bs4 import BeautifulSoup

from archive import selectors
from archive.models import ArchiveItem
from home.models import Registration
from tests.archive.test_admin import form_data
from tests.factories.archive import ArchiveItemFactory, ContributorFactory, InstitutionFactory
from tests.home.test_registrations import person, programme_session

# serialized_rollback, as tests/home/test_registration_concurrency.py: the data migrations made
# (Wagtail's root page, the locales, the content types) comes back for whichever test is next.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("empty_cache"),
]

TRY_AGAIN = "The connection to the database was lost. Nothing was saved: try again in a moment."


def kill_own_connection() -> None:
    """Terminate this thread's database session from another connection."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    pid = connection.connection.info.backend_pid
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.fixture
def killed_once():
    """`killed_once(signal=..., sender=...)`: the first time the signal fires, the request's
    connection is killed; later requests run normally."""
    connected = []

    def arm(*, signal, sender):
        def kill(**kwargs):
            signal.disconnect(kill, sender=sender)
            kill_own_connection()

        signal.connect(kill, sender=sender, weak=False)
        connected.append((signal, kill, sender))

    yield arm
    for signal, kill, sender in connected:
        signal.disconnect(kill, sender=sender)


def assert_try_again_page(response):
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert TRY_AGAIN in response.text
    assert "Traceback" not in response.text


def english_session() -> requests.Session:
    session = requests.Session()
    session.headers["Accept-Language"] = "en"
    return session


def csrf_token(response) -> str:
    return BeautifulSoup(response.text, "html.parser").select_one(
        "input[name=csrfmiddlewaretoken]"
    )["value"]


def test_a_public_page(live_server, site_tree, monkeypatch):
    item = ArchiveItemFactory(
        status=ArchiveItem.Status.PUBLISHED, access=ArchiveItem.Access.PUBLIC, title="La remonte"
    )
    with translation.override("en"):
        url = live_server.url + reverse("archive:detail", args=[item.identifier])
    related = selectors.items_related

    def dies_midway(**kwargs):
        monkeypatch.setattr(selectors, "items_related", related)
        kill_own_connection()
        return related(**kwargs)

    monkeypatch.setattr(selectors, "items_related", dies_midway)
    session = english_session()

    assert_try_again_page(session.get(url))

    page = session.get(url)
    assert page.status_code == 200
    assert "La remonte" in page.text


def test_a_registration(live_server, site_tree, killed_once):
    from tests.home.test_registrations import tree as build_tree

    offer = programme_session(build_tree.__wrapped__(site_tree), capacity=12)
    session = english_session()
    form_url = live_server.url + offer.en_form
    data = {
        **person("Ada Lovelace", "ada@example.org"),
        "phone": "",
        "seats": "",
        "csrfmiddlewaretoken": csrf_token(session.get(form_url)),
    }
    killed_once(signal=post_save, sender=Registration)

    assert_try_again_page(session.post(form_url, data, headers={"Referer": form_url}))
    assert not Registration.objects.exists()

    done = session.post(form_url, data, headers={"Referer": form_url})
    assert done.status_code == 200
    assert "Your registration is confirmed" in done.text
    assert Registration.objects.get().email == "ada@example.org"


def test_an_item_saved_in_the_admin(live_server, site_tree, killed_once):
    institution = InstitutionFactory(code="CMSH")
    user = ContributorFactory(institution=institution).user
    item = ArchiveItemFactory(institution=institution, title="La remonte", tags=())
    client = Client()
    client.force_login(user)
    session = english_session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    edit_url = live_server.url + reverse("archive_items:edit", args=[item.pk])
    data = form_data(session.get(edit_url))
    data.update(title="La remonte du puits", tags="mine, puits")
    killed_once(signal=post_save, sender=ArchiveItem)

    assert_try_again_page(session.post(edit_url, data, headers={"Referer": edit_url}))
    item.refresh_from_db()
    assert item.title == "La remonte"
    assert list(item.tags.names()) == []
    assert item.updated_at == ArchiveItem.objects.get(pk=item.pk).updated_at

    saved = session.post(edit_url, data, headers={"Referer": edit_url}, allow_redirects=False)
    assert saved.status_code == 302
    item.refresh_from_db()
    assert item.title == "La remonte du puits"
    assert sorted(item.tags.names()) == ["mine", "puits"]
