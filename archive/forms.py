"""The archive's admin forms. Each form offers only what the user may use (their institution's
files, images and trades), so a forged id from another institution is a form error, not a leak."""

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taggit.utils import parse_tags
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput, AdminTagWidget
from wagtail.images import get_image_model
from wagtail.models import Locale
from wagtail.permissions import policy_registry

from archive import services
from archive.formats import MediaKind
from archive.importing import max_csv_bytes
from archive.models import ArchiveItem, Consent, Institution, MediaFile
from archive.selectors import items_with_inventory_numbers, trades_labelled
from archive.services import Actor
from archive.staged_imports import max_zip_upload_bytes

Status = ArchiveItem.Status


# --- Items ----------------------------------------------------------------------------------


class ArchiveItemForm(WagtailAdminModelForm):
    """The item form for one kind. Contributors never see the institution field (their own is
    set by the view); every image, recording and trade offered is one the user may use, so a
    forged id of another institution's file is a form error, not a leak."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = Actor.of_request_user(self.for_user) if self.for_user else None
        is_moderator = bool(self.actor and self.actor.is_moderator)
        if "institution" in self.fields:
            if is_moderator:
                self.fields["institution"].queryset = Institution.objects.select_related("member")
            else:
                del self.fields["institution"]
        if "trades" in self.fields:
            self._limit_trades(self.fields["trades"])
        institution_id = None if is_moderator else getattr(self.actor, "institution_id", None)
        if "media" in self.fields:
            self.fields["media"].queryset = self._media(
                institution_id, kinds=(MediaFile.Kind.AUDIO, MediaFile.Kind.VIDEO)
            )
        images = self._choosable_images()
        for name in ("images", "steps"):
            formset = self.formsets.get(name)
            for form in formset.forms if formset else ():
                if "image" in form.fields:
                    form.fields["image"].queryset = images
                if "media" in form.fields:
                    form.fields["media"].queryset = self._media(
                        institution_id, kinds=(MediaFile.Kind.VIDEO,)
                    )

    def _limit_trades(self, field):
        # Items link to the vocabulary's rows in the default locale; labels follow the
        # admin's language where a translation exists.
        current = Locale.get_active()
        field.queryset = (
            trades_labelled(locale_id=current.pk if current else None)
            .filter(locale=Locale.get_default())
            .select_related("parent")
            .order_by("label")
        )
        field.label_from_instance = lambda trade: trade.label
        field.widget = forms.CheckboxSelectMultiple()

    def _media(self, institution_id, *, kinds):
        media = MediaFile.objects.filter(kind__in=kinds)
        if institution_id is not None:
            return media.filter(institution_id=institution_id)
        if self.actor and self.actor.is_moderator:
            return media
        return media.none()

    def _choosable_images(self):
        model = get_image_model()
        if not self.for_user:
            return model.objects.none()
        return policy_registry.get_by_type(model).instances_user_has_any_permission_for(
            self.for_user, ["choose"]
        )

    def clean(self):
        cleaned = super().clean()
        institution = cleaned.get("institution") or (
            self.instance.institution if self.instance.institution_id else None
        )
        media = cleaned.get("media")
        if media and institution and media.institution_id != institution.pk:
            self.add_error("media", _("This recording belongs to another institution."))
        number = cleaned.get("inventory_number")
        if number and institution:
            # Contributors have no institution field, so the model's constraint is not
            # checked by the form: asked here, with the item that holds the number.
            holder = (
                items_with_inventory_numbers(institution_id=institution.pk, numbers=[number])
                .exclude(pk=self.instance.pk)
                .first()
            )
            if holder is not None:
                self.add_error(
                    "inventory_number",
                    _("%(identifier)s already has this inventory number.")
                    % {"identifier": holder.identifier},
                )
        return cleaned


class OralHistoryForm(ArchiveItemForm):
    """Adds the narrator's consent, stored in its own row (archive.models.Consent)."""

    consent_date = forms.DateField(
        label=gettext_lazy("consent date"),
        required=False,
        widget=AdminDateInput,
        help_text=gettext_lazy("When the narrator signed or recorded consent."),
    )
    consent_scope = forms.ChoiceField(
        label=gettext_lazy("scope"),
        required=False,
        choices=[("", "---------"), *Consent.Scope.choices],
        help_text=gettext_lazy("Public web, or research only (never shown publicly)."),
    )
    consent_embargo_until = forms.DateField(
        label=gettext_lazy("embargo until"),
        required=False,
        widget=AdminDateInput,
        help_text=gettext_lazy("Not shown publicly before this date, whatever the scope."),
    )
    consent_withdrawn_at = forms.DateTimeField(
        label=gettext_lazy("consent withdrawn at"),
        required=False,
        widget=AdminDateTimeInput,
        help_text=gettext_lazy(
            "When the narrator withdrew consent: the interview leaves the public site."
        ),
    )
    consent_notes = forms.CharField(
        label=gettext_lazy("consent notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Where the signed form is kept, conditions…"),
    )

    CONSENT_FIELDS = {
        "consent_date": "consent_date",
        "consent_scope": "scope",
        "consent_embargo_until": "embargo_until",
        "consent_withdrawn_at": "withdrawn_at",
        "consent_notes": "notes",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        consent = Consent.objects.filter(item_id=self.instance.pk).first()
        if consent:
            for name, attribute in self.CONSENT_FIELDS.items():
                self.initial.setdefault(name, getattr(consent, attribute))

    def clean(self):
        cleaned = super().clean()
        given = any(cleaned.get(name) for name in self.CONSENT_FIELDS)
        if given:
            for name in ("consent_date", "consent_scope"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("Needed to record the consent."))
        return cleaned

    @property
    def consent_changed(self) -> bool:
        return any(name in self.changed_data for name in self.CONSENT_FIELDS)

    def consent_values(self) -> dict | None:
        if not self.cleaned_data.get("consent_date"):
            return None
        return {
            attribute: self.cleaned_data.get(name) or ("" if attribute == "notes" else None)
            for name, attribute in self.CONSENT_FIELDS.items()
        }


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "Sent to the contributor by email: say what to change for the item to be accepted."
        ),
    )


class TranscriptForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Transcript file"),
        help_text=gettext_lazy(
            "WebVTT, SRT, or plain text in speaker turns (a line such as “Speaker #1” or "
            "“Name:” before each turn). It replaces the current transcript."
        ),
    )


class PhotoChoiceForm(forms.Form):
    """The image whose position to copy, among the item's own images only: a forged id of
    another item's image is a form error."""

    image = forms.ModelChoiceField(queryset=get_image_model().objects.none())

    def __init__(self, *args, images, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image"].queryset = images


class EraseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Why the item is erased (a request from the rights holder, a narrator withdrawing "
            "consent…). Kept in the audit log with the list of what was removed."
        ),
    )


class TagsForm(forms.Form):
    tags = forms.CharField(
        label=gettext_lazy("Tags"),
        widget=AdminTagWidget,
        help_text=gettext_lazy("Added to the tags each item already has."),
    )

    def clean_tags(self):
        try:
            names = services.tags_clean(tags=parse_tags(self.cleaned_data["tags"]))
        except services.ArchiveError as error:
            raise forms.ValidationError(error.messages) from error
        if not names:
            raise forms.ValidationError(_("Give at least one tag."))
        return names


# --- Bulk import and uploads ------------------------------------------------------------


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


class UploadStartForm(forms.Form):
    kind = forms.ChoiceField(choices=MediaKind.choices)
    size = forms.IntegerField(min_value=1)
    name = forms.CharField(max_length=1000)
    institution = forms.ModelChoiceField(queryset=Institution.objects.all(), required=False)
