"""The recording picker of the item form, with the direct upload control beside it (the
browser side is site/static/js/archive-upload.js; the endpoints, archive/views/uploads.py)."""

from django import forms
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from archive.formats import MediaKind, accepted_extensions
from archive.validation import max_upload_bytes


def kind_options(kinds) -> list[dict]:
    """What the upload controls offer for each kind: label, limit and accepted extensions."""
    return [
        {
            "value": MediaKind(kind).value,
            "label": MediaKind(kind).label,
            "limit": filesizeformat(max_upload_bytes(kind=kind)),
            "accept": ",".join(f".{ext}" for ext in accepted_extensions(kind=kind)),
        }
        for kind in kinds
    ]


def upload_urls() -> dict[str, str]:
    return {
        "start_url": reverse("archive_uploads:start"),
        "complete_url": reverse("archive_uploads:complete"),
    }


class MediaUploadSelect(forms.Select):
    """The recording picker of the item form, with an upload control beside it: the file
    goes to storage (with a progress bar), is checked, and becomes the picker's choice. The
    institution is the item's (the form's institution field for moderators)."""

    template_name = "archive/admin/upload_widget.html"

    def __init__(self, *, kinds, attrs=None, choices=()):
        super().__init__(attrs, choices)
        self.kinds = tuple(kinds)

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.kinds = self.kinds
        return copy

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["upload"] = {"kinds": kind_options(self.kinds), **upload_urls()}
        return context

    @property
    def media(self):
        return forms.Media(js=["js/archive-upload.js"])
