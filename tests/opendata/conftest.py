"""Fixtures and helpers for the open data endpoints: OAI-PMH answers parsed (`oai_get`), and
a small public archive for the open API tests, built and indexed once per class: trades
with labels in several languages and AAT/Wikidata ids, two institutions and their members,
public items around Roubaix and Oignies (photos, an interview, savoir-faire), items no visitor
may see (each carrying SECRET_WORD and placed in Marseille), a member directory and an event
whose sites are on the map, and one past event whose site is not."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from wagtail.models import Locale

import pytest
from lxml import etree

from archive.models import ArchiveItem, SavoirFaireStep
from search.engines import get_engine
from tests.factories import TradeFactory
from tests.factories.archive import InstitutionFactory, MemberFactory
from tests.factories.items import (
    ItemImageFactory,
    PublishedItemFactory,
    PublishedOralHistoryFactory,
    TranscriptSegmentFactory,
)
from tests.factories.pages import (
    EventIndexPageFactory,
    EventPageFactory,
    EventSiteFactory,
    MemberDirectoryPageFactory,
)
from tests.factories.sites import build_site_tree

SECRET_WORD = "clandestin"
ROUBAIX = (Decimal("50.694200"), Decimal("3.170200"))
OIGNIES = (Decimal("50.469900"), Decimal("2.993600"))
MARSEILLE = (Decimal("43.296500"), Decimal("5.369800"))
WEAVING_PHOTOS = 12


def translate(trade, language: str, name: str, parent=None):
    copy = trade.copy_for_translation(Locale.objects.get(language_code=language))
    copy.name = name
    copy.parent = parent
    copy.save()
    return copy


def build_archive() -> SimpleNamespace:
    tree = build_site_tree()
    textile = TradeFactory(name="Textile", slug="textile", wikidata_id="Q28823")
    weaver = TradeFactory(name="Tisserand", slug="tisserand", parent=textile, aat_id="300025046")
    textile_en = translate(textile, "en", "Textile industry")
    translate(weaver, "en", "Weaver", parent=textile_en)
    translate(weaver, "de", "Weber")
    translate(weaver, "lb", "Weber")
    translate(weaver, "nl", "Wever")
    mines = TradeFactory(name="Mines", slug="mines")
    miner = TradeFactory(name="Mineur de fond", slug="mineur-de-fond", parent=mines)
    glass = TradeFactory(name="Verrier", slug="verrier")

    filature = MemberFactory(
        name="Musée de la Filature", latitude=ROUBAIX[0], longitude=ROUBAIX[1], trades=[textile]
    )
    mining_member = MemberFactory(
        name="Centre minier", latitude=OIGNIES[0], longitude=OIGNIES[1], trades=[mines]
    )
    textile_museum = InstitutionFactory(code="FVAN", member=filature)
    mining_museum = InstitutionFactory(code="CMSH", member=mining_member)

    photos = []
    for n in range(WEAVING_PHOTOS):
        photo = PublishedItemFactory(
            institution=textile_museum,
            title=f"Métiers à tisser, salle {n}",
            year_from=1950 + n,
            year_to=1955 + n,
            trades=[weaver],
            latitude=ROUBAIX[0] + Decimal(n) / 1000,
            longitude=ROUBAIX[1] + Decimal(n) / 1000,
        )
        photo.tags.add("tissage")
        photo.save()
        photos.append(photo)
    ItemImageFactory(item=photos[0], sort_order=0)
    interview = PublishedOralHistoryFactory(
        institution=textile_museum,
        title="Jeannine, tisserande à Roubaix",
        trades=[weaver],
        year_from=1952,
        year_to=1979,
        latitude=ROUBAIX[0],
        longitude=ROUBAIX[1],
    )
    TranscriptSegmentFactory(item=interview, position=0, start_ms=3000, text="À quatorze ans.")
    mines_items = [
        PublishedItemFactory(
            institution=mining_museum,
            title=f"La remonte au puits {n}",
            summary="Les mineurs sortent de la cage en fin de poste.",
            date=datetime.date(1960 + n, 4, 22),
            trades=[miner],
            commune="Oignies",
            latitude=OIGNIES[0],
            longitude=OIGNIES[1] + Decimal(n) / 1000,
        )
        for n in range(3)
    ]
    savoir_faire = PublishedItemFactory(
        institution=mining_museum,
        kind=ArchiveItem.Kind.SAVOIR_FAIRE,
        title="Boiser une galerie",
        techniques="Boisage\nCalage",
        trades=[miner],
        commune="Oignies",
    )
    SavoirFaireStep.objects.create(item=savoir_faire, text="Choisir les bois.", sort_order=0)
    hidden = {}
    for name, factory, fields in (
        ("draft", PublishedItemFactory, {"status": ArchiveItem.Status.DRAFT}),
        ("withdrawn", PublishedItemFactory, {"status": ArchiveItem.Status.WITHDRAWN}),
        ("members-only", PublishedItemFactory, {"access": ArchiveItem.Access.MEMBERS}),
        ("research-only", PublishedOralHistoryFactory, {"consent__scope": "research"}),
    ):
        hidden[name] = factory(
            institution=textile_museum,
            title=f"Dossier {SECRET_WORD} ({name})",
            trades=[glass],
            commune="Marseille",
            latitude=MARSEILLE[0],
            longitude=MARSEILLE[1],
            **fields,
        )

    directory = MemberDirectoryPageFactory(parent=tree.home, title="Membres", slug="membres")
    events = EventIndexPageFactory(parent=tree.home, title="Agenda", slug="agenda")
    open_days = EventPageFactory(parent=events, title="Portes ouvertes")
    sites = [
        EventSiteFactory(page=open_days, name="Filature Agache", locale=open_days.locale),
        EventSiteFactory(
            page=open_days,
            name="Fosse 9",
            latitude=OIGNIES[0],
            longitude=OIGNIES[1],
            locale=open_days.locale,
        ),
    ]
    past = EventPageFactory(
        parent=events,
        title="Portes ouvertes 2020",
        start=timezone.now() - datetime.timedelta(days=400),
        end=timezone.now() - datetime.timedelta(days=399),
    )
    EventSiteFactory(page=past, name="Ancienne filature", locale=past.locale)
    get_engine().rebuild()
    return SimpleNamespace(
        tree=tree,
        trades={"textile": textile, "weaver": weaver, "mines": mines, "miner": miner},
        members={"filature": filature, "mining": mining_member},
        photos=photos,
        interview=interview,
        mines=mines_items,
        savoir_faire=savoir_faire,
        hidden=hidden,
        directory=directory,
        open_days=open_days,
        sites=sites,
        public_count=WEAVING_PHOTOS + 1 + len(mines_items) + 1,
    )


@pytest.fixture(scope="class")
def shared_archive(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        cache.clear()
        yield build_archive()
        transaction.set_rollback(True)
    cache.clear()


@pytest.fixture
def archive(shared_archive, db):
    cache.clear()
    yield shared_archive
    cache.clear()


OAI = "http://www.openarchives.org/OAI/2.0/"
NS = {
    "oai": OAI,
    "dc": "http://purl.org/dc/elements/1.1/",
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
}


def oai_get(client, **params):
    """The parsed answer of /oai/ to these arguments (lists for repeated ones); the HTTP
    status is checked to be 200, as the protocol wants even for its errors."""
    response = client.get("/oai/", params)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/xml")
    return etree.fromstring(response.content)


def error_code(root) -> str | None:
    found = root.find(f"{{{OAI}}}error")
    return None if found is None else found.get("code")


def headers(root) -> list:
    return root.findall(f".//{{{OAI}}}header")


def ids(root) -> list[str]:
    return [h.findtext(f"{{{OAI}}}identifier").rsplit(":", 1)[1] for h in headers(root)]
