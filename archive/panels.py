"""The item form's panels: the fields every item has, then those of its kind. The admin views
pick the edit handler of the item's kind from EDIT_HANDLERS."""

from django.utils.translation import gettext_lazy

from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)

from archive.forms import ArchiveItemForm, OralHistoryForm
from archive.models import ArchiveItem, MediaFile
from archive.widgets import MediaUploadSelect

Kind = ArchiveItem.Kind


COMMON_PANELS = [
    MultiFieldPanel(
        [
            FieldPanel("institution"),
            FieldPanel("inventory_number"),
            FieldPanel("title"),
            FieldPanel("summary"),
            FieldPanel("description"),
        ],
        heading=gettext_lazy("Description"),
    ),
    MultiFieldPanel(
        [FieldPanel("trades"), FieldPanel("tags")], heading=gettext_lazy("Trades and tags")
    ),
    MultiFieldPanel(
        [
            FieldPanel("place_name"),
            FieldRowPanel([FieldPanel("commune"), FieldPanel("region"), FieldPanel("country")]),
            FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            FieldRowPanel([FieldPanel("geonames_id"), FieldPanel("wikidata_id")]),
        ],
        heading=gettext_lazy("Place"),
    ),
    MultiFieldPanel(
        [
            FieldPanel("date"),
            FieldRowPanel([FieldPanel("year_from"), FieldPanel("year_to")]),
            FieldPanel("date_approximate"),
        ],
        heading=gettext_lazy("Date"),
        help_text=gettext_lazy("An exact date, or a period of years."),
    ),
    MultiFieldPanel(
        [FieldPanel("rights"), FieldPanel("credit_line"), FieldPanel("access")],
        heading=gettext_lazy("Rights and access"),
    ),
]

KIND_PANELS = {
    Kind.PHOTO: [
        InlinePanel(
            "images",
            heading=gettext_lazy("Images"),
            label=gettext_lazy("Image"),
            panels=[FieldPanel("image"), FieldPanel("caption")],
            help_text=gettext_lazy("At least one image is needed to submit a photo."),
        ),
    ],
    Kind.ORAL_HISTORY: [
        MultiFieldPanel(
            [
                # The picker comes with an upload control (archive/widgets.py).
                FieldPanel(
                    "media",
                    widget=MediaUploadSelect(kinds=(MediaFile.Kind.AUDIO, MediaFile.Kind.VIDEO)),
                ),
                FieldRowPanel([FieldPanel("narrators"), FieldPanel("interviewers")]),
                FieldRowPanel([FieldPanel("recording_date"), FieldPanel("recording_place")]),
                FieldPanel("language"),
            ],
            heading=gettext_lazy("Interview"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("consent_date"), FieldPanel("consent_scope")]),
                FieldRowPanel(
                    [FieldPanel("consent_embargo_until"), FieldPanel("consent_withdrawn_at")]
                ),
                FieldPanel("consent_notes"),
            ],
            heading=gettext_lazy("Narrator's consent"),
            help_text=gettext_lazy(
                "Needed before submitting. The transcript is imported from the item's menu."
            ),
        ),
    ],
    Kind.SAVOIR_FAIRE: [
        MultiFieldPanel(
            [FieldPanel("techniques"), FieldPanel("materials"), FieldPanel("tools")],
            heading=gettext_lazy("Savoir-faire"),
        ),
        InlinePanel(
            "steps",
            heading=gettext_lazy("Steps"),
            label=gettext_lazy("Step"),
            panels=[
                FieldPanel("text"),
                FieldPanel("image"),
                FieldPanel("media", widget=MediaUploadSelect(kinds=(MediaFile.Kind.VIDEO,))),
            ],
        ),
    ],
}

EDIT_HANDLERS = {
    kind: ObjectList(
        [*COMMON_PANELS, *KIND_PANELS[kind]],
        base_form_class=OralHistoryForm if kind == Kind.ORAL_HISTORY else ArchiveItemForm,
    ).bind_to_model(ArchiveItem)
    for kind in Kind.values
}
