"""Shared fixtures.

PostgreSQL itself is started by the `tests.pg_plugin` plugin (see pyproject's addopts), because it
has to happen before pytest-django loads the settings, earlier than any conftest.py runs.
"""

import datetime
import io
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction

from wagtail.models import Page

import pytest

from tests.factories.sites import build_multilingual_site, build_site_tree

# 23:30 UTC on a winter evening: the site's time zone (Europe/Paris) is already on the next day,
# so a date taken in UTC instead of the site's time zone shows here.
PARIS_PAST_MIDNIGHT = datetime.datetime(2026, 12, 7, 23, 30, tzinfo=datetime.UTC)


@pytest.fixture
def site_tree(db):
    """A minimal French site: one Locale row per site language, a HomePage in place of Wagtail's
    welcome page, and the default Site pointing at it.

    Returns a namespace with `home`, `site`, `root` and `locales` (language code -> Locale).
    """
    return build_site_tree()


@pytest.fixture
def paris_past_midnight(time_machine):
    """The clock stopped at PARIS_PAST_MIDNIGHT (Python's clock only, not PostgreSQL's)."""
    time_machine.move_to(PARIS_PAST_MIDNIGHT, tick=False)
    return PARIS_PAST_MIDNIGHT


@pytest.fixture
def empty_cache():
    """The locmem cache outlives each test's database transaction: menus, member counts and
    rate-limit counters from one test must not leak into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def search_index_off(settings):
    """Pages and snippets saved during the test are not indexed for search. For tests that
    build many items for pages that never read the index: indexing is most of their cost."""
    settings.WAGTAILSEARCH_BACKENDS = {
        name: {**backend, "AUTO_UPDATE": False}
        for name, backend in settings.WAGTAILSEARCH_BACKENDS.items()
    }


@pytest.fixture(scope="class")
def shared_site(django_db_setup, django_db_blocker):
    """The site of tests/factories/sites.py (every page type in French and English, aliases
    in German, Luxembourgish and Dutch), built once for a whole test class.

    Only for tests in a class that also use `db`: each test then runs in a savepoint inside
    the transaction holding this data, so its own changes are undone, and the data itself is
    rolled back after the class. Pages in the namespace are shared: re-read one before
    changing it.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_multilingual_site()
        transaction.set_rollback(True)
    cache.clear()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """`manage.py load_demo`, run once for the module; returns what it printed.

    Loaded inside a transaction rolled back when the module is done, so that other modules start
    from an empty database. Only for tests that also use `db` (or `demo_db`): each then runs in
    a savepoint on top of the demo. The transaction is entered by hand, not with a `with` block,
    so that the database is blocked again between the set-up and the tests.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        cache.clear()
        output = io.StringIO()
        call_command("load_demo", stdout=output)
    try:
        yield output.getvalue()
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            assert not Page.objects.filter(depth__gt=1).exclude(content_type__model="page")
        # Menus and site root paths cached for the demo must not outlive it.
        cache.clear()


@pytest.fixture
def demo_db(demo, db):
    """The demo, in a savepoint rolled back after the test; returns what load_demo printed."""
    cache.clear()
    return demo


def pytest_unconfigure(config):
    """config.settings.test gives every process fresh temporary MEDIA_ROOT and STATIC_ROOT
    folders; remove them."""
    if not settings.configured:
        return
    for folder, prefix in (
        (Path(settings.MEDIA_ROOT), "fabrique-media-"),
        (Path(settings.STATIC_ROOT), "fabrique-static-"),
    ):
        if folder.parent == Path(tempfile.gettempdir()) and folder.name.startswith(prefix):
            shutil.rmtree(folder, ignore_errors=True)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests run last. Their live server needs committed data, flushed afterwards;
    any test run after that flush would find the tables Wagtail's migrations fill (root page,
    content types) emptied or renumbered. pytest-django has already put transactional tests
    after the others; this keeps the browser ones at the very end."""
    items.sort(key=lambda item: "/tests/e2e/" in str(item.path))
