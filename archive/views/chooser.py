"""The archive item chooser's views: they offer only the items the user can reach in the
workspace."""

from wagtail.admin.views.generic import chooser as chooser_views

from archive.permissions import items_in_reach


class ScopedChooserMixin:
    def get_object_list(self):
        return items_in_reach(self.request.user).select_related("institution")


class ItemChooseView(ScopedChooserMixin, chooser_views.ChooseView):
    pass


class ItemChooseResultsView(ScopedChooserMixin, chooser_views.ChooseResultsView):
    pass


class ItemChosenView(chooser_views.ChosenView):
    def get_object(self, pk):
        return items_in_reach(self.request.user).get(pk=pk)


class ItemChosenMultipleView(chooser_views.ChosenMultipleView):
    def get_objects(self, pks):
        return items_in_reach(self.request.user).filter(pk__in=pks)
