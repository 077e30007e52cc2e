"""What an editor sees in the Wagtail admin: every page type can be added and edited, a news
item can be written and published from the admin form, snippets and settings open."""

import datetime
import json
from types import SimpleNamespace

from django.urls import reverse

from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

import pytest
from bs4 import BeautifulSoup

from archive.models import Member, Trade
from home.models import (
    ContactPage,
    EventIndexPage,
    EventPage,
    HomePage,
    MapPage,
    MemberDirectoryPage,
    NavigationSettings,
    NewsIndexPage,
    NewsPage,
    ProgrammeIndexPage,
    ProgrammePage,
    StandardPage,
)
from tests.factories import (
    ContactFormFieldFactory,
    ContactPageFactory,
    CustomImageFactory,
    EventIndexPageFactory,
    EventPageFactory,
    EventSiteFactory,
    MapPageFactory,
    MemberDirectoryPageFactory,
    MemberFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    ProgrammeIndexPageFactory,
    ProgrammePageFactory,
    ProgrammeSessionFactory,
    StandardPageFactory,
    TrainingTopicFactory,
)


@pytest.fixture
def editor(client, django_user_model):
    """A client logged in as a superuser."""
    user = django_user_model.objects.create_superuser(
        username="editrice", email="editrice@fabrique.invalid", password="x"
    )
    client.force_login(user)
    return client


@pytest.fixture
def full_tree(site_tree):
    """One page of every type, with the child rows their edit forms show."""
    home = site_tree.home
    news_index = NewsIndexPageFactory(parent=home, slug="actualites")
    programme_index = ProgrammeIndexPageFactory(parent=home, slug="formations")
    event_index = EventIndexPageFactory(parent=home, slug="agenda")
    programme = ProgrammePageFactory(parent=programme_index, slug="programme-2026", year=2026)
    ProgrammeSessionFactory(page=programme, topic=TrainingTopicFactory())
    event = EventPageFactory(parent=event_index, slug="portes-ouvertes")
    EventSiteFactory(page=event)
    contact = ContactPageFactory(parent=home, slug="contact")
    ContactFormFieldFactory(page=contact, label="Votre message", field_type="multiline")
    pages = {
        HomePage: home,
        StandardPage: StandardPageFactory(parent=home, slug="a-propos"),
        NewsIndexPage: news_index,
        NewsPage: NewsPageFactory(parent=news_index, slug="reouverture"),
        ProgrammeIndexPage: programme_index,
        ProgrammePage: programme,
        EventIndexPage: event_index,
        EventPage: event,
        MemberDirectoryPage: MemberDirectoryPageFactory(parent=home, slug="membres"),
        MapPage: MapPageFactory(parent=home, slug="carte"),
        ContactPage: contact,
    }
    return SimpleNamespace(pages=pages, **vars(site_tree))


def add_url(model, parent) -> str:
    return reverse(
        "wagtailadmin_pages:add",
        args=[model._meta.app_label, model._meta.model_name, parent.pk],
    )


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def field_names(response) -> set[str]:
    """Names of the form fields, and of the StreamFields (drawn by the admin's JavaScript from
    a `w-block` placeholder that carries the field's id)."""
    html = soup(response)
    names = {tag["name"] for tag in html.select("[name]")}
    return names | {tag["id"] for tag in html.select("[data-controller=w-block][id]")}


# --- add view -------------------------------------------------------------------------------

# page type -> a field only that type's form has
SECTION_TYPES = {
    StandardPage: "body",
    NewsIndexPage: "intro",
    ProgrammeIndexPage: "intro",
    EventIndexPage: "intro",
    MemberDirectoryPage: "intro",
    MapPage: "show_items",
    ContactPage: "to_address",
}


@pytest.mark.parametrize(
    ("model", "own_field"), list(SECTION_TYPES.items()), ids=lambda v: getattr(v, "__name__", v)
)
def test_sections_can_be_added_under_a_home_page(editor, site_tree, model, own_field):
    response = editor.get(add_url(model, site_tree.home))

    assert response.status_code == 200
    assert {"title", "slug", own_field} <= field_names(response)


@pytest.mark.parametrize(
    ("model", "parent_model", "own_fields"),
    [
        (NewsPage, NewsIndexPage, {"intro", "kind", "date", "press_contact_name", "tags"}),
        (ProgrammePage, ProgrammeIndexPage, {"year", "intro", "sessions-TOTAL_FORMS"}),
        (EventPage, EventIndexPage, {"start", "end", "kind", "sites-TOTAL_FORMS"}),
        (StandardPage, StandardPage, {"intro", "body"}),
    ],
    ids=lambda v: getattr(v, "__name__", None),
)
def test_child_pages_can_be_added_under_their_section(
    editor, full_tree, model, parent_model, own_fields
):
    response = editor.get(add_url(model, full_tree.pages[parent_model]))

    assert response.status_code == 200
    assert {"title", "slug", *own_fields} <= field_names(response)


def test_home_page_can_be_added_at_the_root_of_a_fresh_install(editor, db):
    """A fresh Wagtail install has only the welcome page (a plain Page) under the root."""
    root = Page.get_first_root_node()
    assert not HomePage.objects.exists()

    response = editor.get(add_url(HomePage, root))

    assert response.status_code == 200
    assert {"title", "hero_title", "hero_image"} <= field_names(response)


def test_a_second_section_of_a_kind_cannot_be_added(editor, full_tree):
    """max_count_per_parent holds in the admin too, even for a form posted by hand."""
    url = add_url(NewsIndexPage, full_tree.home)

    opened = editor.get(url)
    posted = editor.post(
        url, {"title": "Actualités bis", "slug": "actualites-bis", "intro": "Encore."}
    )

    # Wagtail turns the editor away to the dashboard with a "permission denied" message.
    assert (opened.status_code, opened["Location"]) == (302, reverse("wagtailadmin_home"))
    assert (posted.status_code, posted["Location"]) == (302, reverse("wagtailadmin_home"))
    assert NewsIndexPage.objects.count() == 1


# --- edit view ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model",
    [
        HomePage,
        StandardPage,
        NewsIndexPage,
        NewsPage,
        ProgrammeIndexPage,
        ProgrammePage,
        EventIndexPage,
        EventPage,
        MemberDirectoryPage,
        MapPage,
        ContactPage,
    ],
    ids=lambda m: m.__name__,
)
def test_every_page_type_opens_in_the_editor(editor, full_tree, model):
    page = full_tree.pages[model]

    response = editor.get(edit_url(page))

    assert response.status_code == 200
    html = soup(response)
    assert html.select_one("input[name=title]")["value"] == page.title


def test_the_editor_shows_inline_children(editor, full_tree):
    """Sessions of a programme and sites of an event are editable in their page's form."""
    programme = full_tree.pages[ProgrammePage]
    event = full_tree.pages[EventPage]

    programme_form = soup(editor.get(edit_url(programme)))
    event_form = soup(editor.get(edit_url(event)))

    session = programme.sessions.get()
    assert programme_form.select_one("input[name=sessions-TOTAL_FORMS]")["value"] == "1"
    assert programme_form.select_one("input[name=sessions-0-title]")["value"] == session.title
    assert event_form.select_one("input[name=sites-0-name]")["value"] == event.sites.get().name


# --- creating a news item through the admin form --------------------------------------------


def news_form(**overrides) -> dict:
    data = {
        "title": "Les carnets du contremaître numérisés",
        "slug": "carnets-numerises",
        "kind": NewsPage.Kind.PRESS_RELEASE,
        "date": "2026-03-14",
        "lead_image": "",
        "intro": "Quarante carnets d'atelier sont désormais consultables en ligne.",
        "body": streamfield(
            [("paragraph", rich_text("<p>Les carnets couvrent les années 1920 à 1960.</p>"))]
        ),
        "tags": "archives, textile",
        "press_contact_name": "Claire Dumont",
        "press_contact_email": "presse@fabrique.invalid",
        "press_contact_phone": "+33 3 21 00 00 00",
    }
    data.update(overrides)
    return nested_form_data(data)


def test_publishing_a_news_item_from_the_admin_puts_it_online(editor, full_tree, client):
    news_index = full_tree.pages[NewsIndexPage]

    response = editor.post(
        add_url(NewsPage, news_index), {**news_form(), "action-publish": "action-publish"}
    )

    assert response.status_code == 302, response.context["form"].errors
    page = NewsPage.objects.get(slug="carnets-numerises")
    assert page.get_parent().pk == news_index.pk
    assert page.live
    assert page.locale == news_index.locale
    assert page.date == datetime.date(2026, 3, 14)
    assert sorted(page.tags.names()) == ["archives", "textile"]

    client.logout()
    public = client.get("/fr/actualites/carnets-numerises/")
    assert public.status_code == 200
    article = soup(public).select_one("main article")
    assert article.h1.get_text(strip=True) == "Les carnets du contremaître numérisés"
    assert article.select_one(".lead").get_text(strip=True) == news_form()["intro"]
    assert "Les carnets couvrent les années 1920 à 1960." in article.get_text()
    # A press release shows its press contact.
    contact = article.select_one(".press-contact")
    assert "Claire Dumont" in contact.get_text()
    assert contact.select_one("a[href='mailto:presse@fabrique.invalid']") is not None


def test_saving_a_draft_from_the_admin_keeps_it_offline(editor, full_tree, client):
    news_index = full_tree.pages[NewsIndexPage]

    response = editor.post(add_url(NewsPage, news_index), news_form())

    assert response.status_code == 302
    page = NewsPage.objects.get(slug="carnets-numerises")
    assert not page.live
    client.logout()
    assert client.get("/fr/actualites/carnets-numerises/").status_code == 404


@pytest.mark.parametrize("missing", ["title", "intro"])
def test_an_incomplete_news_item_is_refused_with_errors(editor, full_tree, missing):
    news_index = full_tree.pages[NewsIndexPage]
    before = NewsPage.objects.count()

    response = editor.post(
        add_url(NewsPage, news_index),
        {**news_form(**{missing: ""}), "action-publish": "action-publish"},
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {missing}
    html = soup(response)
    # The editor is told, next to the field at fault and nowhere else, and keeps what was typed.
    assert html.select_one(".messages [data-w-messages-target=container] li.error").get_text(
        strip=True
    )
    flagged = {field["data-contentpath"] for field in html.select("[data-field].w-field--error")}
    assert flagged == {missing}
    assert html.select_one(f"[name={missing}]")["aria-invalid"] == "true"
    assert html.select_one(f"[data-contentpath={missing}] .error-message").get_text(strip=True)
    kept = "intro" if missing == "title" else "title"
    kept_field = html.select_one(f"[name={kept}]")
    assert (kept_field.get("value") or kept_field.get_text()).strip() == news_form()[kept]
    assert NewsPage.objects.count() == before
    assert not NewsPage.objects.filter(slug="carnets-numerises").exists()


def test_an_intro_too_long_for_the_listing_is_refused(editor, full_tree):
    news_index = full_tree.pages[NewsIndexPage]

    response = editor.post(add_url(NewsPage, news_index), news_form(intro="x" * 501))

    assert response.status_code == 200
    assert "intro" in response.context["form"].errors
    assert not NewsPage.objects.filter(slug="carnets-numerises").exists()


# --- snippets and settings ------------------------------------------------------------------


def test_member_listing_shows_names_and_logo_thumbnails(editor, db):
    with_logo = MemberFactory(name="Filature Vandamme", logo=CustomImageFactory(title="Logo FV"))
    without_logo = MemberFactory(name="Verriers de Thiérache")
    list_url = reverse(Member.snippet_viewset.get_url_name("list"))

    response = editor.get(list_url)

    assert response.status_code == 200
    rows = {row.get_text(" ", strip=True): row for row in soup(response).select("table tbody tr")}
    row_with_logo = next(row for text, row in rows.items() if with_logo.name in text)
    row_without_logo = next(row for text, row in rows.items() if without_logo.name in text)
    thumbnail = row_with_logo.select_one("img")
    assert thumbnail is not None
    assert "fill-48x48" in thumbnail["src"]
    assert thumbnail["alt"] == with_logo.logo.alt_text
    assert row_without_logo.select_one("img") is None
    # The thumbnail points at a rendition that was actually made.
    rendition = with_logo.logo.renditions.get(filter_spec="fill-48x48")
    assert thumbnail["src"] == rendition.url
    assert rendition.file.storage.exists(rendition.file.name)


def walk(value):
    """Every dict inside a JSON value."""
    if isinstance(value, dict):
        yield value
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            yield from walk(item)


def test_members_are_listed_in_the_network_menu_group(editor, db):
    response = editor.get(reverse("wagtailadmin_home"))

    assert response.status_code == 200
    sidebar = json.loads(soup(response).select_one("#wagtail-sidebar-props").get_text())
    groups = {
        item["_args"][0]["name"]: [child["_args"][0]["url"] for child in item["_args"][1]]
        for item in walk(sidebar)
        if item.get("_type") == "wagtail.sidebar.SubMenuItem"
    }
    assert groups["network"] == [
        reverse(Member.snippet_viewset.get_url_name("list")),
        reverse(Trade.snippet_viewset.get_url_name("list")),
    ]


def test_training_topic_listing_shows_names_and_languages(editor, site_tree):
    TrainingTopicFactory(name="Mécénat et financements", locale=site_tree.locales["fr"])
    TrainingTopicFactory(name="Patronage and funding", locale=site_tree.locales["en"])
    list_url = reverse("wagtailsnippets_home_trainingtopic:list")

    response = editor.get(list_url)

    assert response.status_code == 200
    text = soup(response).select_one("table").get_text(" ", strip=True)
    assert "Mécénat et financements" in text
    # Translatable snippets are listed one language at a time (French first, the default).
    response = editor.get(list_url, {"locale": "en"})
    text = soup(response).select_one("table").get_text(" ", strip=True)
    assert "Patronage and funding" in text
    assert "Mécénat et financements" not in text


def test_navigation_settings_open_and_save(editor, full_tree, client):
    """Settings > Navigation: the form opens for the site, and what is saved shows on the site."""
    response = editor.get(
        reverse("wagtailsettings:edit", args=["home", "navigationsettings"]), follow=True
    )

    assert response.status_code == 200
    assert {"main_menu", "footer_links", "contact_email", "contact_phone", "social_links"} <= (
        field_names(response)
    )

    about = full_tree.pages[StandardPage]
    save = editor.post(
        reverse("wagtailsettings:edit", args=["home", "navigationsettings", full_tree.site.pk]),
        nested_form_data(
            {
                "main_menu": streamfield([("item", {"page": about.pk, "label": ""})]),
                "footer_links": streamfield([]),
                "contact_address": "27 rue de la Filature\n59000 Lille",
                "contact_email": "bonjour@fabrique.invalid",
                "contact_phone": "+33 3 53 01 20 26",
                "social_links": streamfield([]),
            }
        ),
    )

    assert save.status_code == 302
    assert NavigationSettings.for_site(full_tree.site).contact_email == "bonjour@fabrique.invalid"
    client.logout()
    home = soup(client.get("/fr/"))
    assert home.select_one("footer a[href='mailto:bonjour@fabrique.invalid']") is not None
    menu_link = home.select_one(f"header .main-nav a[href='{about.url}']")
    assert menu_link.get_text(strip=True) == about.title
