"""A small but complete site in every language, for tests that look at the whole of it.

French holds one published page of every type; English translates each of them (titles, slugs
and texts, sessions included); German, Luxembourgish and Dutch show the French pages as
aliases, as wagtail-localize's locale synchronisation makes them. `SITE_PATHS` gives the
address of every page in every language.
"""

from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings

from wagtail.models import Locale, Page, Site

from archive.models import Member
from home.models import EventPage, NewsPage, ProgrammeSession
from tests.factories.archive import MemberFactory, TrainingTopicFactory
from tests.factories.pages import (
    ContactFormFieldFactory,
    ContactPageFactory,
    EventIndexPageFactory,
    EventPageFactory,
    EventSiteFactory,
    HomePageFactory,
    MemberDirectoryPageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    ProgrammeIndexPageFactory,
    ProgrammePageFactory,
    ProgrammeSessionFactory,
    StandardPageFactory,
    in_days,
)
from tests.factories.translations import alias_tree, translate

ALIAS_LANGUAGES = ("de", "lb", "nl")

SITE_PATHS = {
    "fr": {
        "home": "/fr/",
        "about": "/fr/a-propos/",
        "news": "/fr/actualites/",
        "article": "/fr/actualites/reouverture-de-la-filature/",
        "press": "/fr/actualites/communique-programme-2026/",
        "programmes": "/fr/formations/",
        "programme": "/fr/formations/programme-2026/",
        "agenda": "/fr/agenda/",
        "event": "/fr/agenda/journees-portes-ouvertes/",
        "members": "/fr/membres/",
        "contact": "/fr/contact/",
    },
    "en": {
        "home": "/en/",
        "about": "/en/about/",
        "news": "/en/news/",
        "article": "/en/news/spinning-mill-reopens/",
        "press": "/en/news/press-release-programme-2026/",
        "programmes": "/en/training/",
        "programme": "/en/training/programme-2026/",
        "agenda": "/en/events/",
        "event": "/en/events/open-days/",
        "members": "/en/members/",
        "contact": "/en/contact/",
    },
    # Aliases keep the French slugs under their own language prefix.
    **{
        code: {
            "home": f"/{code}/",
            "about": f"/{code}/a-propos/",
            "news": f"/{code}/actualites/",
            "article": f"/{code}/actualites/reouverture-de-la-filature/",
            "press": f"/{code}/actualites/communique-programme-2026/",
            "programmes": f"/{code}/formations/",
            "programme": f"/{code}/formations/programme-2026/",
            "agenda": f"/{code}/agenda/",
            "event": f"/{code}/agenda/journees-portes-ouvertes/",
            "members": f"/{code}/membres/",
            "contact": f"/{code}/contact/",
        }
        for code in ALIAS_LANGUAGES
    },
}


def build_site_tree() -> SimpleNamespace:
    """What the `site_tree` fixture makes: Locale rows, a French HomePage, the default Site."""
    locales = {
        code: Locale.objects.get_or_create(language_code=code)[0] for code, _ in settings.LANGUAGES
    }
    root = Page.get_first_root_node()
    # Wagtail's initial migration creates a welcome page and a Site on it; the Site goes with it.
    for page in root.get_children():
        page.delete()
    home = HomePageFactory(parent=root, slug="accueil", locale=locales["fr"])
    site = Site.objects.create(
        hostname="localhost",
        port=80,
        root_page=home,
        is_default_site=True,
        site_name=settings.WAGTAIL_SITE_NAME,
    )
    return SimpleNamespace(home=home, site=site, root=root, locales=locales)


def build_french_pages(home) -> dict:
    """One page of every type under `home`, keyed as in SITE_PATHS."""
    fr = {"home": home}
    fr["about"] = StandardPageFactory(
        parent=home, title="À propos du réseau", slug="a-propos", intro="Qui nous sommes."
    )
    fr["news"] = NewsIndexPageFactory(parent=home, slug="actualites")
    fr["article"] = NewsPageFactory(
        parent=fr["news"],
        title="Réouverture de la filature",
        date=in_days(-2).date(),
        intro="La filature rouvre ses portes après deux ans de travaux.",
        tags=["textile"],
        # Filled in by mistake on an article: only press releases show it.
        press_contact_name="Claire Dubois",
    )
    fr["press"] = NewsPageFactory(
        parent=fr["news"],
        title="Communiqué : programme 2026",
        slug="communique-programme-2026",
        kind=NewsPage.Kind.PRESS_RELEASE,
        date=in_days(-1).date(),
        intro="Le réseau présente son programme de formations.",
        press_contact_name="Claire Dubois",
        press_contact_email="presse@fabrique.invalid",
        press_contact_phone="+33 3 21 00 00 00",
    )
    fr["programmes"] = ProgrammeIndexPageFactory(parent=home, slug="formations")
    fr["programme"] = ProgrammePageFactory(
        parent=fr["programmes"], year=2026, title="Programme 2026", slug="programme-2026"
    )
    ProgrammeSessionFactory(
        page=fr["programme"],
        title="Trouver des mécènes",
        topic=TrainingTopicFactory(name="Mécénat", locale=home.locale),
        format=ProgrammeSession.Format.HYBRID,
        capacity=14,
        starts_at=in_days(20, 9),
        ends_at=in_days(20, 17),
    )
    fr["agenda"] = EventIndexPageFactory(parent=home, slug="agenda")
    fr["event"] = EventPageFactory(
        parent=fr["agenda"],
        title="Journées portes ouvertes",
        kind=EventPage.Kind.OPEN_FACTORY,
        start=in_days(10, 10),
        end=in_days(11, 18),
    )
    EventSiteFactory(page=fr["event"], name="Filature Agache", commune="Roubaix", capacity=40)
    EventSiteFactory(
        page=fr["event"],
        name="Musée du textile",
        commune="Tourcoing",
        latitude=Decimal("50.723900"),
        longitude=Decimal("3.160000"),
    )
    fr["members"] = MemberDirectoryPageFactory(parent=home, slug="membres")
    fr["contact"] = ContactPageFactory(parent=home, slug="contact")
    ContactFormFieldFactory(page=fr["contact"], label="Nom", field_type="singleline")
    ContactFormFieldFactory(page=fr["contact"], label="Message", field_type="multiline")
    return fr


def build_english_pages(fr: dict, english: Locale) -> dict:
    """The published English translation of each of `fr`'s pages, parents first."""
    en = {"home": translate(fr["home"], english, title="Home", hero_title="Industrial heritage")}
    en["about"] = translate(
        fr["about"], english, title="About the network", slug="about", intro="Who we are."
    )
    en["news"] = translate(fr["news"], english, title="News", slug="news")
    en["article"] = translate(
        fr["article"],
        english,
        title="The spinning mill reopens",
        slug="spinning-mill-reopens",
        intro="The spinning mill opens again after two years of works.",
    )
    en["press"] = translate(
        fr["press"],
        english,
        title="Press release: programme 2026",
        slug="press-release-programme-2026",
    )
    en["programmes"] = translate(fr["programmes"], english, title="Training", slug="training")
    en["programme"] = translate(fr["programme"], english, title="Programme 2026 (English)")
    ProgrammeSession.objects.filter(page=en["programme"]).update(title="Finding patrons")
    en["agenda"] = translate(fr["agenda"], english, title="Events", slug="events")
    en["event"] = translate(fr["event"], english, title="Open days", slug="open-days")
    en["members"] = translate(fr["members"], english, title="Our members", slug="members")
    en["contact"] = translate(fr["contact"], english, title="Contact us")
    return en


def build_multilingual_site() -> SimpleNamespace:
    """The whole site. Returns build_site_tree()'s namespace plus `fr` and `en` (page key ->
    page) and `members` (two institutions, one of them without a position)."""
    tree = build_site_tree()
    fr = build_french_pages(tree.home)
    tree.en = build_english_pages(fr, tree.locales["en"])
    # Adding the translations left the French pages' tree fields stale in memory.
    tree.fr = {key: type(page).objects.get(pk=page.pk) for key, page in fr.items()}
    tree.home = tree.fr["home"]
    tree.members = [
        MemberFactory(name="Centre historique minier", kind=Member.Kind.MUSEUM),
        MemberFactory(
            name="Tissage vivant",
            kind=Member.Kind.ASSOCIATION,
            region="Wallonie",
            country=Member.Country.BELGIUM,
            located=False,
        ),
    ]
    alias_tree(tree.locales["fr"], *(tree.locales[code] for code in ALIAS_LANGUAGES))
    return tree
