"""Event pages and the agenda: what visitors, search engines and calendars get."""

import datetime
import json
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

import pytest
from bs4 import BeautifulSoup
from icalendar import Calendar

from home.models import EventSite
from tests.factories import EventIndexPageFactory, EventPageFactory, EventSiteFactory, in_days

pytestmark = pytest.mark.usefixtures("empty_cache")


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def json_ld(page_soup: BeautifulSoup) -> dict:
    (script,) = page_soup.select('script[type="application/ld+json"]')
    return json.loads(script.string)


@pytest.fixture
def agenda(site_tree):
    return EventIndexPageFactory(parent=site_tree.home, title="Agenda", slug="agenda")


def test_single_place_event_is_described_for_search_engines(agenda, client):
    event = EventPageFactory(
        parent=agenda,
        title="Sainte-Barbe des mineurs",
        slug="sainte-barbe",
        intro="Commémoration au carreau de fosse.",
        audience="familles",
        start=in_days(15, 10),
        end=in_days(15, 17),
    )
    EventSiteFactory(
        page=event,
        name="Centre historique minier",
        address="Fosse Delloye",
        commune="Lewarde",
        latitude=Decimal("50.331000"),
        longitude=Decimal("3.170500"),
    )

    data = json_ld(soup(client.get("/fr/agenda/sainte-barbe/")))

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Event"
    assert data["name"] == "Sainte-Barbe des mineurs"
    assert data["description"] == "Commémoration au carreau de fosse."
    assert datetime.datetime.fromisoformat(data["startDate"]) == event.start
    assert datetime.datetime.fromisoformat(data["endDate"]) == event.end
    assert data["url"] == "http://localhost/fr/agenda/sainte-barbe/"
    assert data["inLanguage"] == "fr"
    assert data["audience"]["audienceType"] == "familles"
    location = data["location"]
    assert location["@type"] == "Place"
    assert location["name"] == "Centre historique minier"
    assert location["address"]["addressLocality"] == "Lewarde"
    assert location["address"]["streetAddress"] == "Fosse Delloye"
    assert location["geo"]["@type"] == "GeoCoordinates"
    assert location["geo"]["latitude"] == pytest.approx(50.331)
    assert location["geo"]["longitude"] == pytest.approx(3.1705)


@pytest.fixture
def open_days(agenda):
    """An open-factory weekend across three sites; the third has no known position."""
    event = EventPageFactory(parent=agenda, title="Usines ouvertes", slug="usines-ouvertes")
    EventSiteFactory(
        page=event,
        name="Filature Agache",
        commune="Roubaix",
        capacity=40,
        latitude=Decimal("50.690100"),
        longitude=Decimal("3.181700"),
    )
    EventSiteFactory(
        page=event,
        name="Brasserie Motte",
        commune="Tourcoing",
        latitude=Decimal("50.723900"),
        longitude=Decimal("3.160000"),
    )
    EventSiteFactory(page=event, name="Atelier Lainière", commune="Wattrelos", located=False)
    return event


def test_multi_site_event_lists_every_site_on_the_page_the_map_and_json_ld(open_days, client):
    page_soup = soup(client.get("/fr/agenda/usines-ouvertes/"))
    sites = list(open_days.sites.all())

    assert [li.h3.get_text() for li in page_soup.select("ul.sites li.site")] == [
        "Filature Agache",
        "Brasserie Motte",
        "Atelier Lainière",
    ]
    assert page_soup.find("h2", string="3 sites participants") is not None
    assert "40 visiteurs" in page_soup.select_one(f"#site-{sites[0].pk}").get_text()
    # The map shows the sites with a position, each marker linking to the site in the list.
    markers = json.loads(page_soup.select_one("script#event-map-data").string)
    assert [(m["id"], m["name"]) for m in markers] == [
        (f"site-{sites[0].pk}", "Filature Agache"),
        (f"site-{sites[1].pk}", "Brasserie Motte"),
    ]
    assert all(page_soup.select_one(f"#{m['id']}") is not None for m in markers)

    locations = json_ld(page_soup)["location"]
    assert [place["name"] for place in locations] == [
        "Filature Agache",
        "Brasserie Motte",
        "Atelier Lainière",
    ]
    assert locations[1]["geo"]["latitude"] == pytest.approx(50.7239)
    assert "geo" not in locations[2]


def test_a_hostile_event_title_stays_inside_its_structured_data(agenda, client):
    """The event's JSON-LD is data in a script block: a title holding `</script>` must not end
    the block and put markup of its own in the page."""
    title = 'Fête</script><script src="https://evil.example/x.js"></script>'
    EventPageFactory(parent=agenda, title=title, slug="fete", start=in_days(15, 10))

    page = soup(client.get("/fr/agenda/fete/"))

    assert not page.select('script[src^="https://evil.example"]')
    assert json_ld(page)["name"] == title


def test_event_page_offers_its_ics_download(open_days, client):
    link = soup(client.get("/fr/agenda/usines-ouvertes/")).select_one("a[download]")

    response = client.get(link["href"])

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Usines ouvertes"
    assert event.decoded("DTSTART") == open_days.start
    assert event.decoded("DTEND") == open_days.end
    assert "Atelier Lainière, Wattrelos" in str(event["LOCATION"])


def section(page_soup: BeautifulSoup, heading: str) -> list[str]:
    """Titles of the cards listed under the h2 `heading`."""
    title = page_soup.find("h2", string=heading)
    if title is None:
        return []
    return [a.get_text() for a in title.find_next_sibling("div").select(".card__title a")]


def test_agenda_lists_upcoming_events_soonest_first_then_past_events(agenda, client):
    now = timezone.now()
    EventPageFactory(parent=agenda, title="Dans un mois", start=in_days(30))
    EventPageFactory(parent=agenda, title="Dans trois jours", start=in_days(3))
    EventPageFactory(
        parent=agenda,
        title="En cours",
        start=now - datetime.timedelta(hours=2),
        end=now + datetime.timedelta(hours=2),
    )
    EventPageFactory(parent=agenda, title="Le mois dernier", start=in_days(-30))
    EventPageFactory(parent=agenda, title="La semaine dernière", start=in_days(-7))
    EventPageFactory(parent=agenda, title="Pas encore annoncé", start=in_days(5)).unpublish()

    page_soup = soup(client.get("/fr/agenda/"))

    assert section(page_soup, "À venir") == ["En cours", "Dans trois jours", "Dans un mois"]
    assert section(page_soup, "Événements passés") == ["La semaine dernière", "Le mois dernier"]


def test_agenda_says_so_when_nothing_is_planned_and_hides_an_empty_past(agenda, client):
    page_soup = soup(client.get("/fr/agenda/"))

    assert "Aucun événement" in page_soup.select_one("main").get_text()
    assert page_soup.find("h2", string="Événements passés") is None


def test_past_events_are_paginated_while_upcoming_ones_stay(agenda, client):
    EventPageFactory(parent=agenda, title="Bientôt", start=in_days(2))
    for n in range(13):
        EventPageFactory(parent=agenda, title=f"Passé {n:02}", start=in_days(-1 - n))

    first = soup(client.get("/fr/agenda/"))
    second = soup(client.get("/fr/agenda/?page=2"))
    fallback = soup(client.get("/fr/agenda/?page=abc"))

    assert section(first, "Événements passés") == [f"Passé {n:02}" for n in range(12)]
    assert section(second, "Événements passés") == ["Passé 12"]
    assert section(second, "À venir") == ["Bientôt"]
    assert section(fallback, "Événements passés") == section(first, "Événements passés")
    assert first.select_one('nav.pagination a[rel="next"]')["href"] == "?page=2"


# --- a site's position in the admin form ----------------------------------------------------


def event_form(event, site, **site_changes) -> dict:
    """The event's edit form as posted by the admin, with its one site changed."""
    row = {
        "id": site.pk,
        "name": site.name,
        "address": site.address,
        "commune": site.commune,
        "latitude": str(site.latitude),
        "longitude": str(site.longitude),
        "description": "",
        "capacity": "",
        "registration_deadline": "",
        **site_changes,
    }
    return nested_form_data(
        {
            "title": event.title,
            "slug": event.slug,
            "kind": event.kind,
            "start": timezone.localtime(event.start).strftime("%Y-%m-%d %H:%M"),
            "end": timezone.localtime(event.end).strftime("%Y-%m-%d %H:%M"),
            "audience": "",
            "intro": event.intro,
            "image": "",
            "body": streamfield([]),
            "sites": inline_formset([row], initial=1, min=1),
        }
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"latitude": "123"}, "latitude"),
        ({"longitude": "200"}, "longitude"),
        ({"longitude": ""}, "longitude"),
    ],
)
def test_the_event_form_refuses_a_site_off_the_map(agenda, admin_client, changes, field):
    event = EventPageFactory(parent=agenda, slug="usines-ouvertes")
    site = EventSiteFactory(page=event)
    url = reverse("wagtailadmin_pages:edit", args=[event.pk])

    response = admin_client.post(url, event_form(event, site, **changes))

    assert response.status_code == 200
    (site_form,) = response.context["form"].formsets["sites"].forms
    assert field in site_form.errors
    kept = EventSite.objects.get(pk=site.pk)
    assert (kept.latitude, kept.longitude) == (site.latitude, site.longitude)


def test_the_event_form_saves_a_site_on_the_map(agenda, admin_client):
    event = EventPageFactory(parent=agenda, slug="usines-ouvertes")
    site = EventSiteFactory(page=event, located=False)
    url = reverse("wagtailadmin_pages:edit", args=[event.pk])

    response = admin_client.post(
        url, event_form(event, site, latitude="50.6901", longitude="3.1817")
    )

    assert response.status_code == 302
    event.refresh_from_db()
    saved = event.get_latest_revision_as_object().sites.get()
    assert (saved.latitude, saved.longitude) == (Decimal("50.690100"), Decimal("3.181700"))
