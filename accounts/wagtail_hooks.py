from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts import views


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("locked-sign-ins/", views.LockoutListView.as_view(), name="accounts_lockouts"),
        path("locked-sign-ins/unlock/", views.unlock_view, name="accounts_unlock"),
    ]


class LockoutMenuItem(MenuItem):
    def is_shown(self, request):
        return views.may_unlock(request.user)


@hooks.register("register_settings_menu_item")
def register_lockouts_menu_item():
    return LockoutMenuItem(
        _("Locked sign-ins"), reverse("accounts_lockouts"), icon_name="lock", order=900
    )
