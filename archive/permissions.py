"""The archive items' permission policy for the Wagtail admin. Django's model permissions (given
by the contributor and moderator groups) open the admin screens; `services.Actor` decides which
items and which steps, so the admin never restates a rule of its own."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry

from archive.models import ArchiveItem
from archive.services import TRANSITIONS, Actor


class ArchiveItemPermissionPolicy(ModelPermissionPolicy):
    """Besides the model actions (add, change, delete, view) it knows the moderation steps,
    "tag" and "erase", which no Django permission names: for those, `Actor` alone decides."""

    ARCHIVE_ACTIONS = frozenset({*TRANSITIONS, "tag", "erase"})

    def actor(self, user) -> Actor:
        # A listing asks once per row.
        return Actor.of_request_user(user)

    def user_has_permission(self, user, action):
        if not self.actor(user).may_at_all(action):
            return False
        if action in self.ARCHIVE_ACTIONS:
            return True
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and self.actor(user).may(instance, action)

    def instances_user_has_any_permission_for(self, user, actions):
        allowed = [action for action in actions if self.user_has_permission(user, action)]
        if not allowed:
            return self.model._default_manager.none()
        return self.actor(user).items(allowed)

    def instances_user_has_permission_for(self, user, action):
        return self.instances_user_has_any_permission_for(user, [action])


def item_policy() -> ArchiveItemPermissionPolicy:
    """The policy registered for ArchiveItem (archive/wagtail_hooks.py)."""
    return policy_registry.get_by_type(ArchiveItem)


def items_in_reach(user, action: str = "change") -> QuerySet[ArchiveItem]:
    """The items `user` may `action`: outside them, every admin view answers 404."""
    return item_policy().instances_user_has_permission_for(user, action)


def archive_actor(user, *, refusal: str) -> Actor:
    """The user as an Actor, if the archive workspace is open to them; else PermissionDenied
    with `refusal`, the message for the screen they asked for."""
    actor = Actor.of_request_user(user)
    if not actor.works_on_archive:
        raise PermissionDenied(refusal)
    return actor


class QueueRecordPermissionPolicy(ModelPermissionPolicy):
    """Queued emails and tasks are written by the site alone: nobody adds, edits or deletes one
    in the admin. Whoever may view them (administrators) may try a failed one again ("retry")."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        if action == "retry":
            action = "view"
        return super().user_has_permission(user, action)
