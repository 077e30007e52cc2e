"""The administrators' view of outgoing emails (archive/mail.py): how many are queued, sent
or failed, each one's last error, and a button to send a failed one again."""

from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views import generic

import django_filters

from archive.mail import email_retry
from archive.models import QueuedEmail

Status = QueuedEmail.Status


class EmailFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=Status.choices, empty_label=gettext_lazy("All")
    )

    class Meta:
        model = QueuedEmail
        fields = ["status"]


class EmailIndexView(generic.IndexView):
    """Newest first, with the count of each status above the list."""

    retry_url_name = None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.status != Status.SENT and self.user_may_retry():
            url = reverse(self.retry_url_name, args=[quote(instance.pk)])
            buttons.append(MenuItem(_("Send again"), url, icon_name="resubmit", priority=5))
        return buttons

    def user_may_retry(self) -> bool:
        return self.permission_policy.user_has_permission(self.request.user, "retry")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = dict(
            QueuedEmail.objects.values_list("status").annotate(count=Count("pk")).order_by()
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


class EmailRetryView(generic.WagtailAdminTemplateMixin, TemplateView):
    """GET: confirm; POST: queue the message again with a fresh set of attempts."""

    template_name = "archive/admin/email_retry.html"
    page_title = gettext_lazy("Send again")
    header_icon = "mail"
    permission_policy = None
    index_url_name = None

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, "retry"):
            raise PermissionDenied
        self.object = get_object_or_404(QueuedEmail, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.object)

    def post(self, request, *args, **kwargs):
        if self.object.status == Status.SENT:
            messages.error(request, _("This email was sent already."))
        else:
            email_retry(email=self.object)
            messages.success(request, _("The email is queued again."))
        return redirect(self.index_url_name)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(email=self.object, index_url=reverse(self.index_url_name))
        return context
