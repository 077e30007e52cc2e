from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from django_tasks_db.models import DBTaskResult

from archive.models import ArchiveItem, ArchiveItemLogEntry, QueuedEmail
from archive.permissions import ArchiveItemPermissionPolicy, QueueRecordPermissionPolicy
from archive.views.bulk_actions import AddTagsBulkAction
from archive.viewsets import (
    ArchiveMenuGroup,
    NetworkGroup,
    UploadMenuItem,
    UploadViewSet,
    archive_item_chooser_viewset,
    email_viewset,
    task_viewset,
)

# Registered first: a view asking for the policy earlier would fix a fallback one.
register_permission_policy(ArchiveItem, ArchiveItemPermissionPolicy(ArchiveItem))
register_permission_policy(QueuedEmail, QueueRecordPermissionPolicy(QueuedEmail))
register_permission_policy(DBTaskResult, QueueRecordPermissionPolicy(DBTaskResult))

register_snippet(NetworkGroup)


@hooks.register("register_admin_viewset")
def register_archive_item_viewsets():
    return [
        ArchiveMenuGroup(),
        archive_item_chooser_viewset,
        UploadViewSet(),
        email_viewset,
        task_viewset,
    ]


@hooks.register("register_admin_menu_item")
def register_archive_upload_menu_item():
    return UploadMenuItem()


hooks.register("register_bulk_action", AddTagsBulkAction)


@hooks.register("register_log_actions")
def register_archive_log_actions(actions):
    """Archive items keep their own log (see archive/models/audit.py); the moderation steps
    get labels in the item's history and the site history report."""
    actions.register_model(ArchiveItem, ArchiveItemLogEntry)
    actions.register_action("archive.submit", _("Submit for review"), _("Submitted for review"))
    actions.register_action("archive.publish", _("Publish"), _("Published"))

    class ReasonFormatter(LogFormatter):
        """An action whose moderator gave a reason: the reason is the entry's comment."""

        def format_comment(self, log_entry):
            return log_entry.data.get("reason", "")

    @actions.register_action("archive.reject")
    class RejectFormatter(ReasonFormatter):
        label = _("Reject")
        message = _("Rejected")

    actions.register_action("archive.withdraw", _("Withdraw"), _("Withdrawn"))
    actions.register_action(
        "archive.resubmit",
        _("Back to review"),
        _("Changed by a contributor after publication: back to review"),
    )
    actions.register_action("archive.transcript", _("Import transcript"), _("Transcript imported"))
    actions.register_action("archive.tag", _("Add tags"), _("Tags added"))
    actions.register_action("archive.import", _("Import"), _("Imported from a CSV file"))
    actions.register_action(
        "archive.place_from_photo", _("Place from a photo"), _("Place copied from a photo")
    )

    @actions.register_action("archive.erase")
    class EraseFormatter(ReasonFormatter):
        label = _("Erase")
        message = _("Erased with its originals")
