"""Fixtures shared by the archive tests."""

from types import SimpleNamespace

import pytest

from tests.factories import MemberFactory
from tests.factories.archive import ContributorFactory, InstitutionFactory, moderator


@pytest.fixture
def world(db):
    """Two institutions (CMSH, TISS), a contributor of each and a moderator. Test modules that
    need a different world define their own `world`, which takes precedence."""
    a = InstitutionFactory(code="CMSH", member=MemberFactory(name="Centre historique minier"))
    b = InstitutionFactory(code="TISS", member=MemberFactory(name="Tissage vivant"))
    return SimpleNamespace(
        a=a,
        b=b,
        contributor=ContributorFactory(institution=a).user,
        other=ContributorFactory(institution=b).user,
        moderator=moderator(),
    )
