"""Per-IP rate limits on the archive search, its suggestions and the open API: 429 with
Retry-After once over the rate (an HTML page, JSON, problem details), nothing for other pages."""

import json

from django.utils import translation

import pytest

from archive.models import ArchiveItem

pytestmark = pytest.mark.django_db

VISITOR = "198.51.100.7"
NEIGHBOUR = "198.51.100.8"


@pytest.fixture
def low_rates(settings, empty_cache):
    settings.SEARCH_RATE_LIMIT = "3/m"
    settings.SUGGEST_RATE_LIMIT = "3/m"
    settings.API_RATE_LIMIT = "3/m"


def get(client, path, ip=VISITOR, **headers):
    return client.get(path, REMOTE_ADDR=ip, **headers)


def assert_retry_after(response):
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response["Cache-Control"] == "no-store"


def test_search_beyond_the_rate_gets_a_page_saying_when_to_retry(client, site_tree, low_rates):
    answers = [get(client, f"/fr/search/?q=tisserand{n}") for n in range(4)]

    assert [answer.status_code for answer in answers[:3]] == [200, 200, 200]
    refused = answers[3]
    assert_retry_after(refused)
    assert refused["Content-Type"].startswith("text/html")
    page = refused.content.decode()
    with translation.override("fr"):
        assert "Trop de recherches" in page
    assert f"{refused['Retry-After']} seconde" in page
    # Another address is not affected.
    assert get(client, "/fr/search/?q=tisserand", ip=NEIGHBOUR).status_code == 200


def test_suggestions_beyond_the_rate_get_json(client, site_tree, low_rates):
    answers = [get(client, "/en/search/suggest/?field=trade&q=tis") for _ in range(4)]

    assert [answer.status_code for answer in answers[:3]] == [200, 200, 200]
    refused = answers[3]
    assert_retry_after(refused)
    body = json.loads(refused.content)
    assert body["suggestions"] == []
    assert body["error"] == "Too many requests. Please try again in a moment."


def test_the_api_beyond_the_rate_gets_problem_details(client, db, low_rates):
    answers = [
        get(client, "/api/v1/items/", HTTP_ORIGIN="https://viewer.example") for _ in range(4)
    ]

    assert [answer.status_code for answer in answers[:3]] == [200, 200, 200]
    refused = answers[3]
    assert_retry_after(refused)
    assert refused["Content-Type"] == "application/problem+json"
    problem = json.loads(refused.content)
    assert set(problem) == {"type", "title", "status", "detail"}
    assert problem["status"] == 429
    assert problem["title"] == "Too Many Requests"
    assert refused["Retry-After"] in problem["detail"]
    # Other sites' scripts can read the answer and its Retry-After.
    assert refused["Access-Control-Allow-Origin"] == "*"
    assert "Retry-After" in refused["Access-Control-Expose-Headers"]


def test_limits_are_counted_apart(client, site_tree, low_rates):
    """Using up the search's allowance leaves the suggestions' intact."""
    for n in range(4):
        get(client, f"/fr/search/?q=x{n}")

    assert get(client, "/fr/search/suggest/?field=place&q=rou").status_code == 200


def test_other_pages_are_never_limited(client, site_tree, low_rates):
    from tests.factories.items import PublishedItemFactory

    item = PublishedItemFactory(access=ArchiveItem.Access.PUBLIC)
    paths = ["/fr/", "/fr/archive/", f"/fr/archive/{item.identifier}/", "/robots.txt"]
    for n in range(4):
        get(client, f"/fr/search/?q=x{n}")

    answers = {path: {get(client, path).status_code for _ in range(6)} for path in paths}

    assert answers == {path: {200} for path in paths}


def test_behind_a_proxy_the_visitor_is_the_address_the_proxy_saw(
    client, site_tree, low_rates, settings
):
    """X-Forwarded-For is read TRUSTED_PROXY_COUNT entries from the right: a client that writes
    its own entries to the left gains nothing."""
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"

    def search(forwarded):
        return get(client, "/fr/search/?q=x", ip=proxy, HTTP_X_FORWARDED_FOR=forwarded).status_code

    spoofing = [search(f"203.0.113.{n}, {VISITOR}") for n in range(4)]

    assert spoofing == [200, 200, 200, 429]
    assert search(NEIGHBOUR) == 200
