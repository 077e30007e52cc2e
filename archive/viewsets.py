"""The archive's admin viewsets, registered in archive/wagtail_hooks.py: the items workspace
and its chooser, the bulk import, the uploads' endpoints, and the network's snippets."""

from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy

from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from django_tasks_db.models import DBTaskResult

from archive import services
from archive.models import ArchiveItem, Member, QueuedEmail, Trade
from archive.panels import EDIT_HANDLERS
from archive.services import Actor
from archive.views import chooser, imports, uploads
from archive.views.actions import (
    EraseView,
    ModerationView,
    PlaceFromPhotoView,
    TranscriptImportView,
)
from archive.views.editing import (
    ItemCreateView,
    ItemDeleteView,
    ItemEditView,
    ItemHistoryView,
    ItemInspectView,
    ItemUsageView,
)
from archive.views.listing import ArchiveItemFilterSet, ItemIndexView
from archive.views.queue import (
    EmailFilterSet,
    EmailIndexView,
    RetryView,
    TaskFilterSet,
    TaskIndexView,
)

Kind = ArchiveItem.Kind


# --- Archive items ------------------------------------------------------------------------


class ArchiveItemViewSet(ModelViewSet):
    """The contributor workspace: list, create, edit, moderate, import transcripts, tag."""

    model = ArchiveItem
    icon = "folder-open-inverse"
    menu_label = gettext_lazy("Archive")
    menu_name = "archive"
    menu_order = 250
    add_to_admin_menu = True
    url_prefix = "archive/items"

    index_view_class = ItemIndexView
    add_view_class = ItemCreateView
    edit_view_class = ItemEditView
    delete_view_class = ItemDeleteView
    history_view_class = ItemHistoryView
    usage_view_class = ItemUsageView
    inspect_view_class = ItemInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    index_template_name = "archive/admin/item_index.html"

    filterset_class = ArchiveItemFilterSet
    search_fields = [
        "title",
        "identifier",
        "inventory_number",
        "summary",
        "description",
        "narrators",
    ]
    search_backend_name = None
    ordering = ["-updated_at"]
    list_per_page = 30
    inspect_view_fields = [
        "identifier",
        "inventory_number",
        "kind",
        "institution",
        "status",
        "rejection_reason",
        "title",
        "summary",
        "description",
        "place_name",
        "commune",
        "rights",
        "access",
        "created_at",
        "updated_at",
        "published_at",
    ]
    # The views pick the edit handler of the item's kind; this one serves the viewset's
    # defaults only.
    edit_handler = EDIT_HANDLERS[Kind.PHOTO]

    def _object_view_kwargs(self):
        return {
            "edit_url_name": self.get_url_name("edit"),
            "index_url_name": self.get_url_name("index"),
        }

    def moderation_view(self, action):
        return ModerationView.as_view(action=action, **self._object_view_kwargs())

    @property
    def transcript_view(self):
        return TranscriptImportView.as_view(**self._object_view_kwargs())

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            *(
                path(f"{action}/<int:pk>/", self.moderation_view(action), name=action)
                for action in services.TRANSITIONS
            ),
            path("transcript/<int:pk>/", self.transcript_view, name="transcript"),
            path(
                "place-from-photo/<int:pk>/",
                PlaceFromPhotoView.as_view(**self._object_view_kwargs()),
                name="place_from_photo",
            ),
            path("erase/<int:pk>/", EraseView.as_view(**self._object_view_kwargs()), name="erase"),
        ]


class ArchiveItemChooserViewSet(ChooserViewSet):
    """Picks an archive item in other forms and blocks (`.widget_class`,
    `.get_block_class()`); offers only the items the user can reach in the workspace."""

    model = ArchiveItem
    icon = "folder-open-inverse"
    choose_one_text = gettext_lazy("Choose an archive item")
    choose_another_text = gettext_lazy("Choose another archive item")
    edit_item_text = gettext_lazy("Edit this archive item")
    url_prefix = "archive/item-chooser"
    choose_view_class = chooser.ItemChooseView
    choose_results_view_class = chooser.ItemChooseResultsView
    chosen_view_class = chooser.ItemChosenView
    chosen_multiple_view_class = chooser.ItemChosenMultipleView

    def get_urlpatterns(self):
        # Items are created in the workspace, never from a chooser.
        return [pattern for pattern in super().get_urlpatterns() if pattern.name != "create"]


# --- Import and uploads -------------------------------------------------------------------


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        # Drawn on every admin page: the request's actor, computed once.
        return Actor.of_request_user(request.user).works_on_archive


class ImportViewSet(ViewSet):
    """Archive › Import."""

    name = "archive_import"
    url_prefix = "archive/import"
    icon = "upload"
    menu_label = gettext_lazy("Import")
    menu_name = "archive-import"
    menu_item_class = ImportMenuItem

    def get_urlpatterns(self):
        return [
            path("", imports.ImportView.as_view(), name="index"),
            path("confirm/", imports.ConfirmView.as_view(), name="confirm"),
            path("identifiers/", imports.IdentifiersView.as_view(), name="identifiers"),
        ]


class UploadMenuItem(MenuItem):
    """ "Upload files" in the admin menu, for those who may add archive items."""

    def __init__(self):
        super().__init__(
            gettext_lazy("Archive uploads"),
            reverse_lazy("archive_uploads:index"),
            name="archive-uploads",
            icon_name="upload",
            order=251,
        )

    def is_shown(self, request):
        return request.user.has_perm("archive.add_archiveitem")


class UploadViewSet(ViewSet):
    """The upload page and the endpoints its script and the item form's upload control call.
    Its menu item (UploadMenuItem) is registered on its own, outside the Archive submenu."""

    name = "archive_uploads"
    url_prefix = "archive/uploads"

    def get_urlpatterns(self):
        return [
            path("", uploads.UploadPageView.as_view(), name="index"),
            path("start/", uploads.upload_start_view, name="start"),
            path("receive/<str:token>/", uploads.upload_receive_view, name="receive"),
            path("complete/", uploads.upload_complete_view, name="complete"),
        ]


# --- The task queue: emails and tasks ---------------------------------------------------


class QueueRecordViewSet(ModelViewSet):
    """A read-only listing of queue records for administrators, counted by status, with
    "Try again" on failed ones (archive/views/queue.py)."""

    add_to_settings_menu = True
    index_template_name = "archive/admin/status_index.html"
    inspect_view_enabled = True
    copy_view_enabled = False
    # No form is ever shown (the permission policy refuses adding and editing); Wagtail
    # still builds one when it sets the views up.
    form_fields = ["status"]
    search_backend_name = None
    list_per_page = 50

    def get_index_view_kwargs(self, **kwargs):
        return {
            **super().get_index_view_kwargs(**kwargs),
            "retry_url_name": self.get_url_name("retry"),
        }

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "retry/<str:pk>/",
                RetryView.as_view(
                    model=self.model,
                    permission_policy=self.permission_policy,
                    index_url_name=self.get_url_name("index"),
                ),
                name="retry",
            ),
        ]


class EmailViewSet(QueueRecordViewSet):
    """Settings › Emails: every message the site queued (archive/mail.py)."""

    model = QueuedEmail
    icon = "mail"
    menu_label = gettext_lazy("Emails")
    url_prefix = "emails"
    index_view_class = EmailIndexView
    filterset_class = EmailFilterSet
    list_display = [
        "subject",
        "recipients",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
    ]
    inspect_view_fields = [
        "subject",
        "recipients",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "renderer",
        "params",
    ]
    search_fields = ["subject", "recipients"]
    ordering = ["-created_at", "-pk"]


class TaskViewSet(QueueRecordViewSet):
    """Settings › Tasks: the database queue's tasks (image derivatives, Wagtail's reference
    index and file clean-up, the emails' deliveries), with the traceback of a failed one."""

    model = DBTaskResult
    icon = "cogs"
    menu_label = gettext_lazy("Tasks")
    url_prefix = "tasks"
    index_view_class = TaskIndexView
    filterset_class = TaskFilterSet
    list_display = [
        "task_name",
        "status",
        "exception_class_path",
        "enqueued_at",
        "finished_at",
        "run_after",
    ]
    inspect_view_fields = [
        "task_path",
        "status",
        "args_kwargs",
        "enqueued_at",
        "started_at",
        "finished_at",
        "run_after",
        "exception_class_path",
        "traceback",
        "worker_ids",
    ]
    search_fields = ["task_path"]
    ordering = ["-enqueued_at"]


email_viewset = EmailViewSet("archive_emails")
task_viewset = TaskViewSet("archive_tasks")


# --- Network snippets ---------------------------------------------------------------------


class LogoColumn(Column):
    """Shows the member's logo as a small thumbnail in the listing."""

    cell_template_name = "archive/admin/logo_cell.html"


class MemberViewSet(SnippetViewSet):
    model = Member
    icon = "group"
    menu_label = gettext_lazy("Members")
    list_display = [
        LogoColumn("logo", label=gettext_lazy("Logo")),
        "name",
        "kind",
        "commune",
        "region",
    ]
    list_filter = ["kind", "country", "region"]
    search_fields = ["name", "commune", "region"]
    ordering = ["name"]


class TradeViewSet(SnippetViewSet):
    model = Trade
    icon = "tag"
    menu_label = gettext_lazy("Trades")
    list_display = ["name", "parent", "slug"]
    search_fields = ["name", "slug"]


class NetworkGroup(SnippetViewSetGroup):
    items = (MemberViewSet, TradeViewSet)
    menu_icon = "group"
    menu_label = gettext_lazy("Network")
    menu_name = "network"


# --- The Archive menu ---------------------------------------------------------------------


archive_item_viewset = ArchiveItemViewSet(
    "archive_items", add_to_admin_menu=False, menu_label=gettext_lazy("Items")
)
archive_item_chooser_viewset = ArchiveItemChooserViewSet("archive_item_chooser")


class ArchiveMenuGroup(ViewSetGroup):
    """Archive › Items, Archive › Import. Other archive screens can
    join the submenu by returning a MenuItem from the "register_archive_menu_item" hook."""

    items = (archive_item_viewset, ImportViewSet)
    menu_label = gettext_lazy("Archive")
    menu_icon = "folder-open-inverse"
    menu_name = "archive"
    menu_order = 250
    submenu_hook = "register_archive_menu_item"
