"""What a user does to one item besides editing it: the moderation steps, importing a
transcript, placing a photo from its GPS position, and erasing it."""

from urllib.parse import urlencode

from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView

from wagtail.admin import messages
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views import generic
from wagtail.images import get_image_model

from archive import erasure, services
from archive.forms import EraseForm, PhotoChoiceForm, RejectForm, TranscriptForm
from archive.models import ArchiveItem
from archive.permissions import item_policy, items_in_reach
from archive.selectors import item_image_ids

Kind = ArchiveItem.Kind
Status = ArchiveItem.Status


def action_menu_items(item, user, *, next_url=""):
    """The links to the actions below that this user may follow for this item."""
    policy = item_policy()
    query = "?" + urlencode({"next": next_url}) if next_url else ""
    labels = {
        "submit": (gettext_lazy("Submit for review"), "resubmit"),
        "publish": (gettext_lazy("Publish"), "upload"),
        "reject": (gettext_lazy("Reject"), "cross"),
        "withdraw": (gettext_lazy("Withdraw"), "undo"),
    }
    items = []
    for priority, (action, (label, icon)) in enumerate(labels.items(), start=40):
        if services.item_transition_allowed(
            item=item, action=action
        ) and policy.user_has_permission_for_instance(user, action, item):
            url = reverse(f"archive_items:{action}", args=[quote(item.pk)]) + query
            items.append(MenuItem(label, url, icon_name=icon, priority=priority))
    may_change = policy.user_has_permission_for_instance(user, "change", item)
    others = (
        (
            item.kind == Kind.ORAL_HISTORY and may_change,
            gettext_lazy("Import transcript"),
            "transcript",
            "doc-full",
        ),
        (
            item.kind == Kind.PHOTO and may_change,
            gettext_lazy("Place from a photo"),
            "place_from_photo",
            "site",
        ),
        (
            policy.user_has_permission_for_instance(user, "erase", item),
            gettext_lazy("Erase"),
            "erase",
            "bin",
        ),
    )
    for priority, (offered, label, name, icon) in enumerate(others, start=60):
        if offered:
            url = reverse(f"archive_items:{name}", args=[quote(item.pk)])
            items.append(MenuItem(label, url, icon_name=icon, priority=priority))
    return items


class ItemObjectViewMixin(generic.WagtailAdminTemplateMixin):
    """An item the user can reach (404 otherwise) and may `permission` (403 otherwise)."""

    permission = "change"
    header_icon = "doc-full"
    edit_url_name = None
    index_url_name = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(items_in_reach(request.user), pk=kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        policy = item_policy()
        if not policy.user_has_permission_for_instance(request.user, self.permission, self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.object)

    def get_edit_url(self):
        return reverse(self.edit_url_name, args=[quote(self.object.pk)])

    def get_success_url(self):
        return get_valid_next_url_from_request(self.request) or self.get_edit_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            item=self.object,
            edit_url=self.get_edit_url(),
            next_url=get_valid_next_url_from_request(self.request),
        )
        return context


class ModerationView(ItemObjectViewMixin, FormView):
    """GET: confirm (with the reason form for a rejection); POST: the moderation step."""

    template_name = "archive/admin/confirm_action.html"
    action = None

    TEXTS = {
        "submit": (
            gettext_lazy("Submit for review"),
            gettext_lazy(
                "Submit “%(item)s” for review? A moderator checks it before it appears on "
                "the public site."
            ),
            gettext_lazy("“%(item)s” was submitted for review."),
        ),
        "publish": (
            gettext_lazy("Publish"),
            gettext_lazy(
                "Publish “%(item)s”? It appears on the public site as its access level "
                "allows, and its contributor gets an email."
            ),
            gettext_lazy("“%(item)s” is published."),
        ),
        "reject": (
            gettext_lazy("Reject"),
            gettext_lazy("Reject “%(item)s”? The contributor gets your reason by email."),
            gettext_lazy("“%(item)s” was rejected; its contributor has been told why."),
        ),
        "withdraw": (
            gettext_lazy("Withdraw"),
            gettext_lazy("Withdraw “%(item)s”? It leaves the review queue or the public site."),
            gettext_lazy("“%(item)s” was withdrawn."),
        ),
    }

    @property
    def permission(self):
        return self.action

    def get_page_title(self):
        return self.TEXTS[self.action][0]

    def get_form_class(self):
        return RejectForm if self.action == "reject" else forms.Form

    STEPS = {
        "submit": services.item_submit,
        "publish": services.item_publish,
        "reject": services.item_reject,
        "withdraw": services.item_withdraw,
    }

    def form_valid(self, form):
        reason = {"reason": form.cleaned_data["reason"]} if self.action == "reject" else {}
        try:
            self.STEPS[self.action](item=self.object, user=self.request.user, **reason)
        except services.ArchiveError as error:
            if self.action == "reject" and error.code == "reason_required":
                form.add_error("reason", error.messages)
                return self.form_invalid(form)
            messages.error(self.request, " ".join(error.messages))
        else:
            messages.success(self.request, self.TEXTS[self.action][2] % {"item": self.object})
        return redirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        title, question, _done = self.TEXTS[self.action]
        context.update(
            question=question % {"item": self.object},
            button_label=title,
            allowed=services.item_transition_allowed(item=self.object, action=self.action),
            serious=self.action in ("reject", "withdraw"),
        )
        return context


class TranscriptImportView(ItemObjectViewMixin, FormView):
    template_name = "archive/admin/transcript_import.html"
    form_class = TranscriptForm
    page_title = gettext_lazy("Import transcript")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if self.object.kind != Kind.ORAL_HISTORY:
            raise Http404

    def form_valid(self, form):
        # Read one byte past the limit so that the parser can say the file is too large,
        # without ever holding more than that in memory.
        data = form.cleaned_data["file"].read(services.TRANSCRIPT_MAX_BYTES + 1)
        try:
            count = services.item_transcript_import(
                item=self.object, data=data, user=self.request.user
            )
        except services.ArchiveError as error:
            form.add_error("file", error.messages)
            return self.form_invalid(form)
        messages.success(
            self.request,
            ngettext(
                "%(count)d transcript segment imported.",
                "%(count)d transcript segments imported.",
                count,
            )
            % {"count": count},
        )
        return redirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["segment_count"] = self.object.segments.count()
        context["segments"] = self.object.segments.all()[:5]
        return context


class PlaceFromPhotoView(ItemObjectViewMixin, FormView):
    """Lists the item's images with the GPS position each original records, and copies the
    chosen one to the item's place (archive.services.item_place_from_photo)."""

    template_name = "archive/admin/place_from_photo.html"
    form_class = PhotoChoiceForm
    page_title = gettext_lazy("Place from a photo")
    header_icon = "site"

    @cached_property
    def images(self):
        """The item's images (a GET reads them for the form and for the page)."""
        ids = item_image_ids(item_id=self.object.pk)
        return get_image_model().objects.filter(pk__in=ids).order_by("pk")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "images": self.images}

    def form_valid(self, form):
        image = form.cleaned_data["image"]
        was_published = self.object.status == Status.PUBLISHED
        try:
            latitude, longitude = services.item_place_from_photo(
                item=self.object, image=image, user=self.request.user
            )
        except services.ArchiveError as error:
            messages.error(self.request, " ".join(error.messages))
            return self.form_invalid(form)
        message = _(
            "The item's place is now latitude %(latitude)s, longitude %(longitude)s, "
            "as recorded in “%(image)s”."
        ) % {"latitude": latitude, "longitude": longitude, "image": image.title}
        if was_published and self.object.status == Status.SUBMITTED:
            message += " " + _("The item went back for review.")
        messages.success(self.request, message)
        return redirect(self.get_success_url())

    def form_invalid(self, form):
        if "image" in form.errors:
            messages.error(self.request, _("Choose one of the item's images."))
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        photos = []
        for image in self.images:
            try:
                position, problem = services.image_gps_position(image=image), ""
            except services.ArchiveError as error:
                position, problem = None, " ".join(error.messages)
            photos.append({"image": image, "position": position, "problem": problem})
        context["photos"] = photos
        return context


class EraseView(ItemObjectViewMixin, FormView):
    """Moderators only: says what erasing the item removes and keeps, asks for a reason, then
    erases it (archive.erasure.item_erase). Contributors are refused, even for their own
    institution's items; items out of reach are a 404 as everywhere."""

    template_name = "archive/admin/erase_confirm.html"
    form_class = EraseForm
    page_title = gettext_lazy("Erase")
    header_icon = "bin"

    permission = "erase"

    def form_valid(self, form):
        try:
            plan = erasure.item_erase(
                item=self.object, user=self.request.user, reason=form.cleaned_data["reason"]
            )
        except services.ArchiveError as error:
            if error.code == "reason_required":
                form.add_error("reason", error.messages)
                return self.form_invalid(form)
            messages.error(self.request, " ".join(error.messages))
            return redirect(self.index_url_name)
        removed = [_("“%(item)s” was erased.") % {"item": self.object}]
        if plan.images:
            removed.append(
                ngettext(
                    "%(count)d original image removed.",
                    "%(count)d original images removed.",
                    len(plan.images),
                )
                % {"count": len(plan.images)}
            )
        if plan.media:
            removed.append(
                ngettext(
                    "%(count)d stored file removed.",
                    "%(count)d stored files removed.",
                    len(plan.media),
                )
                % {"count": len(plan.media)}
            )
        messages.success(self.request, " ".join(removed))
        return redirect(self.index_url_name)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            plan=erasure.item_erasure_plan(item=self.object),
            segment_count=self.object.segments.count(),
        )
        return context
