"""Map positions: a member, an event site or an archive item takes both coordinates or
neither, each within its range, so that no map is handed a point off the globe."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from wagtail.users.models import UserProfile

import pytest

from archive.models import Member
from tests.archive.test_admin import error_text, form_data
from tests.factories import EventIndexPageFactory, EventPageFactory, EventSiteFactory, MemberFactory
from tests.factories.items import PublishedItemFactory

# (latitude, longitude), the field the visitor is pointed to, and what they are told.
REFUSED = [
    pytest.param("123", "2.5", "latitude", "Latitude is between -90 and 90.", id="latitude-123"),
    pytest.param("-90.5", "2.5", "latitude", "Latitude is between -90 and 90.", id="south"),
    pytest.param(
        "50.4", "200", "longitude", "Longitude is between -180 and 180.", id="longitude-200"
    ),
    pytest.param(
        "50.4",
        None,
        "longitude",
        "Give both latitude and longitude, or neither.",
        id="latitude-alone",
    ),
    pytest.param(
        None,
        "2.5",
        "longitude",
        "Give both latitude and longitude, or neither.",
        id="longitude-alone",
    ),
]
ACCEPTED = [
    pytest.param("50.498600", "2.547800", id="bruay"),
    pytest.param("-90", "-180", id="south-west-corner"),
    pytest.param("90", "180", id="north-east-corner"),
    pytest.param(None, None, id="not-on-the-map"),
]


def decimal(value):
    return None if value is None else Decimal(value)


@pytest.fixture
def event_site(site_tree):
    agenda = EventIndexPageFactory(parent=site_tree.home, slug="agenda")
    return EventSiteFactory(page=EventPageFactory(parent=agenda, slug="portes-ouvertes"))


@pytest.fixture(params=["member", "event site", "archive item"])
def located(request, db):
    """One saved row of each model that has a place on a map."""
    if request.param == "event site":
        return request.getfixturevalue("event_site")
    if request.param == "member":
        return MemberFactory()
    return PublishedItemFactory(latitude=Decimal("50.6942"), longitude=Decimal("3.1702"))


@pytest.mark.parametrize(("latitude", "longitude", "field", "message"), REFUSED)
def test_a_position_off_the_globe_or_half_given_is_refused(
    located, latitude, longitude, field, message
):
    located.latitude, located.longitude = decimal(latitude), decimal(longitude)

    with pytest.raises(ValidationError) as refused:
        located.full_clean()

    with translation.override("en"):
        assert refused.value.message_dict[field] == [message]


@pytest.mark.parametrize(("latitude", "longitude"), ACCEPTED)
def test_a_position_on_the_globe_or_none_is_accepted(located, latitude, longitude):
    located.latitude, located.longitude = decimal(latitude), decimal(longitude)

    located.full_clean()

    assert located.has_location == (latitude is not None)


# --- the member form in the admin -----------------------------------------------------------


@pytest.fixture
def editor(client, django_user_model):
    """A superuser whose admin speaks English."""
    user = django_user_model.objects.create_superuser(
        username="editrice", email="editrice@fabrique.invalid", password="x"
    )
    UserProfile.objects.update_or_create(user=user, defaults={"preferred_language": "en"})
    client.force_login(user)
    return client


def edit_url(member) -> str:
    return reverse(Member.snippet_viewset.get_url_name("edit"), args=[member.pk])


@pytest.mark.parametrize(("latitude", "longitude", "field", "message"), REFUSED)
def test_the_member_form_refuses_a_bad_position_next_to_the_field(
    editor, latitude, longitude, field, message
):
    member = MemberFactory(latitude=Decimal("50.331000"), longitude=Decimal("3.170500"))
    data = form_data(editor.get(edit_url(member)))
    data.update(latitude=latitude or "", longitude=longitude or "")

    response = editor.post(edit_url(member), data)

    assert response.status_code == 200
    with translation.override("en"):
        assert response.context["form"].errors[field] == [message]
    assert message in error_text(response)
    member.refresh_from_db()
    assert (member.latitude, member.longitude) == (Decimal("50.331000"), Decimal("3.170500"))


def test_the_member_form_saves_a_good_position(editor):
    member = MemberFactory(located=False)
    data = form_data(editor.get(edit_url(member)))
    data.update(latitude="50.4986", longitude="2.5478")

    response = editor.post(edit_url(member), data)

    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.latitude, member.longitude) == (Decimal("50.498600"), Decimal("2.547800"))
