"""Migration search 0003 turns each entry's JSON list of facet values into the value sets the
database engine now groups by, in place: an existing index keeps its facet counts without a
reindex, and the filter rows it no longer uses (decades) go."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

import pytest

from search.contract import ArchiveQuery
from search.engines import get_engine
from search.models import SearchEntry, SearchFacet
from tests.factories.items import PublishedItemFactory

# Migrating needs real transactions; serialized_rollback puts back what migrations created
# (Wagtail's root page, the locales) for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SEP = "\x1f"


def migrate(targets) -> object:
    """Migrate to `targets` (None: every app's latest migration); the models of that state."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def test_existing_entries_keep_their_facets():
    item = PublishedItemFactory(year_from=1905, year_to=1912)
    old = migrate([("search", "0002_entries")])
    try:
        Entry, Facet = (
            old.get_model("search", "SearchEntry"),
            old.get_model("search", "SearchFacet"),
        )
        Facet.objects.all().delete()
        Entry.objects.all().delete()
        Entry.objects.create(
            item_id=item.pk,
            identifier=item.identifier,
            version="1",
            kind="photo",
            institution=item.institution.code,
            region="Hauts-de-France",
            commune="Roubaix",
            facet_values=[
                "all",
                f"kind{SEP}photo",
                f"institution{SEP}{item.institution.code}",
                f"region{SEP}Hauts-de-France",
                f"commune{SEP}Hauts-de-France{SEP}Roubaix",
                f"trade{SEP}12",
                f"trade{SEP}3",
                f"decade{SEP}1910",
                f"decade{SEP}1900",
                f"tag{SEP}tissage",
            ],
        )
        Facet.objects.create(entry_id=item.pk, name="trade", value="12")
        Facet.objects.create(entry_id=item.pk, name="decade", value="1900")
    finally:
        migrate(None)

    entry = SearchEntry.objects.get(pk=item.pk)
    assert (entry.trade_set, entry.decade_set, entry.tag_set) == (
        f"12{SEP}3",
        f"1900{SEP}1910",
        "tissage",
    )
    assert list(SearchFacet.objects.values_list("name", "value")) == [("trade", "12")]
    results = get_engine("database").search(ArchiveQuery(language="fr"))
    assert results.total == 1
    assert [(value.value, value.count) for value in results.facets["decade"]] == [
        ("1900", 1),
        ("1910", 1),
    ]
    assert [(value.value, value.count) for value in results.facets["tag"]] == [("tissage", 1)]
    assert [(value.value, value.count) for value in results.facets["commune"]] == [("Roubaix", 1)]
