"""The administrators' list of locked sign-ins (Settings › Locked sign-ins) and the
rate-limited password reset request."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from wagtail.admin import messages
from wagtail.admin.views.account import PasswordResetView as WagtailPasswordResetView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from django_ratelimit.core import is_ratelimited

from accounts.addresses import client_ip
from accounts.lockout import lockout_release, lockouts_recent


def may_unlock(user) -> bool:
    return user.is_superuser


class LockoutListView(WagtailAdminTemplateMixin, TemplateView):
    """Pairs (username, address) with recent failed sign-ins; locked ones can be unlocked."""

    template_name = "accounts/admin/lockouts.html"
    page_title = gettext_lazy("Locked sign-ins")
    header_icon = "lock"

    def dispatch(self, request, *args, **kwargs):
        if not may_unlock(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        lockouts = lockouts_recent()
        return super().get_context_data(
            lockouts=lockouts,
            locked_count=sum(1 for lock in lockouts if lock.locked),
            failure_limit=settings.AXES_FAILURE_LIMIT,
            **kwargs,
        )


@require_POST
def unlock_view(request):
    if not may_unlock(request.user):
        raise PermissionDenied
    username = request.POST.get("username", "")
    ip_address = request.POST.get("ip_address", "")
    if lockout_release(username=username, ip_address=ip_address):
        messages.success(
            request,
            _("%(username)s may sign in again from %(address)s.")
            % {"username": username, "address": ip_address},
        )
    return redirect(reverse("accounts_lockouts"))


def _address_key(group, request) -> str:
    return request.POST.get("email", "").strip().casefold()


class PasswordResetView(WagtailPasswordResetView):
    """Wagtail's password reset request, limited per client address and per address asked
    for. The limit counts every request, for an address that has an account or not, so its
    answer tells nothing about who has one."""

    def form_valid(self, form):
        request = self.request
        # Both counters advance on every request, so neither limit can be dodged with the other.
        by_ip = is_ratelimited(
            request,
            group="password-reset-ip",
            key=lambda group, req: client_ip(req) or "",
            rate=settings.PASSWORD_RESET_RATE_IP,
            increment=True,
        )
        by_address = is_ratelimited(
            request,
            group="password-reset-address",
            key=_address_key,
            rate=settings.PASSWORD_RESET_RATE_ADDRESS,
            increment=True,
        )
        if by_ip or by_address:
            form.add_error(
                None,
                _(
                    "Too many password reset requests. No new email was sent: please wait an "
                    "hour and try again, or use the link in the email you already received."
                ),
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)
