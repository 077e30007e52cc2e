from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from home.admin_registrations import RegistrationPermissionPolicy, RegistrationViewSet
from home.models import Registration, TrainingTopic


class TrainingTopicViewSet(SnippetViewSet):
    model = TrainingTopic
    icon = "folder-open-inverse"
    menu_label = _("Training topics")
    list_display = ["name", "locale"]
    search_fields = ["name"]


register_snippet(TrainingTopicViewSet)


registration_viewset = RegistrationViewSet("registrations")
register_permission_policy(Registration, RegistrationPermissionPolicy(Registration))


@hooks.register("register_admin_viewset")
def register_registration_viewset():
    return registration_viewset


@hooks.register("register_admin_menu_item")
def register_registrations_menu():
    return SubmenuMenuItem(
        _("Registrations"),
        Menu(
            items=[
                MenuItem(
                    _("By session"),
                    reverse_lazy("registrations:overview"),
                    icon_name="table",
                    order=100,
                ),
                MenuItem(
                    _("All registrations"),
                    reverse_lazy("registrations:index"),
                    icon_name="list-ul",
                    order=200,
                ),
            ]
        ),
        icon_name="user",
        name="registrations",
        order=300,
    )
