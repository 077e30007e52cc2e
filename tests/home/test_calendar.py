"""iCalendar output of events: what a visitor's calendar application gets."""

import datetime
from decimal import Decimal

from django.utils import timezone

import pytest
from icalendar import Calendar

from home import calendars
from tests.factories import EventIndexPageFactory, EventPageFactory, EventSiteFactory, in_days


@pytest.fixture
def agenda(site_tree):
    return EventIndexPageFactory(parent=site_tree.home, slug="agenda")


def parse(body: bytes) -> tuple[Calendar, list]:
    calendar = Calendar.from_ical(body)
    return calendar, list(calendar.walk("VEVENT"))


def test_event_carries_title_times_place_and_link(agenda, rf, paris_past_midnight):
    event = EventPageFactory(
        parent=agenda,
        title="Journées du patrimoine industriel",
        slug="journees-du-patrimoine",
        intro="Visites guidées des machines à vapeur.",
        start=in_days(20, 9),
        end=in_days(21, 18),
    )
    EventSiteFactory(page=event, name="Filature Agache", commune="Roubaix")
    EventSiteFactory(page=event, name="Musée du textile", commune="Tourcoing", located=False)

    calendar, events = parse(calendars.events_calendar([event], request=rf.get("/"), name="Agenda"))

    assert str(calendar["X-WR-CALNAME"]) == "Agenda"
    assert str(calendar["VERSION"]) == "2.0"
    assert len(events) == 1
    vevent = events[0]
    assert str(vevent["SUMMARY"]) == "Journées du patrimoine industriel"
    assert str(vevent["DESCRIPTION"]) == "Visites guidées des machines à vapeur."
    assert vevent.decoded("DTSTART") == event.start
    assert vevent.decoded("DTEND") == event.end
    # 9:00 to 18:00 the next day, with no change of daylight-saving time in between (the
    # clock is pinned: twenty days on from some dates, the 33 hours would be 32 or 34).
    assert vevent.decoded("DTEND") - vevent.decoded("DTSTART") == datetime.timedelta(hours=33)
    assert str(vevent["LOCATION"]) == "Filature Agache, Roubaix; Musée du textile, Tourcoing"
    assert str(vevent["URL"]) == "http://localhost/fr/agenda/journees-du-patrimoine/"
    # RFC 5545 requires both; calendar applications reject events without them.
    assert vevent["UID"]
    assert vevent["DTSTAMP"]


def test_geo_is_the_position_of_the_first_site(agenda, rf):
    event = EventPageFactory(parent=agenda)
    EventSiteFactory(page=event, latitude=Decimal("50.690100"), longitude=Decimal("3.181700"))
    EventSiteFactory(page=event, latitude=Decimal("50.723900"), longitude=Decimal("3.160000"))

    _, (vevent,) = parse(calendars.events_calendar([event], request=rf.get("/"), name="Agenda"))

    assert vevent.decoded("GEO") == pytest.approx((50.6901, 3.1817))


def test_no_location_or_geo_when_the_place_is_unknown(agenda, rf):
    unplaced = EventPageFactory(parent=agenda)
    unlocated = EventPageFactory(parent=agenda)
    EventSiteFactory(page=unlocated, name="Carreau de fosse", commune="Lewarde", located=False)

    _, events = parse(
        calendars.events_calendar([unplaced, unlocated], request=rf.get("/"), name="Agenda")
    )

    assert "LOCATION" not in events[0]
    assert "GEO" not in events[0]
    assert str(events[1]["LOCATION"]) == "Carreau de fosse, Lewarde"
    assert "GEO" not in events[1]


def test_each_event_keeps_one_uid_so_calendars_update_rather_than_duplicate(agenda, rf):
    first = EventPageFactory(parent=agenda)
    second = EventPageFactory(parent=agenda)

    def uids():
        body = calendars.events_calendar([first, second], request=rf.get("/"), name="Agenda")
        return [str(e["UID"]) for e in parse(body)[1]]

    before = uids()
    first.title = "Nouveau titre"
    first.save()

    assert uids() == before
    assert before[0] != before[1]


def test_agenda_feed_lists_upcoming_published_events_only(agenda, client):
    upcoming = EventPageFactory(parent=agenda, title="Fête de la mine", start=in_days(5))
    EventPageFactory(
        parent=agenda,
        title="Déjà passé",
        start=in_days(-10),
        end=in_days(-10, 18),
    )
    draft = EventPageFactory(parent=agenda, title="Pas encore annoncé")
    draft.unpublish()
    running = EventPageFactory(
        parent=agenda,
        title="En cours",
        start=timezone.now() - datetime.timedelta(hours=1),
        end=timezone.now() + datetime.timedelta(hours=1),
    )

    response = client.get("/fr/agenda/ical/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    _, events = parse(response.content)
    assert [str(e["SUMMARY"]) for e in events] == [running.title, upcoming.title]


def test_event_page_offers_a_single_event_download(agenda, client):
    EventPageFactory(parent=agenda, title="Nuit des musées", slug="nuit-des-musees")

    response = client.get("/fr/agenda/nuit-des-musees/ics/")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="nuit-des-musees.ics"'
    _, events = parse(response.content)
    assert [str(e["SUMMARY"]) for e in events] == ["Nuit des musées"]
