"""Admin: the subscriber list, per-audience counts and the CSV/XLSX export for the mailing tool.

Editors can look at a subscriber and delete one (to erase a person on request), but neither add
nor edit: a subscription is the person's own act, proven by the confirm link, and an editor
adding an address would mail someone who never consented. Changing a status by hand would
break that proof in the same way, so there is no edit form at all (and no add/change
permission to grant).
"""

from collections import OrderedDict

from django import forms
from django.conf import settings
from django.contrib.auth import get_permission_codename
from django.http import HttpResponse, QueryDict
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.coreutils import multigetattr

import django_filters

from archive.spreadsheets import SafeSpreadsheetExportMixin
from home.newsletter import tokens
from home.newsletter.models import Audience, Status, Subscription
from home.newsletter.selectors import subscriber_counts_by_audience

ALL_STATUSES = "all"


class StatusFilter(django_filters.ChoiceFilter):
    """Confirmed subscribers by default, the only ones a mailing tool may write to; "All"
    shows every status."""

    def filter(self, qs, value):
        if value == ALL_STATUSES:
            return qs
        return super().filter(qs, value)


class SubscriptionFilterSet(WagtailFilterSet):
    status = StatusFilter(
        label=_("Status"),
        choices=[
            (Status.CONFIRMED, Status.CONFIRMED.label),
            (Status.PENDING, Status.PENDING.label),
            (Status.UNSUBSCRIBED, Status.UNSUBSCRIBED.label),
            (ALL_STATUSES, _("All")),
        ],
        empty_label=None,
        # With the same initial value as the default below, the default does not count as
        # an active filter; choosing another status does, and removing it comes back here.
        initial=Status.CONFIRMED,
        widget=forms.RadioSelect,
    )
    audience = django_filters.ChoiceFilter(
        label=_("Audience"),
        choices=Audience.choices,
        empty_label=_("All"),
        widget=forms.RadioSelect,
    )
    language = django_filters.ChoiceFilter(
        label=_("Language"),
        choices=settings.LANGUAGES,
        empty_label=_("All"),
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Subscription
        fields = ["status", "audience", "language"]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # The listing and its export show confirmed subscribers unless asked otherwise.
        data = data.copy() if data is not None else QueryDict(mutable=True)
        data.setdefault("status", Status.CONFIRMED)
        super().__init__(data, queryset, request=request, prefix=prefix)


class SubscriptionIndexView(SafeSpreadsheetExportMixin, generic.IndexView):
    template_name = "newsletter/admin/subscription_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["audience_counts"] = subscriber_counts_by_audience()
        return context

    def get_filename(self):
        """e.g. newsletter-teachers-confirmed-2026-05-04: one file per audience and day."""
        parts = [self.export_filename]
        if self.filters and self.filters.is_valid():
            data = self.filters.form.cleaned_data
            parts += [data.get("audience") or "all-audiences", data.get("status")]
        parts.append(timezone.localdate().isoformat())
        return "-".join(part for part in parts if part)

    def write_csv_response(self, queryset):
        # Built in full inside the view, unlike Wagtail's streamed CSV whose headings would be
        # translated after the view returned, outside the editor's admin language. A mailing
        # list is small enough to hold in memory.
        response = HttpResponse(b"".join(self.stream_csv(queryset)), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{self.get_filename()}.csv"'
        return response

    def to_row_dict(self, item):
        row = OrderedDict()
        for field in self.list_export:
            if field == "unsubscribe_url":
                # A personal link for the mailing tool's merge field, so that leaving through
                # a newsletter also updates this list.
                row[field] = tokens.unsubscribe_url(
                    email=item.email, audiences=[item.audience], language=item.language
                )
            else:
                row[field] = multigetattr(item, field)
        return row


class SubscriptionDeleteView(generic.DeleteView):
    """Deleting erases: the default audit-log entry would keep the address in its label."""

    def delete_action(self):
        self.object.delete()


class SubscriptionViewSet(ModelViewSet):
    model = Subscription
    name = "newsletter_subscribers"
    url_prefix = "newsletter/subscribers"
    icon = "user"
    menu_label = _("Subscribers")
    menu_order = 100
    index_view_class = SubscriptionIndexView
    delete_view_class = SubscriptionDeleteView
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = [
        "email",
        "audience",
        "status",
        "language",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
    ]
    list_display = ["email", "audience", "status", "language", "created_at", "confirmed_at"]
    filterset_class = SubscriptionFilterSet
    search_fields = ["email"]
    ordering = ["-created_at"]
    list_per_page = 50
    list_export = ["email", "audience", "language", "status", "confirmed_at", "unsubscribe_url"]
    export_headings = {"unsubscribe_url": _("Unsubscribe link")}
    export_filename = "newsletter"

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            **{
                "add_url_name": None,
                "edit_url_name": None,
                "history_url_name": None,
                "usage_url_name": None,
                **kwargs,
            }
        )

    def get_urlpatterns(self):
        # No add, edit, copy, history or usage views (see the module docstring).
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("delete/<int:pk>/", self.delete_view, name="delete"),
        ]

    @property
    def url_finder_class(self):
        finder = super().url_finder_class
        finder.edit_url_name = self.get_url_name("inspect")
        return finder

    def get_permissions_to_register(self):
        keep = [get_permission_codename(action, self.model_opts) for action in ("view", "delete")]
        return super().get_permissions_to_register().filter(codename__in=keep)


class NewsletterViewSetGroup(ModelViewSetGroup):
    menu_label = _("Newsletter")
    menu_icon = "mail"
    menu_order = 250
    items = (SubscriptionViewSet,)


@hooks.register("register_admin_viewset")
def register_newsletter_viewsets():
    return NewsletterViewSetGroup()
