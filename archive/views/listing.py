"""The workspace's list of items: only those in the user's reach, with their thumbnails,
counts per status, filters, and each item's actions."""

from django.contrib.admin.utils import quote
from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import (
    BulkActionsCheckboxColumn,
    Column,
    DateColumn,
    StatusTagColumn,
)
from wagtail.admin.views import generic
from wagtail.models import Locale

import django_filters

from archive.models import ArchiveItem, Institution, ItemImage, Trade
from archive.permissions import item_policy, items_in_reach
from archive.views.actions import action_menu_items

Kind = ArchiveItem.Kind
Status = ArchiveItem.Status

KIND_ICONS = {Kind.PHOTO: "image", Kind.ORAL_HISTORY: "media", Kind.SAVOIR_FAIRE: "cogs"}


class ThumbnailColumn(Column):
    """The first image of the item, or an icon of its kind."""

    cell_template_name = "archive/admin/thumbnail_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        first = next(iter(instance.images.all()), None)
        context["image"] = first.image if first else None
        context["icon_name"] = KIND_ICONS.get(instance.kind, "doc-full")
        return context


class ArchiveItemFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Kind"), choices=Kind.choices)
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=Status.choices)
    trades = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Trade"),
        queryset=lambda request: Trade.objects.filter(locale=Locale.get_default()).order_by("name"),
    )
    institution = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Institution"),
        queryset=lambda request: Institution.objects.select_related("member"),
    )

    class Meta:
        model = ArchiveItem
        fields = ["kind", "status", "trades", "institution"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        # Contributors see one institution: the filter would only name the others.
        if request is None or not item_policy().actor(request.user).is_moderator:
            self.filters.pop("institution", None)


class ItemIndexView(generic.IndexView):
    def get_base_queryset(self):
        return (
            items_in_reach(self.request.user)
            .select_related("institution__member")
            .prefetch_related(
                Prefetch(
                    "images",
                    queryset=ItemImage.objects.select_related("image")
                    .prefetch_related("image__renditions")
                    .order_by("sort_order"),
                )
            )
        )

    @cached_property
    def columns(self):
        is_moderator = item_policy().actor(self.request.user).is_moderator
        columns = [
            BulkActionsCheckboxColumn("bulk_actions", obj_type="archiveitem"),
            ThumbnailColumn("thumbnail", label=_("Image")),
            self._get_title_column(
                "title",
                get_title_id=lambda item: f"archiveitem_{quote(item.pk)}_title",
            ),
            Column("identifier", label=_("Identifier"), sort_key="identifier"),
            Column("inventory_number", label=_("Inventory number"), sort_key="inventory_number"),
            Column("get_kind_display", label=_("Kind"), sort_key="kind"),
            StatusTagColumn(
                "get_status_display",
                label=_("Status"),
                sort_key="status",
                primary=lambda item: item.status == Status.PUBLISHED,
            ),
        ]
        if is_moderator:
            columns.append(Column("institution", label=_("Institution")))
        columns.append(DateColumn("updated_at", label=_("Changed"), sort_key="updated_at"))
        return columns

    def get_delete_url(self, instance):
        # Per item: contributors delete drafts only.
        if item_policy().user_has_permission_for_instance(self.request.user, "delete", instance):
            return super().get_delete_url(instance)
        return None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        return [
            *buttons,
            *action_menu_items(instance, self.request.user, next_url=self.request.path),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = dict(
            items_in_reach(self.request.user)
            .order_by()
            .values_list("status")
            .annotate(count=Count("pk"))
        )
        index_url = reverse(self.index_url_name)
        context["status_counts"] = [
            {
                "status": status,
                "label": label,
                "count": counts.get(status, 0),
                "url": f"{index_url}?status={status}",
            }
            for status, label in Status.choices
        ]
        context["total_count"] = sum(counts.values())
        return context
