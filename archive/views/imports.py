"""The bulk import in the Wagtail admin: upload a CSV file (and a ZIP of media), read the dry
run's report, confirm. The uploads wait in between as a staged import (archive/staged_imports.py),
deleted on confirm, on cancel, when the report finds errors, and once expired by the next upload.
Every refusal is a message on the page, never a server error.

The report's checkboxes confirm the updates the import only suggests; each carries its row and
the identifier shown, so a confirmation never applies to another item than the one seen.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView, View

from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from archive.forms import ImportForm
from archive.importing import COLUMNS, Accepted, ImportRefused, ImportReport
from archive.permissions import archive_actor
from archive.services import Actor
from archive.staged_imports import (
    StagedImport,
    StagedImportGone,
    staged_import_create,
    staged_import_delete,
    staged_import_get,
    staged_import_run,
    staged_imports_purge,
    upload_max_age,
)

logger = logging.getLogger(__name__)
# Rows of the report's tables (outcomes, problems); the counts above them cover every row.
SHOWN_ROWS = 500


def _actor(request) -> Actor:
    return archive_actor(
        request.user, refusal=_("Only contributors and moderators can import archive items.")
    )


def accepted_from(data) -> Accepted:
    """The suggested updates ticked in the report: `accept` values are "ROW:IDENTIFIER"."""
    rows = {}
    for value in data.getlist("accept"):
        row, _sep, identifier = value.partition(":")
        if row.isdigit() and identifier:
            rows[int(row)] = identifier
    return Accepted(rows=rows)


class ImportViewMixin(WagtailAdminTemplateMixin):
    header_icon = "upload"
    page_title = gettext_lazy("Import items")

    def dispatch(self, request, *args, **kwargs):
        self.actor = _actor(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("archive_items:index"), "label": _("Archive")},
            {"url": "", "label": self.page_title},
        ]

    def render_report(
        self,
        report: ImportReport,
        *,
        staged: StagedImport | None,
        done: StagedImport | None = None,
    ):
        """The report of a dry run (`staged`: it can be confirmed) or of a saved import
        (`done`: its CSV file with identifiers can be downloaded)."""
        suggestions = report.suggestions
        context = self.get_context_data(
            report=report,
            staged=staged,
            suggestions=suggestions[:SHOWN_ROWS],
            hidden_suggestions=max(len(suggestions) - SHOWN_ROWS, 0),
            download_url=(
                f"{reverse('archive_import:identifiers')}?{urlencode({'token': done.token})}"
                if done is not None
                else ""
            ),
            items_url=reverse("archive_items:index"),
            results=report.results[:SHOWN_ROWS],
            hidden_results=max(len(report.results) - SHOWN_ROWS, 0),
            errors=report.errors[:SHOWN_ROWS],
            hidden_errors=max(len(report.errors) - SHOWN_ROWS, 0),
            confirm_url=reverse("archive_import:confirm"),
            import_url=reverse("archive_import:index"),
        )
        return TemplateResponse(self.request, "archive/admin/import_report.html", context)


def _purge_quietly() -> None:
    """Uploads nobody confirmed go when the next import starts. Housekeeping only: a storage
    hiccup here is logged, and the import goes on."""
    try:
        staged_imports_purge()
    except Exception:
        logger.exception("Could not purge expired import uploads")


class ImportView(ImportViewMixin, FormView):
    """GET: the form and the columns; POST: stage the files, dry run, show the report."""

    template_name = "archive/admin/import.html"
    form_class = ImportForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "actor": self.actor}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = COLUMNS
        context["max_age_minutes"] = upload_max_age() // 60
        return context

    def form_valid(self, form):
        _purge_quietly()
        institution = form.get_institution()
        staged = staged_import_create(
            user=self.request.user,
            institution=institution,
            status=form.cleaned_data["status"],
            csv_file=form.cleaned_data["csv_file"],
            media_file=form.cleaned_data.get("media_file"),
        )
        try:
            report = staged_import_run(staged=staged, user=self.request.user, dry_run=True)
        except (ImportRefused, PermissionDenied) as error:
            staged_import_delete(staged=staged)
            media = isinstance(error, ImportRefused) and error.about == "media"
            form.add_error("media_file" if media else "csv_file", str(error))
            return self.form_invalid(form)
        if report.errors:
            # Nothing to confirm: the corrected file is uploaded again.
            staged_import_delete(staged=staged)
            staged = None
        return self.render_report(report, staged=staged)


class ConfirmView(ImportViewMixin, View):
    """POST with the token of a staged import: run it (or cancel it), then delete the files."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            staged = staged_import_get(token=request.POST.get("token", ""), user=request.user)
        except StagedImportGone:
            messages.error(
                request,
                _("This import has expired or is not yours. Upload the files again."),
            )
            return redirect("archive_import:index")
        if "cancel" in request.POST:
            staged_import_delete(staged=staged)
            messages.success(request, _("Import cancelled: nothing was saved."))
            return redirect("archive_import:index")
        try:
            report = staged_import_run(
                staged=staged,
                user=request.user,
                dry_run=False,
                accepted=accepted_from(request.POST),
            )
        except (ImportRefused, PermissionDenied) as error:
            staged_import_delete(staged=staged)
            messages.error(request, _("Nothing was saved: %(reason)s") % {"reason": error})
            return redirect("archive_import:index")
        except BaseException:
            staged_import_delete(staged=staged)
            raise
        staged_import_delete(staged=staged, keep_identifiers=report.saved)
        if report.errors:
            # The archive changed since the report (an identifier taken meanwhile...).
            return self.render_report(report, staged=None)
        messages.success(
            request,
            ngettext(
                "%(rows)d row imported: %(created)d new, %(updated)d updated, "
                "%(unchanged)d unchanged items.",
                "%(rows)d rows imported: %(created)d new, %(updated)d updated, "
                "%(unchanged)d unchanged items.",
                report.rows,
            )
            % {
                "rows": report.rows,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            },
        )
        return self.render_report(report, staged=None, done=staged)


class IdentifiersView(ImportViewMixin, View):
    """GET with the token of a confirmed import: its CSV file with every row's identifier."""

    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        try:
            staged = staged_import_get(
                token=request.GET.get("token", ""), user=request.user, path="identifiers_path"
            )
        except StagedImportGone:
            raise Http404(_("This file has expired or is not yours.")) from None
        return FileResponse(
            default_storage.open(staged.identifiers_path, "rb"),
            as_attachment=True,
            filename=staged.identifiers_download_name,
            content_type="text/csv; charset=utf-8",
        )
