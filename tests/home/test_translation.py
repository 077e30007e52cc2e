"""Translating a French news item into English through the admin, the way an editor does it
with wagtail-localize: "Translate this page" (with its subtree), type the English texts in the
translation editor, "Publish in English"; then read the result on the public site."""

import json
from types import SimpleNamespace

from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from wagtail.models import Page
from wagtail_localize.models import Translation

import pytest
from bs4 import BeautifulSoup

from home.models import HomePage, NewsPage
from tests.factories import NewsIndexPageFactory, NewsPageFactory, body

FRENCH = {
    "title": "Réouverture de la filature Vandamme",
    "slug": "reouverture-filature",
    "intro": "Après deux ans de travaux, la filature rouvre ses ateliers au public.",
}
ENGLISH = {
    "home": {"title": "Home", "slug": "home"},
    "news_index": {"title": "News", "slug": "news", "intro": "News from the network."},
    "news": {
        "title": "The Vandamme spinning mill reopens",
        "slug": "spinning-mill-reopens",
        "intro": "After two years of works, the spinning mill opens its workshops again.",
    },
}


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        username="traductrice", email="traductrice@fabrique.invalid", password="x"
    )
    client.force_login(user)
    return client


@pytest.fixture
def french_news(site_tree):
    news_index = NewsIndexPageFactory(parent=site_tree.home, slug="actualites")
    news = NewsPageFactory(
        parent=news_index,
        body=body("Les métiers à tisser tournent de nouveau."),
        tags=["textile"],
        **FRENCH,
    )
    return SimpleNamespace(news_index=news_index, news=news, **vars(site_tree))


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def submit_for_translation(editor, page, locale, *, include_subtree=False):
    """The "Translate this page" form: tick the language (and the subtree), submit."""
    data = {"locales": [locale.pk]}
    if include_subtree:
        data["include_subtree"] = "on"
    return editor.post(reverse("wagtail_localize:submit_page_translation", args=[page.pk]), data)


def translation_editor_props(editor, page) -> dict:
    """What the translation editor (a React app) is given to work with."""
    response = editor.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    element = soup(response).select_one(".js-translation-editor")
    assert element is not None, "the page does not open in the translation editor"
    return json.loads(element["data-props"])


def translate_strings(editor, page, values: dict[str, str]) -> None:
    """Type `values` (content path -> English text) into the translation editor, which saves
    each string with a PUT of a form-data body to the segment's edit URL."""
    segments = {
        segment["contentPath"]: segment
        for segment in translation_editor_props(editor, page)["segments"]
        if segment["type"] == "string"
    }
    for path, value in values.items():
        response = editor.put(
            segments[path]["editUrl"],
            encode_multipart(BOUNDARY, {"value": value}),
            content_type=MULTIPART_CONTENT,
        )
        assert response.status_code in (200, 201), response.content
        assert response.json()["data"] == value


def publish_translation(editor, page, on_commit):
    """The translation editor's "Publish in <language>" button. wagtail-localize publishes the
    new revision once the request's transaction commits: `on_commit` runs those callbacks,
    which the test's own transaction would otherwise swallow."""
    with on_commit(execute=True):
        return editor.post(
            reverse("wagtailadmin_pages:edit", args=[page.pk]), {"action": "publish"}
        )


def english_version(page, locale):
    return page.get_translation(locale).specific


@pytest.fixture
def translated(editor, french_news, django_capture_on_commit_callbacks):
    """The French home page and its subtree, translated into English and published; the
    client is then logged out, to see the site as a visitor does."""
    en = french_news.locales["en"]
    response = submit_for_translation(editor, french_news.home, en, include_subtree=True)
    assert response.status_code == 302

    pages = {
        "home": english_version(french_news.home, en),
        "news_index": english_version(french_news.news_index, en),
        "news": english_version(french_news.news, en),
    }
    drafts_live = {key: page.live for key, page in pages.items()}
    for key, page in pages.items():
        translate_strings(editor, page, ENGLISH[key])
        response = publish_translation(editor, page, django_capture_on_commit_callbacks)
        assert response.status_code == 302
    for page in pages.values():
        page.refresh_from_db()
    editor.logout()
    return SimpleNamespace(en=en, drafts_live=drafts_live, **pages, french=french_news)


def test_submitting_creates_english_drafts_of_the_whole_subtree(editor, french_news, client):
    en = french_news.locales["en"]

    response = submit_for_translation(editor, french_news.home, en, include_subtree=True)

    english_news = english_version(french_news.news, en)
    # With a single language chosen, the editor lands in the new translation.
    assert response["Location"] == reverse(
        "wagtailadmin_pages:edit", args=[english_version(french_news.home, en).pk]
    )
    assert isinstance(english_news, NewsPage)
    assert english_news.get_parent().specific == english_version(french_news.news_index, en)
    assert not english_news.live
    # Until someone translates it, the draft holds the French texts.
    assert english_news.title == FRENCH["title"]
    assert Translation.objects.filter(target_locale=en, enabled=True).count() == 3
    # Nothing is public in English yet: /en/ still shows the French home page.
    client.logout()
    home = soup(client.get("/en/"))
    assert home.html["lang"] == "fr"
    assert [a["hreflang"] for a in home.select(".lang-switcher a")] == ["fr"]


def test_the_editor_offers_every_text_of_the_news_item(editor, french_news):
    en = french_news.locales["en"]
    submit_for_translation(editor, french_news.home, en, include_subtree=True)

    props = translation_editor_props(editor, english_version(french_news.news, en))

    sources = {
        segment["contentPath"]: segment["source"]
        for segment in props["segments"]
        if segment["type"] == "string"
    }
    assert sources["title"] == FRENCH["title"]
    assert sources["slug"] == FRENCH["slug"]
    assert sources["intro"] == FRENCH["intro"]
    assert "Les métiers à tisser tournent de nouveau." in sources.values()
    assert props["locale"]["code"] == "en"
    assert props["sourceLocale"]["code"] == "fr"
    assert props["perms"]["canPublish"] is True


def test_the_published_translation_is_served_in_english(translated, client):
    news = ENGLISH["news"]

    response = client.get(f"/en/news/{news['slug']}/")

    assert not any(translated.drafts_live.values()), "translations start as drafts"
    assert response.status_code == 200
    html = soup(response)
    assert html.html["lang"] == "en"
    article = html.select_one("main article")
    assert article.h1.get_text(strip=True) == news["title"]
    assert article.select_one(".lead").get_text(strip=True) == news["intro"]
    # The body was not translated: it falls back to the French text rather than vanishing.
    assert "Les métiers à tisser tournent de nouveau." in article.get_text()
    assert translated.news.url == f"/en/news/{news['slug']}/"


def test_the_english_news_index_lists_only_the_english_item(translated, client):
    response = client.get("/en/news/")

    assert response.status_code == 200
    html = soup(response)
    assert html.h1.get_text(strip=True) == "News"
    text = html.select_one("main").get_text(" ", strip=True)
    assert ENGLISH["news"]["title"] in text
    assert FRENCH["title"] not in text


def test_the_french_original_is_unchanged(translated, client):
    french = NewsPage.objects.get(pk=translated.french.news.pk)

    assert (french.title, french.slug, french.intro) == (
        FRENCH["title"],
        FRENCH["slug"],
        FRENCH["intro"],
    )
    assert french.locale.language_code == "fr"
    assert french.live
    response = client.get(f"/fr/actualites/{FRENCH['slug']}/")
    assert response.status_code == 200
    article = soup(response).select_one("main article")
    assert article.h1.get_text(strip=True) == FRENCH["title"]
    assert article.select_one(".lead").get_text(strip=True) == FRENCH["intro"]
    # Translating does not move, rename or duplicate anything on the French side.
    assert NewsPage.objects.filter(locale=french.locale).count() == 1
    assert HomePage.objects.filter(locale=french.locale).get().pk == translated.french.home.pk


def test_the_two_versions_link_to_each_other(translated, client):
    english_path = f"/en/news/{ENGLISH['news']['slug']}/"
    french_path = f"/fr/actualites/{FRENCH['slug']}/"

    english = soup(client.get(english_path))
    french = soup(client.get(french_path))

    def alternates(html):
        return {
            link["hreflang"]: link["href"] for link in html.select("link[rel=alternate][hreflang]")
        }

    def switcher(html):
        return {link["hreflang"]: link["href"] for link in html.select(".lang-switcher a")}

    assert alternates(english) == {
        "fr": f"http://localhost{french_path}",
        "en": f"http://localhost{english_path}",
    }
    assert switcher(english) == {"fr": french_path, "en": english_path}
    assert english.select_one(".lang-switcher a[aria-current]")["hreflang"] == "en"
    assert alternates(french) == alternates(english)
    assert switcher(french) == switcher(english)
    assert french.select_one(".lang-switcher a[aria-current]")["hreflang"] == "fr"
    # Following the switcher from the English page leads to the French article.
    assert client.get(switcher(english)["fr"]).status_code == 200


def test_an_unpublished_translation_stays_private(
    editor, french_news, client, django_capture_on_commit_callbacks
):
    """Text typed in the translation editor is not public until "Publish" is pressed."""
    en = french_news.locales["en"]
    submit_for_translation(editor, french_news.home, en, include_subtree=True)
    home = english_version(french_news.home, en)
    translate_strings(editor, home, ENGLISH["home"])
    publish_translation(editor, home, django_capture_on_commit_callbacks)
    index = english_version(french_news.news_index, en)
    translate_strings(editor, index, ENGLISH["news_index"])
    publish_translation(editor, index, django_capture_on_commit_callbacks)
    news = english_version(french_news.news, en)
    translate_strings(editor, news, ENGLISH["news"])
    client.logout()

    assert client.get(f"/en/news/{ENGLISH['news']['slug']}/").status_code == 404
    assert client.get(f"/en/news/{FRENCH['slug']}/").status_code == 404
    assert ENGLISH["news"]["title"] not in client.get("/en/news/").content.decode()
    # The French article's language switcher offers the English home page, not the article.
    french = soup(client.get(f"/fr/actualites/{FRENCH['slug']}/"))
    switcher = {link["hreflang"]: link["href"] for link in french.select(".lang-switcher a")}
    assert switcher == {"fr": f"/fr/actualites/{FRENCH['slug']}/", "en": "/en/"}
    assert Page.objects.get(pk=news.pk).live is False
