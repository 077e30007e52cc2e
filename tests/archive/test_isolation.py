"""Isolation between institutions, as a matrix: every admin action on institution A's items,
tried by A's contributor ("own"), B's contributor ("other"), an anonymous visitor and a
moderator.

Only "own" may succeed, except the moderators' own steps (publish, reject), which A's
contributor is refused too and a moderator may take. The moderator row shows that each action
really works, so that a refusal elsewhere means isolation, not a broken URL. For every refusal
the test checks the response (a 404 for items outside the user's reach, the admin's
permission-denied redirect for a step their role does not allow, the login page for an
anonymous visitor) and that nothing changed: statuses, titles, tags, transcripts, the audit
log.
"""

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

import pytest
from bs4 import BeautifulSoup

from archive.models import ArchiveItem, ArchiveItemLogEntry, TranscriptSegment
from archive.permissions import item_policy
from tests.archive.test_admin import form_data
from tests.factories import CustomImageFactory
from tests.factories.archive import (
    ArchiveItemFactory,
)

pytestmark = pytest.mark.django_db

Status = ArchiveItem.Status
Kind = ArchiveItem.Kind

ROLES = ["own", "other", "anonymous", "moderator"]


@pytest.fixture
def world_with_items(world):
    """The archive `world`, with institution A's items in every state an action needs."""
    a, own = world.a, world.contributor
    draft = ArchiveItemFactory(
        institution=a, title="Brouillon de A", images=1, created_by=own, tags=["fosse"]
    )
    submitted = ArchiveItemFactory(
        institution=a, title="Soumis par A", status=Status.SUBMITTED, images=1, created_by=own
    )
    interview = ArchiveItemFactory(institution=a, kind=Kind.ORAL_HISTORY, title="Entretien de A")
    return SimpleNamespace(**vars(world), draft=draft, submitted=submitted, interview=interview)


def client_for(world, role) -> Client:
    client = Client()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    return client


def snapshot(world) -> dict:
    """Everything an action could change on A's items."""
    return {
        "items": sorted(
            ArchiveItem.objects.filter(institution=world.a).values_list(
                "pk", "status", "title", "rejection_reason", "updated_at"
            )
        ),
        "tags": sorted(
            (item.pk, tuple(sorted(item.tags.names())))
            for item in ArchiveItem.objects.filter(institution=world.a)
        ),
        "segments": TranscriptSegment.objects.count(),
        "log": ArchiveItemLogEntry.objects.count(),
    }


def mentions(response, item) -> bool:
    return item.identifier in response.content.decode() or item.title in response.content.decode()


# --- The actions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    name: str
    do: Callable  # (client, world) -> response
    done: Callable  # (world, response) -> bool: the action took effect
    moderators_only: bool = False
    reads_only: bool = False  # a page that shows an item: "done" means it showed it


def admin_url(name, item, query=""):
    return reverse(f"archive_items:{name}", args=[item.pk]) + query


def refreshed(item):
    return ArchiveItem.objects.filter(pk=item.pk).first()


def bulk_url(world):
    return (
        reverse("wagtail_bulk_action", args=["archive", "archiveitem", "add_tags"])
        + f"?id={world.draft.pk}&id={world.submitted.pk}"
    )


def post_edit(client, world):
    # The edit form as A's contributor sees it: what the others would have to forge.
    # Contributors have no institution field (it is ignored); moderators must give one.
    owner = client_for(world, "own")
    data = form_data(owner.get(admin_url("edit", world.draft)))
    data.update({"title": "Piraté", "institution": str(world.a.pk)})
    return client.post(admin_url("edit", world.draft), data)


ACTIONS = [
    Action(
        "list",
        lambda client, world: client.get(reverse("archive_items:index")),
        lambda world, response: response.status_code == 200 and mentions(response, world.draft),
        reads_only=True,
    ),
    Action(
        "search",
        lambda client, world: client.get(reverse("archive_items:index") + "?q=Brouillon"),
        lambda world, response: response.status_code == 200 and mentions(response, world.draft),
        reads_only=True,
    ),
    Action(
        "edit page of a draft",
        lambda client, world: client.get(admin_url("edit", world.draft)),
        lambda world, response: response.status_code == 200 and mentions(response, world.draft),
        reads_only=True,
    ),
    Action(
        "history",
        lambda client, world: client.get(admin_url("history", world.draft)),
        lambda world, response: response.status_code == 200 and mentions(response, world.draft),
        reads_only=True,
    ),
    Action(
        "inspect",
        lambda client, world: client.get(admin_url("inspect", world.draft)),
        lambda world, response: response.status_code == 200 and mentions(response, world.draft),
        reads_only=True,
    ),
    Action(
        "usage",
        lambda client, world: client.get(admin_url("usage", world.draft)),
        lambda world, response: response.status_code == 200 and mentions(response, world.draft),
        reads_only=True,
    ),
    Action(
        "edit",
        post_edit,
        lambda world, response: refreshed(world.draft).title == "Piraté",
    ),
    Action(
        "delete",
        lambda client, world: client.post(admin_url("delete", world.draft)),
        lambda world, response: refreshed(world.draft) is None,
    ),
    Action(
        "submit",
        lambda client, world: client.post(admin_url("submit", world.draft)),
        lambda world, response: refreshed(world.draft).status == Status.SUBMITTED,
    ),
    Action(
        "publish",
        lambda client, world: client.post(admin_url("publish", world.submitted)),
        lambda world, response: refreshed(world.submitted).status == Status.PUBLISHED,
        moderators_only=True,
    ),
    Action(
        "reject",
        lambda client, world: client.post(
            admin_url("reject", world.submitted), {"reason": "Hors sujet."}
        ),
        lambda world, response: refreshed(world.submitted).status == Status.REJECTED,
        moderators_only=True,
    ),
    Action(
        "withdraw",
        lambda client, world: client.post(admin_url("withdraw", world.submitted)),
        lambda world, response: refreshed(world.submitted).status == Status.WITHDRAWN,
    ),
    Action(
        "chooser listing",
        lambda client, world: client.get(reverse("archive_item_chooser:choose_results")),
        lambda world, response: response.status_code == 200 and mentions(response, world.draft),
        reads_only=True,
    ),
    Action(
        "pick in the chooser",
        lambda client, world: client.get(
            reverse("archive_item_chooser:chosen", args=[world.draft.pk])
        ),
        lambda world, response: response.status_code == 200 and mentions(response, world.draft),
        reads_only=True,
    ),
    Action(
        "bulk tag",
        lambda client, world: client.post(bulk_url(world), {"tags": "piratage"}),
        lambda world, response: "piratage" in refreshed(world.draft).tags.names(),
    ),
    Action(
        "bulk tag confirmation page",
        lambda client, world: client.get(bulk_url(world)),
        lambda world, response: response.status_code == 200 and mentions(response, world.draft),
        reads_only=True,
    ),
    Action(
        "transcript upload",
        lambda client, world: client.post(
            admin_url("transcript", world.interview),
            {"file": SimpleUploadedFile("t.txt", b"Speaker #1\nBonjour.\n")},
        ),
        lambda world, response: TranscriptSegment.objects.filter(item=world.interview).exists(),
    ),
]


def expected_to_succeed(action: Action, role: str) -> bool:
    if role == "moderator":
        return True
    return role == "own" and not action.moderators_only


def assert_refused(action, role, client, response):
    """The response a refused user gets, by role."""
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("wagtailadmin_login"))
        return
    if role == "own":  # a step only moderators take
        assert response.status_code == 302
        assert response.url == reverse("wagtailadmin_home")
        return
    # Another institution's contributor: the item does not exist for them. Pages that list
    # items answer, without it; anything about the item itself is a 404 (possibly after
    # LocaleMiddleware's redirect of unprefixed 404s to the language-prefixed address).
    if response.status_code == 200:
        assert action.reads_only
        return
    if response.status_code == 302:
        response = client.get(response.url)
    assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS, ids=lambda action: action.name)
def test_matrix(world_with_items, action, role):
    client = client_for(world_with_items, role)
    before = snapshot(world_with_items)

    response = action.do(client, world_with_items)

    if expected_to_succeed(action, role):
        assert response.status_code in (200, 302), response.status_code
        assert action.done(world_with_items, response), f"{role} could not {action.name}"
        return
    assert not action.done(world_with_items, response), f"{role} could {action.name}"
    assert_refused(action, role, client, response)
    assert snapshot(world_with_items) == before


# --- What the matrix does not cover -------------------------------------------------------


def test_other_institutions_images_cannot_be_chosen(world):
    own_image = CustomImageFactory(collection=world.a.collection, title="Image de A")
    foreign_image = CustomImageFactory(collection=world.b.collection, title="Image de B")
    client = client_for(world, "own")

    response = client.get(reverse("wagtailimages_chooser:choose"))

    page = response.content.decode()
    assert response.status_code == 200
    assert own_image.title in page
    assert foreign_image.title not in page


def test_forged_chooser_ids_return_only_reachable_items(world_with_items):
    other_item = ArchiveItemFactory(institution=world_with_items.b, title="Brouillon de B")
    client = client_for(world_with_items, "own")

    response = client.get(
        reverse("archive_item_chooser:chosen_multiple")
        + f"?id={world_with_items.draft.pk}&id={other_item.pk}"
    )

    assert world_with_items.draft.title in response.content.decode()
    assert other_item.title not in response.content.decode()


def test_the_workspace_menu_is_hidden_from_accounts_without_an_institution(world, db):
    editor = get_user_model().objects.create_user("redactrice", password="x")
    editor.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="change_archiveitem"),
    )
    client = Client()
    client.force_login(editor)

    home = BeautifulSoup(client.get(reverse("wagtailadmin_home")).content, "html.parser")
    listing = client.get(reverse("archive_items:index"))

    assert reverse("archive_items:index") not in str(home)
    assert listing.status_code == 302
    assert listing.url == reverse("wagtailadmin_home")


@pytest.mark.parametrize("role", ROLES)
def test_the_policy_lists_exactly_the_items_it_allows_one_by_one(world_with_items, role):
    """Listings, choosers and bulk actions ask the policy for a list; an item's own pages ask
    it about that item. Both answers must be the same rule, for every action."""
    world = world_with_items
    policy = item_policy()
    user = world.users[role] or AnonymousUser()
    items = list(ArchiveItem.objects.all())
    reach = {}
    for action in ("view", "change", "delete", "submit", "publish", "reject", "withdraw", "tag"):
        listed = set(policy.instances_user_has_permission_for(user, action))
        allowed = {
            item for item in items if policy.user_has_permission_for_instance(user, action, item)
        }
        assert listed == allowed, action
        reach[action] = listed

    expected_deletable = {
        "own": {world.draft, world.interview},  # drafts only
        "other": set(),
        "anonymous": set(),
        "moderator": set(items),
    }
    assert reach["delete"] == expected_deletable[role]
    assert reach["publish"] == (set(items) if role == "moderator" else set())
