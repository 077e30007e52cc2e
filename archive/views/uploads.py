"""The admin side of direct uploads (archive/uploads.py): a page to upload recordings and
videos, and the endpoints the browser's script calls (start, receive for local storage,
complete). Each checks that the user works on the archive and leaves the institution and the
token to archive.uploads; answers are JSON, and refusals a message, never a server error.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.http import HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from archive import uploads
from archive.forms import UploadStartForm
from archive.models import Institution, MediaFile
from archive.permissions import archive_actor
from archive.services import Actor
from archive.widgets import kind_options, upload_urls

# Room for the multipart envelope around the file (boundaries, part headers, a CSRF field)
# when a local upload's Content-Length is compared with the declared size.
MULTIPART_OVERHEAD = 64 * 1024
RECENT_UPLOADS = 20


def _actor(request) -> Actor:
    return archive_actor(
        request.user, refusal=_("Only contributors and moderators can upload archive files.")
    )


def _error(message, status=400, code="") -> JsonResponse:
    return JsonResponse({"error": str(message), "code": code}, status=status)


def _forbidden(error: PermissionDenied) -> JsonResponse:
    return _error(str(error) or _("You cannot upload files for this institution."), 403, "denied")


def _message(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


class UploadPageView(WagtailAdminTemplateMixin, TemplateView):
    """Upload recordings and videos (uploads.KINDS); lists the latest uploads. The page sends
    photos to the image library, where items choose them."""

    template_name = "archive/admin/upload.html"
    page_title = gettext_lazy("Upload archive files")
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        self.actor = _actor(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        recent = MediaFile.objects.select_related("institution").order_by("-created_at", "-pk")
        if self.actor.is_moderator:
            institutions = list(Institution.objects.select_related("member"))
        else:
            recent = recent.filter(institution_id=self.actor.institution_id)
            institutions = []
        context.update(
            upload={"kinds": kind_options(uploads.KINDS), **upload_urls()},
            institutions=institutions,
            recent=recent[:RECENT_UPLOADS],
            next_url=self.request.GET.get("next", ""),
        )
        return context


@require_POST
def upload_start_view(request):
    """Where to send a file: JSON with the URL, the form fields and the token."""
    try:
        actor = _actor(request)
        form = UploadStartForm(request.POST)
        if not form.is_valid():
            if "size" in form.errors:
                return _error(_("The file is empty."), code="empty")
            if "kind" in form.errors:
                return _error(_("Choose what the file is."), code="kind")
            return _error(_("Choose a file to upload."), code="invalid")
        institution = form.cleaned_data["institution"]
        if institution is None:
            if actor.is_moderator and not actor.is_contributor:
                return _error(_("Choose the institution the file belongs to."), code="institution")
            institution = Institution.objects.get(pk=actor.institution_id)
        start = uploads.upload_start(
            user=request.user,
            institution=institution,
            kind=form.cleaned_data["kind"],
            size=form.cleaned_data["size"],
            name=form.cleaned_data["name"],
        )
    except PermissionDenied as error:
        return _forbidden(error)
    except ValidationError as error:
        return _error(_message(error), code=getattr(error, "code", "") or "")
    return JsonResponse(start.as_json())


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Writes the uploaded file to a temporary file on disk, whatever its size (Django would
    keep files under FILE_UPLOAD_MAX_MEMORY_SIZE in memory), and stops as soon as it grows
    past `max_bytes`: nothing bigger than the ticket allows ever reaches the disk."""

    def __init__(self, request, *, max_bytes: int):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.exceeded = True
            self.file.close()
            # The rest of the body (bounded by the Content-Length check) is read and dropped.
            raise StopUpload(connection_reset=False)
        return super().receive_data_chunk(raw_data, start)


@csrf_exempt
def upload_receive_view(request, token):
    """Local storage's stand-in for the presigned POST: the file, streamed to disk, then moved
    to storage under the ticket's key. Answers 204 like S3. The token in the URL is checked
    before a byte of the body is read. CSRF is checked after the upload handlers are in
    place, since checking it reads the body (hence `csrf_exempt` outside, `csrf_protect`
    inside)."""
    if request.method != "POST":
        return _error(_("Send the file with POST."), 405)
    try:
        _actor(request)
        ticket = uploads.upload_ticket(token=token, user=request.user, for_receiving=True)
    except PermissionDenied as error:
        return _forbidden(error)
    except ValidationError as error:
        return _error(_message(error), code=getattr(error, "code", "") or "")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > ticket.size + MULTIPART_OVERHEAD:
        return _error(uploads.too_large_message(ticket), 413, code="too_large")
    handler = LimitedTemporaryFileUploadHandler(request, max_bytes=ticket.size)
    request.upload_handlers = [handler]
    return _receive(request, ticket, handler)


@csrf_protect
def _receive(request, ticket, handler):
    upload = request.FILES.get("file")
    try:
        if handler.exceeded:
            return _error(uploads.too_large_message(ticket), 413, code="too_large")
        if upload is None:
            return _error(_("The file did not arrive. Send it again."), code="missing")
        uploads.upload_receive(ticket=ticket, fileobj=upload)
    except ValidationError as error:
        return _error(_message(error), code=getattr(error, "code", "") or "")
    finally:
        if upload is not None:
            upload.close()
    return HttpResponse(status=204)


@require_POST
def upload_complete_view(request):
    """Check the uploaded file and add it: JSON describing the new file, and a warning with
    links when the institution already had the same content."""
    try:
        _actor(request)
        result = uploads.upload_complete(user=request.user, token=request.POST.get("token", ""))
    except PermissionDenied as error:
        return _forbidden(error)
    except ValidationError as error:
        return _error(_message(error), code=getattr(error, "code", "") or "")
    media = result.media
    body = {
        "media": {
            "id": media.pk,
            "label": str(media),
            "kind": media.kind,
            "kind_label": media.get_kind_display(),
            "mime": media.mime,
            "size": media.size,
            "size_label": filesizeformat(media.size),
            "sha256": media.sha256,
        },
        "message": _("“%(name)s” was checked and added (%(kind)s, %(size)s).")
        % {"name": media, "kind": media.get_kind_display(), "size": filesizeformat(media.size)},
        "warning": None,
    }
    if result.is_duplicate:
        body["warning"] = _duplicate_warning(result)
    return JsonResponse(body)


def _duplicate_warning(result: uploads.UploadResult) -> dict:
    earlier = result.same_content[0]
    if result.used_by:
        message = _(
            "The institution already has this very file (uploaded on %(date)s). It is used by:"
        )
    else:
        message = _(
            "The institution already has this very file (uploaded on %(date)s as “%(name)s”); "
            "no item uses it yet."
        )
    return {
        "message": message
        % {"date": timezone.localdate(earlier.created_at).isoformat(), "name": earlier},
        "items": [
            {"label": str(item), "url": reverse("archive_items:edit", args=[item.pk])}
            for item in result.used_by
        ],
    }
