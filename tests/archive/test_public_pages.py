"""Public archive pages: /<lang>/archive/ and /<lang>/archive/<identifier>/, the recording and
captions they play, and the archive part of the demo.

What a visitor may see is decided by archive.selectors.items_viewable_by; these tests check
that every way in (list, page, related items, media file, captions) honours it.
"""

import datetime
import re
import time
from urllib.parse import parse_qs, urlsplit

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest
import webvtt
from bs4 import BeautifulSoup

from archive.models import ArchiveItem, Consent, Contributor, MediaFile, SavoirFaireStep
from archive.selectors import items_viewable_by
from archive.views.public import PAGE_SIZE
from tests.factories import TradeFactory
from tests.factories.archive import ContributorFactory, UserFactory
from tests.factories.items import (
    ItemImageFactory,
    MediaFileFactory,
    PublishedItemFactory,
    PublishedOralHistoryFactory,
    TranscriptSegmentFactory,
)

Status = ArchiveItem.Status
Access = ArchiveItem.Access

RECORDING = bytes(range(256)) * 4  # 1,024 bytes, each position recognisable


def page_of(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def detail_url(item) -> str:
    return f"/fr/archive/{item.identifier}/"


def listed_titles(client, path="/fr/archive/") -> list[str]:
    html = page_of(client.get(path))
    return [a.get_text(strip=True) for a in html.select(".archive-list .card__title a")]


# Every way an item can be kept from anonymous visitors. Members-only items are hidden from
# the list too, but their page asks for a login instead of answering 404.
HIDDEN = {
    "draft": lambda: PublishedItemFactory(status=Status.DRAFT, published_at=None),
    "submitted": lambda: PublishedItemFactory(status=Status.SUBMITTED, published_at=None),
    "rejected": lambda: PublishedItemFactory(
        status=Status.REJECTED, rejection_reason="Légende à compléter."
    ),
    "withdrawn": lambda: PublishedItemFactory(status=Status.WITHDRAWN),
    "restricted": lambda: PublishedItemFactory(access=Access.RESTRICTED),
    "members only": lambda: PublishedItemFactory(access=Access.MEMBERS),
    "research-only consent": lambda: PublishedOralHistoryFactory(
        consent__scope=Consent.Scope.RESEARCH
    ),
    "embargoed consent": lambda: PublishedOralHistoryFactory(
        consent__embargo_until=timezone.localdate() + datetime.timedelta(days=30)
    ),
    "withdrawn consent": lambda: PublishedOralHistoryFactory(consent__withdrawn_at=timezone.now()),
    "no consent": lambda: PublishedOralHistoryFactory(consent=None),
}
NOT_FOUND = [name for name in HIDDEN if name != "members only"]


@pytest.fixture
def visible(site_tree, empty_cache):
    """One public photo and one public interview whose embargo is over."""
    return [
        PublishedItemFactory(title="Métiers à tisser de la filature Vandamme"),
        PublishedOralHistoryFactory(
            title="Jeannine, tisserande à Roubaix",
            consent__embargo_until=timezone.localdate() - datetime.timedelta(days=1),
        ),
    ]


# --- the list -----------------------------------------------------------------------------


def test_the_list_shows_only_what_anonymous_visitors_may_see(client, visible):
    hidden = {name: make() for name, make in HIDDEN.items()}

    titles = listed_titles(client)

    assert sorted(titles) == sorted(item.title for item in visible)
    for name, item in hidden.items():
        assert item.title not in titles, name


def heading_levels(html: BeautifulSoup) -> list[int]:
    return [int(heading.name[1]) for heading in html.find_all(re.compile(r"^h[1-6]$"))]


def assert_headings_never_skip_a_level(html: BeautifulSoup) -> None:
    """axe's heading-order rule: one h1 first, and no heading more than one level below the
    heading before it (h1 then h3 leaves screen-reader users looking for a missing h2)."""
    levels = heading_levels(html)
    assert levels[:1] == [1], levels
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, levels


def test_the_lists_headings_never_skip_a_level(client, visible):
    html = page_of(client.get("/fr/archive/"))

    assert_headings_never_skip_a_level(html)
    assert len(html.select(".archive-list .card__title")) == len(visible)


def test_related_items_headings_never_skip_a_level(client, site_tree, empty_cache):
    weaver = TradeFactory(name="Tisserand", slug="tisserand")
    item, related = (PublishedItemFactory(trades=[weaver]) for _ in range(2))

    html = page_of(client.get(detail_url(item)))

    assert_headings_never_skip_a_level(html)
    assert [a.get_text(strip=True) for a in html.select(".card__title a")] == [related.title]


def test_the_list_shows_members_only_items_to_a_logged_in_member(client, visible):
    members_only = PublishedItemFactory(access=Access.MEMBERS, title="Registre du personnel")
    draft = PublishedItemFactory(status=Status.DRAFT, title="Brouillon du tissage")
    client.force_login(ContributorFactory().user)

    titles = listed_titles(client)

    assert members_only.title in titles
    assert draft.title not in titles


def test_the_list_shows_kind_institution_date_and_trades(client, site_tree, empty_cache):
    weaver = TradeFactory(name="Tisserand", slug="tisserand")
    item = PublishedItemFactory(
        trades=[weaver], year_from=1950, year_to=1960, date_approximate=True
    )
    ItemImageFactory(item=item)

    card = page_of(client.get("/fr/archive/")).select_one(".archive-list .card")

    text = card.get_text(" ", strip=True)
    assert item.get_kind_display() in text
    assert item.institution.member.name in text
    assert "1950–1960" in text
    assert [tag.get_text() for tag in card.select(".tag")] == ["Tisserand"]
    thumbnail = card.select_one("img.card__image")
    assert "fill-480x300" in thumbnail["src"]


def test_the_list_is_paginated_newest_first(client, site_tree, empty_cache):
    start = timezone.now() - datetime.timedelta(days=100)
    items = [
        PublishedItemFactory(
            title=f"Pièce de tissu {n:02d}", published_at=start + datetime.timedelta(days=n)
        )
        for n in range(PAGE_SIZE + 1)
    ]

    first = page_of(client.get("/fr/archive/"))
    second = listed_titles(client, "/fr/archive/?page=2")

    first_titles = [a.get_text(strip=True) for a in first.select(".archive-list .card__title a")]
    assert first_titles == [item.title for item in reversed(items[1:])]
    assert second == [items[0].title]
    assert first.select_one(".pagination a[rel=next]")["href"] == "?page=2"
    # Out-of-range or junk page numbers land on a real page rather than an error.
    assert listed_titles(client, "/fr/archive/?page=99") == second
    assert listed_titles(client, "/fr/archive/?page=abc") == first_titles


def queries_for(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_more_items(client, site_tree, empty_cache):
    def add_photos(n):
        for _ in range(n):
            ItemImageFactory(item=PublishedItemFactory(trades=[TradeFactory()]))

    add_photos(2)
    # The first views make the renditions and fill the navigation cache.
    client.get("/fr/archive/")
    client.get("/fr/archive/")
    few = queries_for(client, "/fr/archive/")
    add_photos(8)
    client.get("/fr/archive/")

    assert queries_for(client, "/fr/archive/") == few


# --- the item page ------------------------------------------------------------------------


def test_a_public_item_has_its_page(client, visible):
    for item in visible:
        html = page_of(client.get(detail_url(item)))
        assert html.h1.get_text(strip=True) == item.title
        assert html.find("meta", attrs={"name": "robots"}) is None


@pytest.mark.parametrize("name", NOT_FOUND)
def test_a_hidden_item_is_not_found(client, site_tree, empty_cache, name):
    item = HIDDEN[name]()

    assert client.get(detail_url(item)).status_code == 404


def test_an_embargo_ends_at_midnight_in_the_sites_time_zone(
    client, site_tree, empty_cache, paris_past_midnight
):
    # 23:30 UTC on the 7th is 00:30 on the 8th in Paris: an embargo until the 8th is over.
    ends_today = PublishedOralHistoryFactory(
        title="Marthe, fileuse", consent__embargo_until=datetime.date(2026, 12, 8)
    )
    ends_tomorrow = PublishedOralHistoryFactory(
        title="Louis, porion", consent__embargo_until=datetime.date(2026, 12, 9)
    )

    assert client.get(detail_url(ends_today)).status_code == 200
    assert client.get(detail_url(ends_tomorrow)).status_code == 404
    assert listed_titles(client) == ["Marthe, fileuse"]


def test_an_unknown_identifier_is_not_found(client, site_tree):
    assert client.get("/fr/archive/FAB-XXXX-9999/").status_code == 404


def test_the_page_shows_the_inventory_number(client, site_tree, empty_cache):
    numbered = PublishedItemFactory(inventory_number="1998.12.4")
    plain = PublishedItemFactory()

    facts = page_of(client.get(detail_url(numbered))).select_one(".archive-item__facts")

    assert "Numéro d’inventaire 1998.12.4" in facts.get_text(" ", strip=True)
    plain_facts = page_of(client.get(detail_url(plain))).select_one(".archive-item__facts")
    assert plain_facts.select_one("[data-inventory-number]") is None


def test_a_members_only_item_asks_anonymous_visitors_to_log_in(client, site_tree, empty_cache):
    item = PublishedItemFactory(access=Access.MEMBERS)

    response = client.get(detail_url(item) + "?t=5")

    assert response.status_code == 302
    login, _sep, query = response["Location"].partition("?")
    assert login == reverse("wagtailcore_login")
    assert query == f"next={detail_url(item)}%3Ft%3D5"


def test_a_members_only_item_opens_for_a_logged_in_contributor(client, site_tree, empty_cache):
    item = PublishedItemFactory(access=Access.MEMBERS, title="Registre du personnel, 1962")
    # A contributor of any institution is a member of the network.
    client.force_login(ContributorFactory().user)

    html = page_of(client.get(detail_url(item)))

    assert html.h1.get_text(strip=True) == item.title
    assert html.find("meta", attrs={"name": "robots", "content": "noindex"}) is not None


def test_a_members_only_item_is_not_found_for_an_account_that_is_no_member(
    client, site_tree, empty_cache
):
    item = PublishedItemFactory(access=Access.MEMBERS)
    client.force_login(UserFactory())

    # Logging in again would not help: no login loop, a plain 404.
    assert client.get(detail_url(item)).status_code == 404


def test_a_moderator_sees_a_draft_marked_as_not_public(client, site_tree, empty_cache):
    draft = PublishedItemFactory(status=Status.DRAFT, published_at=None)
    client.force_login(UserFactory(is_superuser=True))

    html = page_of(client.get(detail_url(draft)))

    assert html.select_one(".message--warning") is not None
    assert html.find("meta", attrs={"name": "robots", "content": "noindex"}) is not None


def test_the_page_shows_date_place_trades_rights_credit_institution_and_tags(
    client, site_tree, empty_cache
):
    weaver = TradeFactory(name="Tisserand", slug="tisserand")
    item = PublishedItemFactory(
        trades=[weaver],
        date=datetime.date(1955, 3, 12),
        place_name="Filature Vandamme",
        latitude="50.694200",
        longitude="3.170200",
        rights=ArchiveItem.Rights.CC_BY_SA,
        credit_line="Coll. Musée de la Filature Vandamme",
    )
    item.tags.add("tissage", "Roubaix")
    item.save()

    html = page_of(client.get(detail_url(item)))

    facts = html.select_one(".archive-item__facts")
    text = facts.get_text(" ", strip=True)
    assert "12 mars 1955" in text
    assert "Filature Vandamme" in facts.select_one("#item-place").get_text()
    assert [t.get_text() for t in facts.select(".tags .tag")][:1] == ["Tisserand"]
    assert {"tissage", "Roubaix"} <= {t.get_text() for t in facts.select(".tag")}
    licence = facts.select_one("a[rel=license]")
    assert licence["href"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert licence.get_text() == "CC BY-SA 4.0"
    assert "Coll. Musée de la Filature Vandamme" in text
    assert item.institution.member.name in text
    # The small map has one marker, pointing at the place in the facts.
    markers = html.find("script", id="item-map-data")
    assert '"id": "item-place"' in markers.get_text()
    assert '"lat": 50.6942' in markers.get_text()


def test_trades_are_labelled_in_the_visitors_language(client, site_tree, empty_cache):
    weaver = TradeFactory(name="Tisserand", slug="tisserand")
    english = weaver.copy_for_translation(site_tree.locales["en"])
    english.name = "Weaver"
    english.save()
    item = PublishedItemFactory(trades=[weaver])

    french = page_of(client.get(detail_url(item))).select_one(".archive-item__facts .tag")
    in_english = page_of(client.get(f"/en/archive/{item.identifier}/")).select_one(
        ".archive-item__facts .tag"
    )

    assert french.get_text() == "Tisserand"
    assert in_english.get_text() == "Weaver"


def test_a_photo_shows_renditions_and_never_the_original(client, site_tree, empty_cache):
    item = PublishedItemFactory()
    photos = [ItemImageFactory(item=item, sort_order=n) for n in range(2)]

    html = page_of(client.get(detail_url(item)))

    viewers = html.select("[data-viewer]")
    assert len(viewers) == 2
    for viewer, photo in zip(viewers, photos, strict=True):
        image = photo.image
        assert viewer.select_one("img")["src"] == image.get_rendition("max-960x720").url
        # Zoom, with or without JavaScript: a link to a larger rendition.
        assert viewer.select_one("a[data-zoom]")["href"] == image.get_rendition("max-2400x2400").url
        assert viewer.select_one("img")["alt"] == image.alt_text
    page = html.decode()
    assert "original_images" not in page
    for photo in photos:
        assert photo.image.file.url not in page


def test_a_savoir_faire_record_lists_techniques_and_its_steps_in_order(
    client, site_tree, empty_cache
):
    item = PublishedItemFactory(
        kind=ArchiveItem.Kind.SAVOIR_FAIRE,
        techniques="Ourdissage\nArmure toile",
        materials="Fil de coton",
        tools="Navette\nPeigne",
    )
    texts = ["Ourdir la chaîne.", "Rentrer les fils.", "Tisser."]
    for order, text in enumerate(reversed(texts)):
        SavoirFaireStep.objects.create(item=item, text=text, sort_order=len(texts) - 1 - order)

    html = page_of(client.get(detail_url(item)))

    lists = html.select_one(".savoir-faire__lists")
    assert [li.get_text() for li in lists.select("ul")[0].select("li")] == [
        "Ourdissage",
        "Armure toile",
    ]
    assert [li.get_text() for li in lists.select("ul")[2].select("li")] == ["Navette", "Peigne"]
    assert [s.get_text(strip=True) for s in html.select(".steps .step__text")] == texts


# --- oral histories: transcript, player, captions -----------------------------------------


@pytest.fixture
def interview(site_tree, empty_cache):
    """A public interview with a stored recording and a timed transcript."""
    item = PublishedOralHistoryFactory(title="Jeannine, tisserande à Roubaix")
    item.media = MediaFileFactory(institution=item.institution, data=RECORDING)
    item.save()
    for position, (start, end, speaker, text) in enumerate(
        [
            (0, 3000, "Camille", "À quel âge êtes-vous entrée à la filature ?"),
            (3000, 6500, "Jeannine D.", "À quatorze ans, en 1952."),
            (65_250, 70_000, "Jeannine D.", "Le bruit. Cent métiers qui battent ensemble."),
        ]
    ):
        TranscriptSegmentFactory(
            item=item, position=position, start_ms=start, end_ms=end, speaker=speaker, text=text
        )
    return item


def test_transcript_segments_carry_their_start_and_a_link_to_it(client, interview):
    html = page_of(client.get(detail_url(interview)))

    segments = html.select(".transcript [data-start]")
    assert [s["data-start"] for s in segments] == ["0", "3", "65.25"]
    assert [s.select_one("a")["href"] for s in segments] == ["?t=0", "?t=3", "?t=65"]
    assert [s.select_one("a").get_text() for s in segments] == ["00:00", "00:03", "01:05"]
    assert segments[2].select_one(".transcript__speaker").get_text() == "Jeannine D."


def test_the_player_plays_the_media_view_with_captions(client, interview):
    html = page_of(client.get(detail_url(interview)))

    player = html.select_one("[data-player] audio")
    assert player.select_one("source")["src"] == f"/fr/archive/{interview.identifier}/media/"
    assert player.select_one("source")["type"] == "audio/wav"
    track = player.select_one("track[kind=captions]")
    assert track["src"] == f"/fr/archive/{interview.identifier}/captions.vtt"
    assert html.find("script", src=lambda src: src and "archive-player.js" in src)
    # The storage key never reaches the page.
    assert interview.media.key not in html.decode()


def test_the_page_gives_the_recordings_length(client, interview):
    interview.media.duration_seconds = 3725
    interview.media.save()

    html = page_of(client.get(detail_url(interview)))

    facts = dict(
        zip(
            [dt.get_text() for dt in html.select(".facts dt")],
            html.select(".facts dd"),
            strict=True,
        )
    )
    assert facts["Durée"].get_text() == "1:02:05"
    assert facts["Durée"].time["datetime"] == "PT3725S"


def test_a_recording_of_unknown_length_shows_none(client, interview):
    interview.media.duration_seconds = None
    interview.media.save()

    html = page_of(client.get(detail_url(interview)))

    assert "Durée" not in [dt.get_text() for dt in html.select(".facts dt")]


@pytest.mark.parametrize(("query", "fragment"), [("?t=65", "#t=65"), ("?t=12.5", "#t=12.5")])
def test_a_start_time_in_the_url_starts_the_recording_there_without_javascript(
    client, interview, query, fragment
):
    html = page_of(client.get(detail_url(interview) + query))

    assert html.select_one("audio source")["src"].endswith(fragment)


@pytest.mark.parametrize("query", ["?t=abc", "?t=-5", "?t=1e9", "?t="])
def test_a_malformed_start_time_is_ignored(client, interview, query):
    html = page_of(client.get(detail_url(interview) + query))

    assert "#t=" not in html.select_one("audio source")["src"]


def test_an_untimed_transcript_is_shown_without_times(client, site_tree, empty_cache):
    item = PublishedOralHistoryFactory()
    for position, speaker in enumerate(["Speaker #1", "Speaker #2"]):
        TranscriptSegmentFactory(item=item, position=position, speaker=speaker, text="Oui.")

    html = page_of(client.get(detail_url(item)))

    segments = html.select(".transcript__segment")
    assert [s.select_one(".transcript__speaker").get_text() for s in segments] == [
        "Speaker #1",
        "Speaker #2",
    ]
    assert html.select(".transcript [data-start]") == []
    assert html.select("audio, video, track") == []


def test_captions_are_valid_webvtt_built_from_the_transcript(client, interview):
    response = client.get(f"/fr/archive/{interview.identifier}/captions.vtt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/vtt; charset=utf-8"
    captions = webvtt.from_string(response.content.decode())
    assert [(c.start, c.end) for c in captions] == [
        ("00:00:00.000", "00:00:03.000"),
        ("00:00:03.000", "00:00:06.500"),
        ("00:01:05.250", "00:01:10.000"),
    ]
    assert captions[1].voice == "Jeannine D."
    assert captions[1].text == "À quatorze ans, en 1952."


@pytest.mark.parametrize("name", [*NOT_FOUND, "members only"])
def test_captions_of_a_hidden_item_are_not_found(client, site_tree, empty_cache, name):
    item = HIDDEN[name]()
    TranscriptSegmentFactory(item=item, start_ms=0, end_ms=1000, text="Secret de fabrique.")

    response = client.get(f"/fr/archive/{item.identifier}/captions.vtt")

    assert response.status_code == 404
    assert b"Secret de fabrique" not in response.content


# --- the recording: whole, ranges, refusals -----------------------------------------------


def media_url(item) -> str:
    return f"/fr/archive/{item.identifier}/media/"


def test_the_recording_is_served_whole(client, interview):
    response = client.get(media_url(interview))

    assert response.status_code == 200
    assert response["Content-Type"] == "audio/wav"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(len(RECORDING))
    assert body(response) == RECORDING
    # Named after the item, not after the storage key.
    assert interview.media.key.rsplit("/", 1)[-1] not in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=1000-", 1000, 1023),
        ("bytes=-24", 1000, 1023),
        ("bytes=1000-99999", 1000, 1023),
        ("bytes=-5000", 0, 1023),
    ],
)
def test_a_range_request_gets_exactly_those_bytes(client, interview, header, first, last):
    response = client.get(media_url(interview), headers={"Range": header})

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{len(RECORDING)}"
    assert response["Content-Length"] == str(last - first + 1)
    assert body(response) == RECORDING[first : last + 1]


@pytest.mark.parametrize("header", ["bytes=1024-", "bytes=5000-6000", "bytes=-0", "bytes=50-10"])
def test_an_unsatisfiable_range_is_refused_with_416(client, interview, header):
    response = client.get(media_url(interview), headers={"Range": header})

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(RECORDING)}"
    assert response.content == b""


@pytest.mark.parametrize("header", ["bytes=0-1,5-6", "items=0-5", "bytes=abc", "bytes="])
def test_a_range_we_do_not_serve_gets_the_whole_file(client, interview, header):
    response = client.get(media_url(interview), headers={"Range": header})

    assert response.status_code == 200
    assert body(response) == RECORDING


def test_if_range_resumes_only_the_same_file(client, interview):
    current = client.get(media_url(interview))["ETag"]

    same = client.get(media_url(interview), headers={"Range": "bytes=0-9", "If-Range": current})
    stale = client.get(media_url(interview), headers={"Range": "bytes=0-9", "If-Range": '"old"'})

    assert same.status_code == 206
    assert body(same) == RECORDING[:10]
    assert stale.status_code == 200
    assert body(stale) == RECORDING


@pytest.mark.parametrize("name", [*NOT_FOUND, "members only"])
def test_the_recording_of_a_hidden_item_is_not_found(client, site_tree, empty_cache, name):
    item = HIDDEN[name]()
    item.kind = ArchiveItem.Kind.ORAL_HISTORY
    item.media = MediaFileFactory(institution=item.institution)
    item.save()
    key = item.media.key

    responses = [
        client.get(media_url(item)),
        client.get(media_url(item), headers={"Range": "bytes=0-99"}),
        client.get(detail_url(item)),
        client.get("/fr/archive/"),
    ]

    assert responses[0].status_code == 404
    assert responses[1].status_code == 404
    for response in responses:
        assert key.encode() not in body(response)
        assert key not in response.get("Location", "")


def test_an_item_without_a_recording_has_no_media(client, site_tree, empty_cache):
    item = PublishedOralHistoryFactory()

    assert client.get(media_url(item)).status_code == 404


def test_a_step_video_is_served_from_its_visible_record(client, site_tree, empty_cache):
    item = PublishedItemFactory(kind=ArchiveItem.Kind.SAVOIR_FAIRE)
    video = MediaFileFactory(institution=item.institution, kind="video", mime="video/mp4")
    step = SavoirFaireStep.objects.create(item=item, text="Nouer le fil.", media=video)
    url = f"/fr/archive/{item.identifier}/steps/{step.pk}/media/"

    html = page_of(client.get(detail_url(item)))
    assert html.select_one(".step video")["src"] == url
    assert client.get(url, headers={"Range": "bytes=0-9"}).status_code == 206

    item.status = Status.WITHDRAWN
    item.save()
    assert client.get(url).status_code == 404


@pytest.fixture(params=[None, "s3v4"], ids=["signature-default", "signature-v4"])
def s3_storage(request, settings):
    """The default storage switched to S3. Presigning is computed locally by botocore, so no
    request reaches the (unreachable) endpoint: these tests check the redirect, not S3.
    Returns the signature version."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "fabrique-archive",
                "endpoint_url": "http://127.0.0.1:9",
                "access_key": "test-key",
                "secret_key": "test-secret",
                "region_name": "us-east-1",
                "querystring_auth": True,
                "querystring_expire": 3600,
                "signature_version": request.param,
            },
        },
    }
    return request.param


def test_with_s3_the_recording_is_a_short_lived_presigned_redirect(
    client, site_tree, empty_cache, s3_storage
):
    item = PublishedOralHistoryFactory()
    item.media = MediaFile.objects.create(
        institution=item.institution,
        kind=MediaFile.Kind.AUDIO,
        key=f"{item.institution.storage_prefix}/media/2026/01/{'a' * 32}.wav",
        mime="audio/wav",
        size=1024,
        sha256="0" * 64,
    )
    item.save()

    before = time.time()
    response = client.get(media_url(item))

    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    target = urlsplit(response["Location"])
    query = parse_qs(target.query)
    assert target.path == f"/fabrique-archive/{item.media.key}"
    # Signed, and valid for five minutes at most whatever the storage's own default (a
    # duration with signature v4, an absolute time with v2).
    if s3_storage == "s3v4":
        assert query["X-Amz-Signature"]
        assert query["X-Amz-Expires"] == ["300"]
        # The type found in the bytes, whatever the object's metadata says.
        assert query["response-content-type"] == ["audio/wav"]
    else:
        assert query["Signature"]
        assert before + 290 <= int(query["Expires"][0]) <= time.time() + 300


def test_with_s3_a_hidden_recording_gets_no_url(client, site_tree, empty_cache, s3_storage):
    item = PublishedOralHistoryFactory(status=Status.WITHDRAWN)
    item.media = MediaFile.objects.create(
        institution=item.institution,
        kind=MediaFile.Kind.AUDIO,
        key=f"{item.institution.storage_prefix}/media/2026/01/{'b' * 32}.wav",
        mime="audio/wav",
        size=1024,
        sha256="1" * 64,
    )
    item.save()

    response = client.get(media_url(item))

    assert response.status_code == 404
    assert item.media.key.encode() not in response.content
    assert "Location" not in response


# --- related items ------------------------------------------------------------------------


def test_related_items_share_a_trade_or_the_commune_and_are_visible(client, site_tree, empty_cache):
    weaver, miner = TradeFactory(name="Tisserand"), TradeFactory(name="Mineur")
    item = PublishedItemFactory(trades=[weaver], commune="Roubaix")
    same_trade = PublishedItemFactory(trades=[weaver], commune="Tourcoing", title="Même métier")
    same_commune = PublishedItemFactory(trades=[miner], commune="Roubaix", title="Même commune")
    PublishedItemFactory(trades=[miner], commune="Lens", title="Sans rapport")
    hidden = [
        PublishedItemFactory(trades=[weaver], status=Status.DRAFT, title="Brouillon lié"),
        PublishedItemFactory(trades=[weaver], access=Access.MEMBERS, title="Réservé lié"),
        PublishedItemFactory(trades=[weaver], access=Access.RESTRICTED, title="Restreint lié"),
        PublishedOralHistoryFactory(
            trades=[weaver], consent__scope=Consent.Scope.RESEARCH, title="Recherche liée"
        ),
    ]

    html = page_of(client.get(detail_url(item)))

    related = {a.get_text(strip=True) for a in html.select("#related-title ~ .cards h3 a")}
    assert related == {same_trade.title, same_commune.title}
    assert not related & {h.title for h in hidden}


def test_related_items_are_at_most_six(client, site_tree, empty_cache):
    weaver = TradeFactory(name="Tisserand")
    item = PublishedItemFactory(trades=[weaver], commune="")
    for _ in range(8):
        PublishedItemFactory(trades=[weaver], commune="")

    html = page_of(client.get(detail_url(item)))

    assert len(html.select("#related-title ~ .cards .card")) == 6


# --- the demo -----------------------------------------------------------------------------


@pytest.mark.slow
def test_the_demo_has_a_published_public_item_of_each_kind(demo_db, client):
    public = items_viewable_by(user=AnonymousUser())

    assert set(public.values_list("kind", flat=True)) == set(ArchiveItem.Kind.values)
    for item in public:
        assert client.get(detail_url(item)).status_code == 200, item.identifier
    # Mostly weaving in Roubaix; the search demo items add other places and trades
    # so that filters have something to tell apart.
    assert public.filter(commune="Roubaix", trades__slug="tisserand").count() >= 4


@pytest.mark.slow
def test_the_demo_has_a_timed_and_an_untimed_transcript(demo_db, client):
    interviews = items_viewable_by(user=AnonymousUser()).filter(kind=ArchiveItem.Kind.ORAL_HISTORY)
    timed = [i for i in interviews if all(s.start_ms is not None for s in i.segments.all())]
    untimed = [i for i in interviews if all(s.start_ms is None for s in i.segments.all())]

    assert len(timed) == 1
    assert len(untimed) == 1
    assert timed[0].segments.count() >= 10
    assert timed[0].media is not None
    assert {s.speaker for s in untimed[0].segments.all()} == {"Speaker #1", "Speaker #2"}
    assert untimed[0].media is None
    assert all(i.consent.scope == Consent.Scope.PUBLIC_WEB for i in interviews)
    # The timed one plays, seeks and has captions.
    recording = client.get(media_url(timed[0]), headers={"Range": "bytes=0-11"})
    assert recording.status_code == 206
    assert body(recording)[:4] == b"RIFF"
    captions = webvtt.from_string(
        client.get(f"/fr/archive/{timed[0].identifier}/captions.vtt").content.decode()
    )
    assert len(captions) == timed[0].segments.count()


@pytest.mark.slow
def test_the_demo_shows_the_rules_with_a_members_only_item_and_a_draft(demo_db, client):
    members_only = ArchiveItem.objects.get(access=Access.MEMBERS, status=Status.PUBLISHED)
    draft = ArchiveItem.objects.get(status=Status.DRAFT)

    assert client.get(detail_url(members_only)).status_code == 302
    assert client.get(detail_url(draft)).status_code == 404
    client.login(username="contributeur", password="fabrique-contrib")
    assert client.get(detail_url(members_only)).status_code == 200


@pytest.mark.slow
def test_the_demo_prints_a_contributor_login_that_works(demo_db):
    contributor = Contributor.objects.select_related("user", "institution").get(
        user__username="contributeur"
    )

    assert "Contributor login" in demo_db
    assert "user: contributeur  password: fabrique-contrib" in demo_db
    assert contributor.user.check_password("fabrique-contrib")
    assert contributor.institution.items.filter(status=Status.PUBLISHED).exists()
    assert contributor.user.has_perm("wagtailadmin.access_admin")


@pytest.mark.slow
def test_the_demo_home_page_links_to_the_archive(demo_db, client):
    html = page_of(client.get("/fr/"))

    assert html.select_one(f".archive-invite a[href='{reverse('archive:list')}']")
