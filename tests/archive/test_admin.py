"""The contributor workspace in the Wagtail admin: the listing (thumbnails, counts, filters),
the forms (kinds, validation messages, the institution nobody but moderators chooses),
moderation screens, transcript upload, bulk tagging and the audit log."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import get_template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest
from bs4 import BeautifulSoup

from archive import services
from archive.models import ArchiveItem, Consent, TranscriptSegment
from tests.factories import CustomImageFactory, TradeFactory
from tests.factories.archive import (
    ArchiveItemFactory,
)

pytestmark = pytest.mark.django_db

Status = ArchiveItem.Status
Kind = ArchiveItem.Kind

INDEX = "archive_items:index"


def url(name, item=None, **query):
    path = reverse(f"archive_items:{name}", args=[item.pk] if item is not None else [])
    if query:
        path += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return path


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def form_data(response, form_id="w-editor-form") -> dict:
    """The fields of a rendered admin form as the browser would post them unchanged."""
    form = soup(response).find("form", id=form_id)
    data = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or "__prefix__" in name:
            continue
        if field.name == "textarea":
            data[name] = field.text.removeprefix("\n")
        elif field.name == "select":
            chosen = [
                o.get("value", "") for o in field.find_all("option") if o.has_attr("selected")
            ]
            data[name] = chosen if field.has_attr("multiple") else (chosen[0] if chosen else "")
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data.setdefault(name, []).append(field.get("value", "on"))
        elif field.get("type") not in ("submit", "button", "file"):
            data[name] = field.get("value", "")
    return data


def error_text(response) -> str:
    return " ".join(
        element.get_text(" ", strip=True)
        for element in soup(response).select(".error-message, .help-critical, .w-field__errors")
    )


def listed_identifiers(response) -> list[str]:
    return [cell.get_text(strip=True) for cell in soup(response).select("tbody td:nth-of-type(4)")]


@pytest.fixture
def as_contributor(client, world):
    client.force_login(world.contributor)
    return client


@pytest.fixture
def as_moderator(client, world):
    client.force_login(world.moderator)
    return client


# --- Listing ------------------------------------------------------------------------------


def test_listing_shows_thumbnails_or_kind_icons(as_contributor, world):
    photo = ArchiveItemFactory(institution=world.a, images=2, title="La remonte")
    ArchiveItemFactory(institution=world.a, kind=Kind.ORAL_HISTORY, title="Marcel raconte")

    response = as_contributor.get(reverse(INDEX))

    assert response.status_code == 200
    rows = {
        row.select_one("td:nth-of-type(4)").get_text(strip=True): row
        for row in soup(response).select("tbody tr")
    }
    thumbnail = rows[photo.identifier].select_one("td.archive-thumbnail img")
    assert "fill-80x60" in thumbnail["src"]
    assert (thumbnail["width"], thumbnail["height"]) == ("80", "60")
    interview_cell = rows["FAB-CMSH-0002"].select_one("td.archive-thumbnail")
    assert interview_cell.select_one("img") is None
    icon = interview_cell.select_one("use")["href"].removeprefix("#icon-")
    assert icon == "media"
    # The icon is one the admin's sprite really has, not an empty square.
    get_template(f"wagtailadmin/icons/{icon}.svg")


def test_listing_queries_do_not_grow_with_the_items(as_contributor, world):
    def queries_for_listing(count):
        for _ in range(count):
            ArchiveItemFactory(institution=world.a, images=1)
        as_contributor.get(reverse(INDEX))  # renders (and stores) the thumbnails
        with CaptureQueriesContext(connection) as queries:
            assert as_contributor.get(reverse(INDEX)).status_code == 200
        return len(queries)

    assert queries_for_listing(2) == queries_for_listing(8)


def test_contributors_are_offered_deletion_of_drafts_only(as_contributor, world):
    draft = ArchiveItemFactory(institution=world.a)
    submitted = ArchiveItemFactory(institution=world.a, status=Status.SUBMITTED)

    page = soup(as_contributor.get(reverse(INDEX)))

    links = {a["href"] for a in page.select("tbody a")}
    assert url("delete", draft) in links
    assert url("delete", submitted) not in links


def test_listing_counts_items_by_status(as_contributor, world):
    for status in (Status.DRAFT, Status.DRAFT, Status.SUBMITTED, Status.PUBLISHED):
        ArchiveItemFactory(institution=world.a, status=status)
    ArchiveItemFactory(institution=world.b, status=Status.DRAFT)  # not theirs: not counted

    counts = {
        tag["data-count"]: int(tag.get_text())
        for tag in soup(as_contributor.get(reverse(INDEX))).select("[data-count]")
    }

    assert counts == {
        "all": 4,
        "draft": 2,
        "submitted": 1,
        "published": 1,
        "rejected": 0,
        "withdrawn": 0,
    }


def test_listing_filters_by_kind_status_and_trade(as_contributor, world):
    weaver = TradeFactory(name="Tisserand")
    photo = ArchiveItemFactory(institution=world.a, status=Status.SUBMITTED, trades=[weaver])
    interview = ArchiveItemFactory(institution=world.a, kind=Kind.ORAL_HISTORY)
    recipe = ArchiveItemFactory(institution=world.a, kind=Kind.SAVOIR_FAIRE)

    def listed(**query):
        return sorted(listed_identifiers(as_contributor.get(url("index", **query))))

    assert listed() == sorted([photo.identifier, interview.identifier, recipe.identifier])
    assert listed(kind=Kind.ORAL_HISTORY) == [interview.identifier]
    assert listed(status=Status.SUBMITTED) == [photo.identifier]
    assert listed(trades=weaver.pk) == [photo.identifier]
    assert listed(q="FAB-CMSH-0003") == [recipe.identifier]


def test_only_moderators_filter_by_institution(client, world):
    own = ArchiveItemFactory(institution=world.a)
    foreign = ArchiveItemFactory(institution=world.b)

    client.force_login(world.contributor)
    contributor_page = client.get(reverse(INDEX))
    client.force_login(world.moderator)
    moderator_page = client.get(reverse(INDEX))
    filtered = client.get(url("index", institution=world.b.pk))

    assert soup(contributor_page).select_one("[name=institution]") is None
    assert soup(moderator_page).select_one("[name=institution]") is not None
    assert sorted(listed_identifiers(moderator_page)) == [own.identifier, foreign.identifier]
    assert listed_identifiers(filtered) == [foreign.identifier]


# --- Creating and editing -----------------------------------------------------------------


def test_add_starts_by_choosing_a_kind(as_contributor):
    response = as_contributor.get(url("add"))

    links = {a["href"] for a in soup(response).select("main a.button")}
    assert {url("add", kind=kind) for kind in Kind.values} <= links


@pytest.mark.parametrize(
    ("kind", "present", "absent"),
    [
        (Kind.PHOTO, "images-TOTAL_FORMS", "narrators"),
        (Kind.ORAL_HISTORY, "consent_scope", "steps-TOTAL_FORMS"),
        (Kind.SAVOIR_FAIRE, "steps-TOTAL_FORMS", "images-TOTAL_FORMS"),
    ],
)
def test_each_kind_has_its_own_panels(as_contributor, kind, present, absent):
    fields = form_data(as_contributor.get(url("add", kind=kind)))

    assert present in fields
    assert absent not in fields
    assert "institution" not in fields


def test_contributor_creates_and_submits_a_photo(as_contributor, world):
    image = CustomImageFactory(collection=world.a.collection)
    data = form_data(as_contributor.get(url("add", kind=Kind.PHOTO)))
    data.update(
        {
            "title": "Le carreau de fosse",
            "tags": "fosse, carreau",
            "images-TOTAL_FORMS": "1",
            "images-0-image": str(image.pk),
            "images-0-caption": "Vue générale",
            "images-0-ORDER": "1",
            "images-0-DELETE": "",
            "images-0-id": "",
            # Forged: a contributor's item always belongs to their institution.
            "institution": str(world.b.pk),
            "action-submit": "submit",
        }
    )

    response = as_contributor.post(url("add", kind=Kind.PHOTO), data)

    assert response.status_code == 302
    item = ArchiveItem.objects.get()
    assert (item.identifier, item.institution, item.kind) == ("FAB-CMSH-0001", world.a, Kind.PHOTO)
    assert (item.created_by, item.status) == (world.contributor, Status.SUBMITTED)
    assert [i.image for i in item.images.all()] == [image]
    assert sorted(item.tags.names()) == ["carreau", "fosse"]


def test_save_and_submit_keeps_an_incomplete_item_as_a_draft(as_contributor):
    data = form_data(as_contributor.get(url("add", kind=Kind.PHOTO)))
    data.update({"title": "Sans image", "action-submit": "submit"})

    response = as_contributor.post(url("add", kind=Kind.PHOTO), data, follow=True)

    assert response.status_code == 200
    assert ArchiveItem.objects.get().status == Status.DRAFT
    assert [m.level_tag for m in response.context["messages"]] == ["warning", "success"]


def test_oral_history_form_records_the_consent(as_contributor, world):
    data = form_data(as_contributor.get(url("add", kind=Kind.ORAL_HISTORY)))
    data.update(
        {
            "title": "Marcel, mineur de fond",
            "narrators": "Marcel D.",
            "consent_date": "2024-03-01",
            "consent_scope": Consent.Scope.PUBLIC_WEB,
        }
    )

    response = as_contributor.post(url("add", kind=Kind.ORAL_HISTORY), data)

    assert response.status_code == 302
    consent = ArchiveItem.objects.get().consent
    assert (str(consent.consent_date), consent.scope) == ("2024-03-01", Consent.Scope.PUBLIC_WEB)


def test_consent_needs_a_date_and_a_scope(as_contributor):
    data = form_data(as_contributor.get(url("add", kind=Kind.ORAL_HISTORY)))
    data.update({"title": "Sans date", "consent_scope": Consent.Scope.RESEARCH})

    response = as_contributor.post(url("add", kind=Kind.ORAL_HISTORY), data)

    assert response.status_code == 200
    assert not ArchiveItem.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"latitude": "50.42"}, "longitude"),
        ({"year_from": "1960", "year_to": "1950"}, "year_to"),
        ({"latitude": "123", "longitude": "2"}, "latitude"),
        ({"title": ""}, "title"),
        ({"date": "31/02/1950"}, "date"),
    ],
)
def test_invalid_values_are_shown_on_the_form(as_contributor, world, changes, field):
    item = ArchiveItemFactory(institution=world.a, title="Avant")
    data = form_data(as_contributor.get(url("edit", item)))
    data.update(changes)

    response = as_contributor.post(url("edit", item), data)

    assert response.status_code == 200
    messages = response.context["form"].errors[field]
    assert messages
    assert all(message in error_text(response) for message in messages)
    assert ArchiveItem.objects.get(pk=item.pk).title == "Avant"


def test_contributors_cannot_change_the_institution(as_contributor, world):
    item = ArchiveItemFactory(institution=world.a)
    data = form_data(as_contributor.get(url("edit", item)))
    assert "institution" not in data
    data.update({"title": "Renommé", "institution": str(world.b.pk)})

    response = as_contributor.post(url("edit", item), data)

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.institution) == ("Renommé", world.a)


def test_moderators_choose_the_institution(as_moderator, world):
    item = ArchiveItemFactory(institution=world.a)
    data = form_data(as_moderator.get(url("edit", item)))
    assert data["institution"] == str(world.a.pk)
    data["institution"] = str(world.b.pk)

    as_moderator.post(url("edit", item), data)

    item.refresh_from_db()
    # The identifier is stable: it keeps the code it was given.
    assert (item.institution, item.identifier) == (world.b, "FAB-CMSH-0001")


def assert_refused_for(response, held):
    """The form says, on the field, which item already has the inventory number."""
    assert response.status_code == 200
    [message] = response.context["form"].errors["inventory_number"]
    assert held.identifier in message
    assert message in error_text(response)


def test_inventory_number_is_edited_listed_searched_and_unique_per_institution(
    as_contributor, world
):
    held = ArchiveItemFactory(institution=world.a, inventory_number="1998.12.4")
    item = ArchiveItemFactory(institution=world.a, title="Avant")
    ArchiveItemFactory(institution=world.b, inventory_number="2001.1")
    data = form_data(as_contributor.get(url("edit", item)))
    assert data["inventory_number"] == ""

    data.update({"inventory_number": "1998.12.4", "title": "Après"})
    refused = as_contributor.post(url("edit", item), data)

    assert_refused_for(refused, held)
    assert ArchiveItem.objects.get(pk=item.pk).title == "Avant"

    data["inventory_number"] = "2001.1"  # another institution's number: free here
    assert as_contributor.post(url("edit", item), data).status_code == 302
    item.refresh_from_db()
    assert item.inventory_number == "2001.1"

    listing = soup(as_contributor.get(reverse(INDEX)))
    assert "1998.12.4" in listing.select_one("tbody").get_text()
    assert listed_identifiers(as_contributor.get(url("index", q="1998.12.4"))) == [held.identifier]


def test_moderators_are_refused_a_taken_inventory_number_too(as_moderator, world):
    held = ArchiveItemFactory(institution=world.b, inventory_number="A-1")
    item = ArchiveItemFactory(institution=world.a)
    data = form_data(as_moderator.get(url("edit", item)))
    data.update({"institution": str(world.b.pk), "inventory_number": "A-1"})

    refused = as_moderator.post(url("edit", item), data)

    assert_refused_for(refused, held)
    assert ArchiveItem.objects.get(pk=item.pk).inventory_number == ""


def test_another_institutions_image_cannot_be_slipped_into_a_form(as_contributor, world):
    item = ArchiveItemFactory(institution=world.a)
    foreign = CustomImageFactory(collection=world.b.collection)
    data = form_data(as_contributor.get(url("edit", item)))
    data.update(
        {
            "images-TOTAL_FORMS": "1",
            "images-0-image": str(foreign.pk),
            "images-0-ORDER": "1",
            "images-0-id": "",
            "images-0-caption": "",
            "images-0-DELETE": "",
        }
    )

    response = as_contributor.post(url("edit", item), data)

    assert response.status_code == 200
    assert not item.images.exists()


def test_a_contributors_edit_sends_a_published_item_back_for_review(as_contributor, world):
    item = ArchiveItemFactory(institution=world.a, status=Status.PUBLISHED)
    page = as_contributor.get(url("edit", item))
    assert soup(page).select_one("[data-archive-item-status=published]")
    data = form_data(page)

    as_contributor.post(url("edit", item), data)  # unchanged: stays published
    assert ArchiveItem.objects.get(pk=item.pk).status == Status.PUBLISHED
    data["summary"] = "Résumé corrigé"
    as_contributor.post(url("edit", item), data)

    assert ArchiveItem.objects.get(pk=item.pk).status == Status.SUBMITTED


def test_rejection_reason_is_shown_to_the_contributor(as_contributor, world):
    item = ArchiveItemFactory(institution=world.a, status=Status.SUBMITTED, images=1)
    services.item_reject(item=item, user=world.moderator, reason="Légende manquante.")

    response = as_contributor.get(url("edit", item))

    assert "Légende manquante." in soup(response).select_one("[data-archive-item-status]").text


# --- Moderation screens ------------------------------------------------------------------


def test_moderator_publishes_from_the_confirmation_page(as_moderator, world):
    item = ArchiveItemFactory(institution=world.a, status=Status.SUBMITTED)

    listing = soup(as_moderator.get(reverse(INDEX)))
    (link,) = [a["href"] for a in listing.select("tbody a") if "/publish/" in a["href"]]
    page = as_moderator.get(link)
    response = as_moderator.post(link)

    assert page.status_code == 200
    assert response.status_code == 302
    assert response.url == reverse(INDEX)  # back where the moderator came from
    assert ArchiveItem.objects.get(pk=item.pk).status == Status.PUBLISHED


def test_reject_without_reason_is_a_form_error(as_moderator, world):
    item = ArchiveItemFactory(institution=world.a, status=Status.SUBMITTED)

    response = as_moderator.post(url("reject", item), {"reason": "   "})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert ArchiveItem.objects.get(pk=item.pk).status == Status.SUBMITTED


def test_an_impossible_step_is_explained_not_an_error(as_moderator, world):
    item = ArchiveItemFactory(institution=world.a, status=Status.DRAFT)

    page = as_moderator.get(url("publish", item))
    response = as_moderator.post(url("publish", item), follow=True)

    assert page.status_code == 200
    assert soup(page).select_one("main form") is None
    assert response.status_code == 200
    assert ArchiveItem.objects.get(pk=item.pk).status == Status.DRAFT


def test_the_history_shows_moderation_steps_with_labels(as_contributor, world):
    item = ArchiveItemFactory(institution=world.a, images=1)
    services.item_submit(item=item, user=world.contributor)
    services.item_reject(item=item, user=world.moderator, reason="Trop flou.")

    response = as_contributor.get(url("history", item))

    rows = [row.get_text(" ", strip=True) for row in soup(response).select("tbody tr")]
    assert len(rows) == 3
    assert "Trop flou." in rows[0]


def test_contributors_delete_drafts_only(as_contributor, world):
    draft = ArchiveItemFactory(institution=world.a)
    submitted = ArchiveItemFactory(institution=world.a, status=Status.SUBMITTED)

    refused = as_contributor.post(url("delete", submitted))
    done = as_contributor.post(url("delete", draft))

    assert refused.status_code == 302 and refused.url == reverse("wagtailadmin_home")
    assert done.status_code == 302
    assert list(ArchiveItem.objects.all()) == [submitted]


def test_moderators_delete_any_item(as_moderator, world):
    item = ArchiveItemFactory(institution=world.a, status=Status.PUBLISHED)

    as_moderator.post(url("delete", item))

    assert not ArchiveItem.objects.exists()


# --- Transcripts and tags --------------------------------------------------------------------


def test_transcript_upload_imports_segments(as_contributor, world):
    item = ArchiveItemFactory(institution=world.a, kind=Kind.ORAL_HISTORY)
    upload = SimpleUploadedFile("marcel.txt", b"Speaker #1\nBonjour.\n")

    response = as_contributor.post(url("transcript", item), {"file": upload})

    assert response.status_code == 302
    assert list(TranscriptSegment.objects.values_list("speaker", "text")) == [
        ("Speaker #1", "Bonjour.")
    ]


def test_a_bad_transcript_is_a_form_error(as_contributor, world):
    item = ArchiveItemFactory(institution=world.a, kind=Kind.ORAL_HISTORY)
    upload = SimpleUploadedFile("casse.vtt", b"WEBVTT\n\n00:00:xx --> 00:00:09.000\nCasse.\n")

    response = as_contributor.post(url("transcript", item), {"file": upload})

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not TranscriptSegment.objects.exists()


def test_photos_have_no_transcript_page(as_contributor, world):
    item = ArchiveItemFactory(institution=world.a)

    assert as_contributor.get(url("transcript", item), follow=True).status_code == 404


def bulk_tag_url(*items) -> str:
    ids = "&".join(f"id={item.pk}" for item in items)
    return reverse("wagtail_bulk_action", args=["archive", "archiveitem", "add_tags"]) + "?" + ids


def test_bulk_tagging_confirms_then_tags(as_contributor, world):
    draft = ArchiveItemFactory(institution=world.a)
    published = ArchiveItemFactory(institution=world.a, status=Status.PUBLISHED)

    page = as_contributor.get(bulk_tag_url(draft, published))
    response = as_contributor.post(bulk_tag_url(draft, published), {"tags": "grève, 1963"})

    assert page.status_code == 200
    assert soup(page).select_one(".help-warning") is not None  # the published one goes back
    assert response.status_code == 302
    assert sorted(ArchiveItem.objects.get(pk=draft.pk).tags.names()) == ["1963", "grève"]
    assert ArchiveItem.objects.get(pk=published.pk).status == Status.SUBMITTED


def test_bulk_tagging_refuses_overlong_tags_on_the_form(as_contributor, world):
    item = ArchiveItemFactory(institution=world.a)

    response = as_contributor.post(bulk_tag_url(item), {"tags": "x" * 120})

    assert response.status_code == 200
    assert response.context["form"].errors["tags"]
    assert list(ArchiveItem.objects.get(pk=item.pk).tags.names()) == []


def test_the_listing_offers_bulk_actions(as_contributor, world):
    item = ArchiveItemFactory(institution=world.a)

    page = soup(as_contributor.get(reverse(INDEX)))

    assert page.select_one(f"input[data-bulk-action-checkbox][data-object-id='{item.pk}']")
    assert page.select_one("[data-bulk-action-footer] a[href*='add_tags']")


# --- The site history report -----------------------------------------------------------------


def test_site_history_shows_contributors_only_their_institutions_items(client, world):
    own = ArchiveItemFactory(institution=world.a, title="Notre brouillon")
    ArchiveItemFactory(institution=world.b, title="Brouillon secret de Tissage vivant")
    client.force_login(world.contributor)

    response = client.get(reverse("wagtailadmin_reports:site_history"))

    text = response.content.decode()
    assert response.status_code == 200
    assert own.title in text
    assert "Brouillon secret" not in text
