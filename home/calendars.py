"""iCalendar output for events, built with the icalendar library."""

from django.conf import settings

from icalendar import Calendar, Event, vGeo


def events_calendar(events, *, request, name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", f"-//{settings.WAGTAIL_SITE_NAME}//Events//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for page in events:
        event = Event()
        event.add("uid", f"event-{page.translation_key}-{page.locale.language_code}@fabrique")
        event.add("summary", page.title)
        event.add("description", page.intro)
        event.add("dtstart", page.start)
        event.add("dtend", page.end)
        event.add("dtstamp", page.last_published_at or page.start)
        event.add("url", page.get_full_url(request))
        sites = list(page.sites.all())
        if sites:
            event.add("location", "; ".join(f"{s.name}, {s.commune}" for s in sites))
            first = sites[0]
            if first.has_location:
                event.add("geo", vGeo((float(first.latitude), float(first.longitude))))
        cal.add_component(event)
    return cal.to_ical()
