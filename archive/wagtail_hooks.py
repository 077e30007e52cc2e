from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.log_actions import LogFormatter
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from archive import admin_uploads
from archive.admin import (
    AddTagsBulkAction,
    ArchiveItemChooserViewSet,
    ArchiveItemPermissionPolicy,
    ArchiveItemViewSet,
)
from archive.admin_import import ImportViewSet
from archive.models import ArchiveItem, ArchiveItemLogEntry, Member, Trade

# Registered first: a view asking for the policy earlier would fix a fallback one.
register_permission_policy(ArchiveItem, ArchiveItemPermissionPolicy(ArchiveItem))


class LogoColumn(Column):
    """Shows the member's logo as a small thumbnail in the listing."""

    cell_template_name = "archive/admin/logo_cell.html"


class MemberViewSet(SnippetViewSet):
    model = Member
    icon = "group"
    menu_label = _("Members")
    list_display = [LogoColumn("logo", label=_("Logo")), "name", "kind", "commune", "region"]
    list_filter = ["kind", "country", "region"]
    search_fields = ["name", "commune", "region"]
    ordering = ["name"]


class TradeViewSet(SnippetViewSet):
    model = Trade
    icon = "tag"
    menu_label = _("Trades")
    list_display = ["name", "parent", "slug"]
    search_fields = ["name", "slug"]


class NetworkGroup(SnippetViewSetGroup):
    items = (MemberViewSet, TradeViewSet)
    menu_icon = "group"
    menu_label = _("Network")
    menu_name = "network"


register_snippet(NetworkGroup)


archive_item_viewset = ArchiveItemViewSet(
    "archive_items", add_to_admin_menu=False, menu_label=_("Items")
)
archive_item_chooser_viewset = ArchiveItemChooserViewSet("archive_item_chooser")


class ArchiveMenuGroup(ViewSetGroup):
    """Archive › Items, Archive › Import (archive/admin_import.py). Other archive screens can
    join the submenu by returning a MenuItem from the "register_archive_menu_item" hook."""

    items = (archive_item_viewset, ImportViewSet)
    menu_label = _("Archive")
    menu_icon = "folder-open-inverse"
    menu_name = "archive"
    menu_order = 250
    submenu_hook = "register_archive_menu_item"


@hooks.register("register_admin_viewset")
def register_archive_item_viewsets():
    return [ArchiveMenuGroup(), archive_item_chooser_viewset]


# Direct uploads of recordings and documents (archive/admin_uploads.py).
@hooks.register("register_admin_urls")
def register_archive_upload_urls():
    return [path("archive/uploads/", include(admin_uploads, namespace="archive_uploads"))]


@hooks.register("register_admin_menu_item")
def register_archive_upload_menu_item():
    return admin_uploads.UploadMenuItem()


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
