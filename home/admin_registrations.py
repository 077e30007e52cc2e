"""Wagtail admin for registrations: per-session counts, list, CSV export, manual promotion and
cancellation. Registered in home/wagtail_hooks.py.

Organisers change people's contact details here; seats and statuses only move through the
promote and cancel actions, which apply the same rules as the public site.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

import django_filters

from archive.spreadsheets import SafeSpreadsheetExportMixin
from home import selectors, services
from home.models import Registration


class RegistrationPermissionPolicy(ModelPermissionPolicy):
    """Nobody adds or deletes registrations in the admin: either would bypass seats and the
    waiting list. Cancellation goes through the service; personal data through the purge."""

    def user_has_permission(self, user, action):
        # Deleting would free seats without promoting the waiting list: organisers cancel.
        if action in ("add", "delete"):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


def _slot_choices():
    return [
        (str(row["slot_key"]), row["title"]) for row in selectors.registrations_counts_by_slot()
    ]


class RegistrationFilterSet(WagtailFilterSet):
    slot_key = django_filters.ChoiceFilter(label=_("Session or site"), choices=_slot_choices)

    class Meta:
        model = Registration
        fields = ["slot_key", "status", "kind"]


class RegistrationForm(forms.ModelForm):
    """Contact details only; the one-active-registration-per-email rule is checked here so
    that a clash is a form error, not a database error."""

    class Meta:
        model = Registration
        fields = ["name", "email", "phone", "organisation"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if (
            self.instance.status != Registration.Status.CANCELLED
            and Registration.objects.filter(slot_key=self.instance.slot_key, email__iexact=email)
            .exclude(status=Registration.Status.CANCELLED)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            raise forms.ValidationError(
                _("This email address is already registered for this session.")
            )
        return email


class RegistrationIndexView(SafeSpreadsheetExportMixin, IndexView):
    def write_csv_response(self, queryset):
        # The CSV streams after the view returns, when the admin language is no longer active:
        # keep the organiser's language for headings and status labels.
        response = super().write_csv_response(queryset)
        language = translation.get_language()
        stream = response.streaming_content

        def translated():
            with translation.override(language):
                yield from stream

        response.streaming_content = translated()
        return response


class ActionsColumn(Column):
    """Promote / cancel buttons, posting to the viewset's action views."""

    cell_template_name = "home/admin/registration_actions_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        context["csrf_token_value"] = get_token(request) if request else ""
        return context


class RegistrationViewSet(ModelViewSet):
    model = Registration
    icon = "list-ul"
    menu_label = _("All registrations")
    url_prefix = "registrations"
    add_to_admin_menu = False
    index_view_class = RegistrationIndexView
    form_fields = ["name", "email", "phone", "organisation"]

    def get_form_class(self, for_update=False):
        return RegistrationForm

    list_display = [
        "name",
        "slot_title",
        "kind",
        "seats",
        "status",
        "created_at",
        ActionsColumn("actions", label=_("Actions")),
    ]
    filterset_class = RegistrationFilterSet
    search_fields = ["name", "email", "organisation", "slot_title"]
    list_export = [
        "slot_title",
        "get_status_display",
        "get_kind_display",
        "seats",
        "name",
        "email",
        "phone",
        "organisation",
        "language",
        "created_at",
        "confirmed_at",
        "cancelled_at",
    ]
    export_headings = {
        "get_status_display": _("Status"),
        "get_kind_display": _("Kind"),
    }
    export_filename = "registrations"
    inspect_view_enabled = True

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("overview/", self.overview_view, name="overview"),
            path("promote/<int:pk>/", self.promote_view, name="promote"),
            path("cancel/<int:pk>/", self.cancel_view, name="cancel"),
        ]

    def _require(self, request, action):
        if not self.permission_policy.user_has_permission(request.user, action):
            raise PermissionDenied

    def overview_view(self, request):
        """One row per session or site: confirmed seats, waiting, cancelled, and links."""
        self._require(request, "view")
        rows = list(selectors.registrations_counts_by_slot())
        index_url = reverse(self.get_url_name("index"))
        for row in rows:
            row["list_url"] = f"{index_url}?slot_key={row['slot_key']}"
            row["export_url"] = f"{index_url}?slot_key={row['slot_key']}&export=csv"
        return TemplateResponse(
            request,
            "home/admin/registrations_overview.html",
            {"rows": rows, "index_url": index_url, "header_icon": self.icon},
        )

    def _act(self, request, pk, service, done_message):
        self._require(request, "change")
        registration = get_object_or_404(Registration, pk=pk)
        try:
            service(registration=registration)
        except services.RegistrationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, done_message % {"name": registration.name})
        return redirect(request.POST.get("next") or reverse(self.get_url_name("index")))

    @property
    def promote_view(self):
        return require_POST(
            lambda request, pk: self._act(
                request, pk, services.registration_promote, _("%(name)s is now confirmed.")
            )
        )

    @property
    def cancel_view(self):
        def cancel(*, registration):
            services.registration_cancel(registration=registration)

        return require_POST(
            lambda request, pk: self._act(
                request, pk, cancel, _("The registration of %(name)s is cancelled.")
            )
        )
