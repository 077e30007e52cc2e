"""Bulk actions on the workspace's list of items."""

from django.http import Http404
from django.utils.translation import gettext_lazy, ngettext

from wagtail.admin.views.bulk_action import BulkAction

from archive import services
from archive.forms import TagsForm
from archive.models import ArchiveItem
from archive.permissions import item_policy, items_in_reach


class AddTagsBulkAction(BulkAction):
    """Tag the selected items. Only items the user may edit are ever looked up: ids of other
    institutions' items are neither tagged nor named back (no "no access" list here)."""

    display_name = gettext_lazy("Add tags")
    action_type = "add_tags"
    aria_label = gettext_lazy("Add tags to the selected items")
    template_name = "archive/admin/bulk_add_tags.html"
    action_priority = 20
    form_class = TagsForm
    models = [ArchiveItem]

    def get_actionable_objects(self):
        items = items_in_reach(self.request.user, "tag")
        ids = self.request.GET.getlist("id")
        if "all" not in ids:
            items = items.filter(pk__in=[int(pk) for pk in ids if pk.isdigit()])
        objects = list(items.select_related("institution").order_by("identifier"))
        if not objects:
            raise Http404
        return objects, {"items_with_no_access": []}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Published items the tags will send back for review.
        actor = item_policy().actor(self.request.user)
        context["published_count"] = sum(
            services.item_change_resubmits(item=entry["item"], actor=actor)
            for entry in context["items"]
        )
        return context

    def get_execution_context(self):
        return {"tags": self.cleaned_form.cleaned_data["tags"], "user": self.request.user}

    @classmethod
    def execute_action(cls, objects, tags=None, user=None, **kwargs):
        result = services.items_tag(items=objects, tags=tags, user=user)
        # The second number is what the base class calls child objects: here, the published
        # items a contributor's tags sent back for review.
        return result.tagged, result.resubmitted

    def get_success_message(self, num_parent_objects, num_child_objects):
        message = ngettext(
            "Tags added to %(count)d item.", "Tags added to %(count)d items.", num_parent_objects
        ) % {"count": num_parent_objects}
        if num_child_objects:
            message += " " + ngettext(
                "%(count)d published item went back for review.",
                "%(count)d published items went back for review.",
                num_child_objects,
            ) % {"count": num_child_objects}
        return message
