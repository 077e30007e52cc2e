"""The bulk import in the Wagtail admin: upload a CSV file (and a ZIP of media), read the report
of a dry run, confirm. Registered in archive/wagtail_hooks.py ("Archive › Import").

Contributors import into their own institution; moderators pick one. The uploaded files wait
between the report and the confirmation in the default storage, under `imports/<random>/`, with
fixed names (`data.csv`, `media.zip`): what the browser sends back is only a signed token that
names the folder, the user, the institution and the status, and expires after
ARCHIVE_IMPORT_UPLOAD_MAX_AGE seconds (an hour by default). The files are deleted on confirm,
on cancel, when the report finds errors, and, for uploads never confirmed, by the next upload
after they expire. Every refusal is a message on the page, never a server error.

The report's checkboxes confirm the updates the import only suggests (archive.importing,
"Matching"); each carries its row and the identifier shown, so a confirmation never applies to
another item than the one the person saw. A confirmed import leaves one file behind for the
same lifetime: the CSV file with every row's identifier (`identifiers.csv`), downloaded from
the report with the same kind of signed token.
"""

from __future__ import annotations

import logging
import os
import posixpath
import shutil
import tempfile
import uuid
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from datetime import timedelta

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView, View

from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from archive.importing import (
    COLUMNS,
    Accepted,
    ImportRefused,
    ImportReport,
    NoMedia,
    ZipMedia,
    csv_with_identifiers,
    import_items,
    max_csv_bytes,
)
from archive.models import ArchiveItem, Institution
from archive.services import Actor
from archive.storage import open_stream  # a GET's body read in chunks, never whole

Status = ArchiveItem.Status

UPLOAD_PREFIX = "imports"
SIGNING_SALT = "archive.admin_import"
CSV_NAME = "data.csv"
MEDIA_NAME = "media.zip"
IDENTIFIERS_NAME = "identifiers.csv"
DEFAULT_UPLOAD_MAX_AGE = 60 * 60
DEFAULT_MAX_ZIP_UPLOAD_BYTES = 4 * 1024**3
COPY_CHUNK = 1024**2
logger = logging.getLogger(__name__)
# Rows of the report's tables (outcomes, problems); the counts above them cover every row.
SHOWN_ROWS = 500


def upload_max_age() -> int:
    return getattr(settings, "ARCHIVE_IMPORT_UPLOAD_MAX_AGE", DEFAULT_UPLOAD_MAX_AGE)


def max_zip_upload_bytes() -> int:
    return getattr(settings, "ARCHIVE_IMPORT_MAX_ZIP_UPLOAD_BYTES", DEFAULT_MAX_ZIP_UPLOAD_BYTES)


def _actor(request) -> Actor:
    actor = Actor.of_request_user(request.user)
    if not actor.works_on_archive:
        raise PermissionDenied(_("Only contributors and moderators can import archive items."))
    return actor


# --- Files waiting for confirmation ------------------------------------------------------------


class StagedImportGone(Exception):
    """The token is expired, forged, another user's, or its files are gone."""


@dataclass(frozen=True)
class StagedImport:
    """An upload waiting between its report and its confirmation."""

    key: str  # hex of a random UUID: the folder under UPLOAD_PREFIX
    user_id: int
    institution_id: int
    status: str
    csv_name: str  # the uploaded file's name, shown to the user and in the log only
    has_media: bool

    @property
    def folder(self) -> str:
        return f"{UPLOAD_PREFIX}/{self.key}"

    @property
    def csv_path(self) -> str:
        return f"{self.folder}/{CSV_NAME}"

    @property
    def media_path(self) -> str:
        return f"{self.folder}/{MEDIA_NAME}"

    @property
    def identifiers_path(self) -> str:
        return f"{self.folder}/{IDENTIFIERS_NAME}"

    @property
    def identifiers_download_name(self) -> str:
        stem = posixpath.splitext(posixpath.basename(self.csv_name))[0] or "import"
        return f"{stem}-identifiers.csv"

    @property
    def token(self) -> str:
        return signing.dumps(asdict(self), salt=SIGNING_SALT, compress=True)


def staged_import_create(
    *, user, institution: Institution, status: str, csv_file, media_file
) -> StagedImport:
    """Keep the uploaded files in the default storage until the import is confirmed."""
    staged = StagedImport(
        key=uuid.uuid4().hex,
        user_id=user.pk,
        institution_id=institution.pk,
        status=status,
        csv_name=(csv_file.name or CSV_NAME)[-100:],
        has_media=media_file is not None,
    )
    saved = default_storage.save(staged.csv_path, csv_file)
    if saved != staged.csv_path:  # a fresh random folder: the storage never renames here
        default_storage.delete(saved)
        raise RuntimeError(f"Storage renamed {staged.csv_path} to {saved}")
    if media_file is not None:
        try:
            default_storage.save(staged.media_path, media_file)
        except BaseException:
            staged_import_delete(staged=staged)
            raise
    return staged


def staged_import_get(*, token: str, user, path: str = "csv_path") -> StagedImport:
    """The staged import a token names, if it is this user's, has not expired and still has
    the file `path` names (the uploaded CSV, or `identifiers_path` after the import)."""
    try:
        data = signing.loads(token or "", salt=SIGNING_SALT, max_age=upload_max_age())
        staged = StagedImport(**data)
        uuid.UUID(hex=staged.key)
    except (signing.BadSignature, TypeError, ValueError):
        raise StagedImportGone from None
    if staged.user_id != user.pk or not default_storage.exists(getattr(staged, path)):
        raise StagedImportGone
    return staged


def staged_import_delete(*, staged: StagedImport, keep_identifiers: bool = False) -> None:
    names = [staged.csv_path, staged.media_path]
    if not keep_identifiers:
        names.append(staged.identifiers_path)
    for name in names:
        with suppress(FileNotFoundError, OSError):
            default_storage.delete(name)
    # Local storage keeps the emptied folder (object stores have none, and no path()).
    with suppress(NotImplementedError, OSError):
        os.rmdir(default_storage.path(staged.folder))


def staged_imports_purge(*, older_than: timedelta | None = None) -> int:
    """Delete the staged imports (and kept identifier files) older than their tokens."""
    older_than = older_than or timedelta(seconds=upload_max_age())
    limit = timezone.now() - older_than
    try:
        folders, _files = default_storage.listdir(UPLOAD_PREFIX)
    except (FileNotFoundError, OSError):
        return 0
    removed = 0
    for folder in folders:
        try:
            key = uuid.UUID(hex=folder).hex
        except ValueError:
            continue
        staged = StagedImport(key, 0, 0, Status.DRAFT, "", has_media=True)
        present = [
            name
            for name in (staged.csv_path, staged.identifiers_path, staged.media_path)
            if default_storage.exists(name)
        ]
        if not present:
            continue  # an empty prefix some object stores keep listing for a while
        # The CSV file, or the identifiers file written by the import, dates the folder; a
        # ZIP alone is what a failed upload left.
        dated = [name for name in present if name != staged.media_path]
        if dated and default_storage.get_modified_time(dated[0]) >= limit:
            continue
        staged_import_delete(staged=staged)
        removed += 1
    return removed


@contextmanager
def _seekable(name: str):
    """The stored file, open for reading with seeks, as ZipFile needs. Local storage opens it
    in place; an object store's copy is streamed to a temporary file first, because
    django-storages' S3 `open()` would hold the whole object in memory."""
    try:
        path = default_storage.path(name)
    except NotImplementedError:
        path = None
    if path is not None:
        with open(path, "rb") as fileobj:
            yield fileobj
        return
    with tempfile.TemporaryFile() as local:
        with open_stream(default_storage, name) as stream:
            shutil.copyfileobj(stream, local, COPY_CHUNK)
        local.seek(0)
        yield local


@contextmanager
def _staged_media(staged: StagedImport):
    if not staged.has_media:
        yield NoMedia()
        return
    with _seekable(staged.media_path) as fileobj:
        media = ZipMedia(fileobj)
        try:
            yield media
        finally:
            media.close()


def staged_import_run(
    *, staged: StagedImport, user, dry_run: bool, accepted: Accepted | None = None
) -> ImportReport:
    """Run the import (or its dry run) on the staged files. A saved import leaves the CSV
    file with every row's identifier beside them (`identifiers_path`)."""
    institution = Institution.objects.select_related("member").get(pk=staged.institution_id)
    with default_storage.open(staged.csv_path, "rb") as fileobj:
        data = fileobj.read(max_csv_bytes() + 1)
    with _staged_media(staged) as media:
        report = import_items(
            csv_data=data,
            media=media,
            institution=institution,
            user=user,
            dry_run=dry_run,
            status=staged.status,
            source_name=staged.csv_name,
            accepted=accepted,
        )
    if report.saved:
        default_storage.save(
            staged.identifiers_path,
            ContentFile(csv_with_identifiers(csv_data=data, report=report)),
        )
    return report


def accepted_from(data) -> Accepted:
    """The suggested updates ticked in the report: `accept` values are "ROW:IDENTIFIER"."""
    rows = {}
    for value in data.getlist("accept"):
        row, _sep, identifier = value.partition(":")
        if row.isdigit() and identifier:
            rows[int(row)] = identifier
    return Accepted(rows=rows)


# --- Form ------------------------------------------------------------------------------------


class ImportForm(forms.Form):
    csv_file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "One row per item, UTF-8, separated by commas or semicolons (“CSV UTF-8” in "
            "spreadsheets). The columns are listed below."
        ),
    )
    media_file = forms.FileField(
        label=gettext_lazy("Media (ZIP)"),
        required=False,
        help_text=gettext_lazy(
            "A ZIP archive of the photos, recordings and transcripts that the CSV file names."
        ),
    )
    institution = forms.ModelChoiceField(
        label=gettext_lazy("Institution"),
        queryset=Institution.objects.select_related("member"),
        help_text=gettext_lazy("The institution the items belong to."),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("New items are"),
        choices=[
            (Status.DRAFT, gettext_lazy("Drafts")),
            (Status.SUBMITTED, gettext_lazy("Submitted for review")),
            (Status.PUBLISHED, gettext_lazy("Published")),
        ],
        initial=Status.DRAFT,
        help_text=gettext_lazy(
            "Submitted and published items need complete rows: a photo's images, an "
            "interview's recording or transcript and its consent."
        ),
    )

    def __init__(self, *args, actor: Actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        if not actor.is_moderator:
            # Contributors import into their own institution, whatever a request says.
            del self.fields["institution"]
            self.fields["status"].choices = self.fields["status"].choices[:2]

    def clean_csv_file(self):
        upload = self.cleaned_data["csv_file"]
        if upload.size > max_csv_bytes():
            raise forms.ValidationError(
                _("The CSV file is too large (%(size)s); the limit is %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_csv_bytes())}
            )
        return upload

    def clean_media_file(self):
        upload = self.cleaned_data.get("media_file")
        if upload is None:
            return None
        if upload.size > max_zip_upload_bytes():
            raise forms.ValidationError(
                _("The ZIP archive is too large (%(size)s); the limit is %(limit)s.")
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(max_zip_upload_bytes()),
                }
            )
        head = upload.read(4)
        upload.seek(0)
        if head[:2] != b"PK":
            raise forms.ValidationError(_("The media file is not a ZIP archive."))
        return upload

    def get_institution(self) -> Institution:
        if self.actor.is_moderator:
            return self.cleaned_data["institution"]
        return Institution.objects.select_related("member").get(pk=self.actor.institution_id)


# --- Views -------------------------------------------------------------------------------------


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


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        # Drawn on every admin page: the request's actor, computed once.
        return Actor.of_request_user(request.user).works_on_archive


class ImportViewSet(ViewSet):
    """Archive › Import."""

    name = "archive_import"
    url_prefix = "archive/import"
    icon = "upload"
    menu_label = gettext_lazy("Import")
    menu_name = "archive-import"
    menu_item_class = ImportMenuItem

    def get_urlpatterns(self):
        return [
            path("", ImportView.as_view(), name="index"),
            path("confirm/", ConfirmView.as_view(), name="confirm"),
            path("identifiers/", IdentifiersView.as_view(), name="identifiers"),
        ]
