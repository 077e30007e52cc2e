"""Where each page type may be created, and what editors are told about each field.

The expected tree is written out here by hand, not read from the models: a change to any
`parent_page_types` / `subpage_types` / `max_count_per_parent` shows up as a failing test.
"""

from django.apps import apps
from django.db.models.base import ModelBase

from modelcluster.fields import ParentalKey
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

import pytest

from archive.models import (
    ArchiveItem,
    ArchiveItemLogEntry,
    ArchiveItemTag,
    Consent,
    Contributor,
    CustomImage,
    CustomRendition,
    Institution,
    ItemImage,
    MediaFile,
    Member,
    QueuedEmail,
    SavoirFaireStep,
    Trade,
    TranscriptSegment,
)
from home.models import (
    ContactFormField,
    ContactPage,
    EventIndexPage,
    EventPage,
    EventSite,
    HomePage,
    MapPage,
    MemberDirectoryPage,
    NavigationSettings,
    NewsIndexPage,
    NewsPage,
    NewsPageTag,
    ProgrammeIndexPage,
    ProgrammePage,
    ProgrammeSession,
    Registration,
    StandardPage,
    TrainingTopic,
)
from tests.factories import (
    ContactPageFactory,
    EventIndexPageFactory,
    MapPageFactory,
    MemberDirectoryPageFactory,
    NewsIndexPageFactory,
    ProgrammeIndexPageFactory,
    StandardPageFactory,
)

# parent -> the page types an editor may add under it.
EXPECTED_SUBPAGES = {
    Page: {HomePage},
    HomePage: {
        StandardPage,
        NewsIndexPage,
        ProgrammeIndexPage,
        EventIndexPage,
        MemberDirectoryPage,
        MapPage,
        ContactPage,
    },
    StandardPage: {StandardPage},
    NewsIndexPage: {NewsPage},
    NewsPage: set(),
    ProgrammeIndexPage: {ProgrammePage},
    ProgrammePage: set(),
    EventIndexPage: {EventPage},
    EventPage: set(),
    MemberDirectoryPage: set(),
    MapPage: set(),
    ContactPage: set(),
}
OUR_PAGE_TYPES = [model for model in EXPECTED_SUBPAGES if model is not Page]


class PageTreeRulesTests(WagtailPageTestCase):
    def test_every_page_type_of_the_project_is_covered(self):
        ours = {m for m in apps.get_app_config("home").get_models() if issubclass(m, Page)}
        self.assertEqual(ours, set(OUR_PAGE_TYPES))

    def test_each_parent_allows_exactly_the_expected_children(self):
        for parent, children in EXPECTED_SUBPAGES.items():
            with self.subTest(parent=parent.__name__):
                if parent is not Page:
                    self.assertAllowedSubpageTypes(parent, children)
                for child in OUR_PAGE_TYPES:
                    if child in children:
                        self.assertCanCreateAt(parent, child)
                    else:
                        self.assertCanNotCreateAt(parent, child)

    def test_each_page_type_has_exactly_the_expected_parents(self):
        for child in OUR_PAGE_TYPES:
            parents = {p for p, children in EXPECTED_SUBPAGES.items() if child in children}
            with self.subTest(child=child.__name__):
                self.assertAllowedParentPageTypes(child, parents)

    def test_home_page_only_at_the_root_and_sections_only_under_home(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        for section in (
            NewsIndexPage,
            ProgrammeIndexPage,
            EventIndexPage,
            MemberDirectoryPage,
            MapPage,
            ContactPage,
        ):
            self.assertAllowedParentPageTypes(section, {HomePage})
            self.assertCanNotCreateAt(StandardPage, section)
        self.assertCanNotCreateAt(HomePage, HomePage)
        self.assertCanNotCreateAt(NewsIndexPage, EventPage)
        self.assertCanNotCreateAt(EventIndexPage, NewsPage)


def test_a_second_home_page_cannot_be_added_at_the_root(site_tree):
    assert not HomePage.can_create_at(site_tree.root)


@pytest.mark.parametrize(
    ("section_model", "factory"),
    [
        (NewsIndexPage, NewsIndexPageFactory),
        (ProgrammeIndexPage, ProgrammeIndexPageFactory),
        (EventIndexPage, EventIndexPageFactory),
        (MemberDirectoryPage, MemberDirectoryPageFactory),
        (MapPage, MapPageFactory),
        (ContactPage, ContactPageFactory),
    ],
)
def test_each_section_exists_once_per_home_page(site_tree, section_model, factory):
    home = site_tree.home
    assert section_model.can_create_at(home)
    factory(parent=home)
    assert not section_model.can_create_at(home)
    # Other sections and free pages can still be added.
    assert StandardPage.can_create_at(home)


def test_standard_pages_nest_without_limit(site_tree):
    about = StandardPageFactory(parent=site_tree.home)
    team = StandardPageFactory(parent=about)
    assert StandardPage.can_create_at(team)
    assert team.get_ancestors().type(StandardPage).get().specific == about


def test_translators_get_a_home_page_per_language_despite_the_one_home_rule(site_tree):
    """wagtail-localize puts each translation of the home page beside it, under the root."""
    english_home = site_tree.home.copy_for_translation(site_tree.locales["en"])

    assert english_home.get_parent().specific == site_tree.root
    assert set(HomePage.objects.values_list("locale__language_code", flat=True)) == {"fr", "en"}
    assert NewsIndexPage.can_create_at(english_home)


# --- help_text ------------------------------------------------------------------------------

# Every model of ours an editor edits: pages, snippets, settings, inline children, images.
EDITED_MODELS = [
    *OUR_PAGE_TYPES,
    ContactFormField,
    EventSite,
    ProgrammeSession,
    TrainingTopic,
    NavigationSettings,
    Registration,
    Member,
    Trade,
    CustomImage,
    ArchiveItem,
    Institution,
    Contributor,
    Consent,
    ItemImage,
    SavoirFaireStep,
    TranscriptSegment,
    MediaFile,
]
# Models no editor sees a form for.
NOT_EDITED_MODELS = [
    NewsPageTag,
    CustomRendition,
    ArchiveItemTag,
    ArchiveItemLogEntry,
    QueuedEmail,
]
OUR_MODULES = ("home.", "archive.")


def own_editable_fields(model):
    """Concrete, editable fields declared by our code: those inherited from Wagtail, Django or
    modelcluster models (title, slug, to_address, locale, sort_order…) are theirs to document,
    and parental keys are never shown."""
    inherited = {
        field.name
        for base in model.__mro__[1:]
        if isinstance(base, ModelBase)
        and hasattr(base, "_meta")
        and not base.__module__.startswith(OUR_MODULES)
        for field in base._meta.get_fields()
    }
    return [
        field
        for field in model._meta.get_fields()
        if getattr(field, "concrete", False)
        and field.editable
        and not field.auto_created
        and field.name not in inherited
        and not getattr(field.remote_field, "parent_link", False)
        and not isinstance(field, ParentalKey)
    ]


def test_every_model_is_classified_as_edited_or_not():
    ours = {m for app in ("home", "archive") for m in apps.get_app_config(app).get_models()}
    assert ours == set(EDITED_MODELS) | set(NOT_EDITED_MODELS)


@pytest.mark.parametrize("model", EDITED_MODELS, ids=lambda m: m.__name__)
def test_every_field_an_editor_sees_has_help_text(model):
    fields = own_editable_fields(model)
    missing = [field.name for field in fields if not str(field.help_text).strip()]
    assert not missing, f"{model.__name__} fields without help_text: {missing}"


def test_the_help_text_check_sees_the_fields_editors_fill_in():
    """Guards the filter above: it must not discard our own fields."""
    names = {f.name for f in own_editable_fields(EventPage)}
    assert {"kind", "start", "end", "audience", "intro", "image", "body"} <= names
    assert "title" not in names
    assert {"alt_text", "credit"} == {f.name for f in own_editable_fields(CustomImage)}
    assert "trades" in {f.name for f in own_editable_fields(Member)}
