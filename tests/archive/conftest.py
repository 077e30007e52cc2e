"""Fixtures shared by the archive tests."""

from types import SimpleNamespace

import pytest

from tests.factories import MemberFactory
from tests.factories.archive import ContributorFactory, InstitutionFactory, moderator


@pytest.fixture
def world(db):
    """Two member institutions, A (CMSH) and B (TISS), a contributor of each and a moderator.

    `users` holds the same people by the role they play towards A's items ("own", "other",
    "moderator"), with "anonymous" as None. This is the archive tests' only `world`: a module
    that needs items or files on top builds them in a fixture of its own, with another name,
    that takes this one (`photos` in test_privacy.py, `files` in test_erasure.py).
    """
    a = InstitutionFactory(code="CMSH", member=MemberFactory(name="Centre historique minier"))
    b = InstitutionFactory(code="TISS", member=MemberFactory(name="Tissage vivant"))
    contributor = ContributorFactory(institution=a).user
    other = ContributorFactory(institution=b).user
    staff = moderator()
    return SimpleNamespace(
        a=a,
        b=b,
        contributor=contributor,
        other=other,
        moderator=staff,
        users={"own": contributor, "other": other, "moderator": staff, "anonymous": None},
    )
