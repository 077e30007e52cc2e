"""What administrators see of the task queue: outgoing emails (archive/mail.py) and the
queue's tasks themselves, each with the count of every status above the list, the last error,
and a button to try a failed one again."""

from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
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
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from archive.mail import email_retry
from archive.models import QueuedEmail


class EmailFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=QueuedEmail.Status.choices,
        empty_label=gettext_lazy("All"),
    )

    class Meta:
        model = QueuedEmail
        fields = ["status"]


class TaskFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=TaskResultStatus.choices,
        empty_label=gettext_lazy("All"),
    )

    class Meta:
        model = DBTaskResult
        fields = ["status"]


class StatusIndexView(generic.IndexView):
    """A listing with the count of each status above it, and "Try again" on the rows that
    `retriable` accepts."""

    retry_url_name = None
    statuses = ()
    alert_status = ""

    def retriable(self, instance) -> bool:
        raise NotImplementedError

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.retriable(instance) and self.permission_policy.user_has_permission(
            self.request.user, "retry"
        ):
            url = reverse(self.retry_url_name, args=[quote(instance.pk)])
            buttons.append(MenuItem(_("Try again"), url, icon_name="resubmit", priority=5))
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = dict(self.model.objects.values_list("status").annotate(n=Count("pk")).order_by())
        index_url = reverse(self.index_url_name)
        context["status_counts"] = [
            {
                "status": status,
                "label": label,
                "count": counts.get(status, 0),
                "url": f"{index_url}?status={status}",
                "alert": status == self.alert_status and counts.get(status, 0) > 0,
            }
            for status, label in self.statuses
        ]
        context["total_count"] = sum(counts.values())
        return context


class EmailIndexView(StatusIndexView):
    statuses = QueuedEmail.Status.choices
    alert_status = QueuedEmail.Status.FAILED

    def retriable(self, instance) -> bool:
        return instance.status != QueuedEmail.Status.SENT


class TaskIndexView(StatusIndexView):
    statuses = TaskResultStatus.choices
    alert_status = TaskResultStatus.FAILED

    def retriable(self, instance) -> bool:
        return instance.status == TaskResultStatus.FAILED


def task_retry(*, task: DBTaskResult) -> bool:
    """Put a failed task back in the queue as it was enqueued; False if it is not failed."""
    return bool(
        DBTaskResult.objects.filter(pk=task.pk, status=TaskResultStatus.FAILED).update(
            status=TaskResultStatus.READY,
            run_after=get_date_max(),
            started_at=None,
            finished_at=None,
            exception_class_path="",
            traceback="",
        )
    )


class RetryView(generic.WagtailAdminTemplateMixin, TemplateView):
    """GET: confirm; POST: try the object again."""

    template_name = "archive/admin/retry_confirm.html"
    page_title = gettext_lazy("Try again")
    header_icon = "resubmit"
    model = None
    permission_policy = None
    index_url_name = None

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, "retry"):
            raise PermissionDenied
        try:
            self.object = get_object_or_404(self.model, pk=kwargs["pk"])
        except ValidationError as error:  # not a UUID, for a task
            raise Http404 from error
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return getattr(self.object, "task_name", None) or str(self.object)

    def retry(self) -> bool:
        if isinstance(self.object, QueuedEmail):
            return email_retry(email=self.object)
        return task_retry(task=self.object)

    def post(self, request, *args, **kwargs):
        if self.retry():
            messages.success(request, _("Queued again."))
        else:
            messages.error(request, _("Only what failed or is still waiting can be tried again."))
        return redirect(self.index_url_name)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            name=self.get_page_subtitle(),
            error=getattr(self.object, "last_error", "")
            or getattr(self.object, "exception_class_path", ""),
            index_url=reverse(self.index_url_name),
        )
        return context
