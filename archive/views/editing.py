"""Creating and editing an item, and the item's own pages (history, usage, inspect, delete).
An item is saved through archive.services, never straight to the model."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from wagtail.admin import messages
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import ActionColumn, HistoryView
from wagtail.admin.views.generic.usage import UsageView

from archive import services
from archive.forms import OralHistoryForm
from archive.models import ArchiveItem
from archive.panels import EDIT_HANDLERS
from archive.permissions import item_policy, items_in_reach
from archive.views.actions import action_menu_items
from archive.views.listing import KIND_ICONS

Kind = ArchiveItem.Kind


class ItemFormMixin:
    """What the create and edit views share: the edit handler of the item's kind, saving
    through archive.services, the consent row and "save and submit"."""

    kind = None

    def get_panel(self):
        return EDIT_HANDLERS.get(self.kind)

    def get_form_class(self):
        return self.panel.get_form_class()

    @cached_property
    def actor(self):
        return item_policy().actor(self.request.user)

    def save_item(self, item):
        if not self.actor.is_moderator:
            item.institution_id = self.actor.institution_id
        item = services.item_save(item=item, user=self.request.user)
        self.form.save_m2m()
        if isinstance(self.form, OralHistoryForm) and self.form.consent_changed:
            values = self.form.consent_values()
            if values:
                services.item_consent_set(item=item, user=self.request.user, **values)
        return item

    def submit_if_asked(self, item):
        if self.action != "submit":
            return
        try:
            services.item_submit(item=item, user=self.request.user)
        except services.ArchiveError as error:
            messages.warning(
                self.request,
                _("Saved, but not submitted: %(reasons)s") % {"reasons": " ".join(error.messages)},
            )
        else:
            messages.success(
                self.request, _("“%(item)s” was submitted for review.") % {"item": item}
            )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kind_label"] = Kind(self.kind).label if self.kind else ""
        return context


class ItemCreateView(ItemFormMixin, generic.CreateView):
    template_name = "archive/admin/item_create.html"
    actions = ["create", "submit"]

    def setup(self, request, *args, **kwargs):
        kind = request.GET.get("kind", "")
        self.kind = kind if kind in Kind.values else None
        super().setup(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if self.kind is None:
            return self.choose_kind()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.kind is None:
            return redirect(self.add_url_name)
        return super().post(request, *args, **kwargs)

    def choose_kind(self):
        add_url = reverse(self.add_url_name)
        title = _("New archive item")
        return TemplateResponse(
            self.request,
            "archive/admin/choose_kind.html",
            {
                "view": self,
                "page_title": title,
                "header_title": title,
                "header_icon": self.header_icon,
                "breadcrumbs_items": self.get_breadcrumbs_items(),
                "kinds": [
                    {"label": label, "url": f"{add_url}?kind={value}", "icon": KIND_ICONS[value]}
                    for value, label in Kind.choices
                ],
            },
        )

    def get_add_url(self):
        return f"{reverse(self.add_url_name)}?kind={self.kind}"

    def get_initial_form_instance(self):
        return ArchiveItem(kind=self.kind, institution_id=self.actor.institution_id)

    def get_page_subtitle(self):
        return Kind(self.kind).label if self.kind else _("Archive item")

    def save_instance(self):
        item = self.save_item(self.form.save(commit=False))
        self.submit_if_asked(item)
        return item


class ItemEditView(ItemFormMixin, generic.EditView):
    template_name = "archive/admin/item_edit.html"
    actions = ["edit", "submit"]

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = self.get_object()
        self.kind = self.object.kind
        self.panel = self.get_panel()

    def get_queryset(self):
        return items_in_reach(self.request.user)

    def save_instance(self):
        if not self.form.has_changed() and not getattr(self.form, "consent_changed", False):
            # Saving nothing must not send a published item back for review.
            item = self.object
        else:
            item = self.save_item(self.form.save(commit=False))
        self.submit_if_asked(item)
        return item

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["item"] = self.object
        context["can_submit"] = services.item_transition_allowed(
            item=self.object, action="submit"
        ) and item_policy().user_has_permission_for_instance(user, "submit", self.object)
        context["moderation_actions"] = action_menu_items(self.object, user)
        return context


class ItemDeleteView(generic.DeleteView):
    def get_queryset(self):
        return items_in_reach(self.request.user)

    def dispatch(self, request, *args, **kwargs):
        if not item_policy().user_has_permission_for_instance(request.user, "delete", self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CommentedActionColumn(ActionColumn):
    """Shows a log entry's comment (a rejection's reason), which Wagtail only shows for
    models with revisions."""

    cell_template_name = "wagtailadmin/generic/history/action_cell.html"


class ItemHistoryView(HistoryView):
    def get_base_object_queryset(self):
        return items_in_reach(self.request.user)

    @cached_property
    def columns(self):
        first, *others = super().columns
        return [
            CommentedActionColumn(
                first.name,
                label=first.label,
                object=first.object,
                url_names=first.url_names,
                user_can_unschedule=first.user_can_unschedule,
            ),
            *others,
        ]


class ItemUsageView(UsageView):
    def get_base_object_queryset(self):
        return items_in_reach(self.request.user)


class ItemInspectView(generic.InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(items_in_reach(self.request.user), pk=self.pk)
