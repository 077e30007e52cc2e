"""The contributor workspace in the Wagtail admin: archive items, their moderation, transcripts
and bulk tagging. Registered in archive/wagtail_hooks.py.

Isolation: every view reaches items through `ArchiveItemPermissionPolicy`, which starts from
`archive.selectors.items_editable_by` (a contributor's own institution, everything for
moderators) and asks `archive.services.Actor.may` about each action. An item outside the
user's reach is a 404 in every object view, the chooser and the bulk action; an action inside
their reach that their role does not allow (a contributor publishing, or deleting a submitted
item) raises PermissionDenied, which the Wagtail admin turns into its "permission denied"
redirect (a 403 for XHR). Writes go through archive.services, never straight to the model.
"""

from urllib.parse import urlencode

from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView

from taggit.utils import parse_tags
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import (
    BulkActionsCheckboxColumn,
    Column,
    DateColumn,
    StatusTagColumn,
)
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views import generic
from wagtail.admin.views.bulk_action import BulkAction
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.views.generic.history import ActionColumn, HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput, AdminTagWidget
from wagtail.images import get_image_model
from wagtail.models import Locale
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry

import django_filters

from archive import erasure, services
from archive.admin_uploads import MediaUploadSelect
from archive.models import (
    ArchiveItem,
    Consent,
    Institution,
    ItemImage,
    MediaFile,
    Trade,
)
from archive.selectors import (
    item_image_ids,
    items_editable_by,
    items_with_inventory_numbers,
    trades_labelled,
)

Kind = ArchiveItem.Kind
Status = ArchiveItem.Status

KIND_ICONS = {Kind.PHOTO: "image", Kind.ORAL_HISTORY: "media", Kind.SAVOIR_FAIRE: "cogs"}


# --- Permission policy ------------------------------------------------------------------


class ArchiveItemPermissionPolicy(ModelPermissionPolicy):
    """Django's model permissions (given by the contributor and moderator groups) decide
    which admin screens a user reaches; `services.Actor` decides which items and which
    moderation steps. Besides the model actions (add, change, delete, view) it knows submit,
    withdraw and tag (contributors and moderators) and publish and reject (moderators)."""

    ROLE_ACTIONS = frozenset({"submit", "withdraw", "tag"})

    def actor(self, user) -> services.Actor:
        # A listing asks once per row.
        return services.Actor.of_request_user(user)

    def user_has_permission(self, user, action):
        actor = self.actor(user)
        if not actor.works_on_archive:
            return False
        if action in services.MODERATOR_ACTIONS:
            return actor.is_moderator
        if action in self.ROLE_ACTIONS:
            return True
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and self.actor(user).may(instance, action)

    def instances_user_has_any_permission_for(self, user, actions):
        allowed = {action for action in actions if self.user_has_permission(user, action)}
        if not allowed:
            return self.model._default_manager.none()
        items = items_editable_by(user=user)
        if allowed == {"delete"} and not self.actor(user).is_moderator:
            return items.filter(status=Status.DRAFT)
        return items

    def instances_user_has_permission_for(self, user, action):
        return self.instances_user_has_any_permission_for(user, [action])


def _policy():
    return policy_registry.get_by_type(ArchiveItem)


def _scoped_items(request, action="change"):
    return _policy().instances_user_has_permission_for(request.user, action)


# --- Forms --------------------------------------------------------------------------------


class ArchiveItemForm(WagtailAdminModelForm):
    """The item form for one kind. Contributors never see the institution field (their own is
    set by the view); every image, recording and trade offered is one the user may use, so a
    forged id of another institution's file is a form error, not a leak."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = services.Actor.of_request_user(self.for_user) if self.for_user else None
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


# --- Panels, one edit handler per kind -------------------------------------------------------

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
                # The picker comes with an upload control (archive/admin_uploads.py).
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


# --- Listing ------------------------------------------------------------------------------


class ThumbnailColumn(Column):
    """The first image of the item, or an icon of its kind."""

    cell_template_name = "archive/admin/thumbnail_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        first = next(iter(instance.images.all()), None)
        context["image"] = first.image if first else None
        context["icon_name"] = KIND_ICONS.get(instance.kind, "doc-full")
        return context


class ArchiveItemFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Kind"), choices=Kind.choices)
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=Status.choices)
    trades = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Trade"),
        queryset=lambda request: Trade.objects.filter(locale=Locale.get_default()).order_by("name"),
    )
    institution = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Institution"),
        queryset=lambda request: Institution.objects.select_related("member"),
    )

    class Meta:
        model = ArchiveItem
        fields = ["kind", "status", "trades", "institution"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        # Contributors see one institution: the filter would only name the others.
        if request is None or not _policy().actor(request.user).is_moderator:
            self.filters.pop("institution", None)


def _action_menu_items(item, user, *, next_url=""):
    """The moderation and transcript links this user may follow for this item."""
    policy = _policy()
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
        (policy.actor(user).is_moderator, gettext_lazy("Erase"), "erase", "bin"),
    )
    for priority, (offered, label, name, icon) in enumerate(others, start=60):
        if offered:
            url = reverse(f"archive_items:{name}", args=[quote(item.pk)])
            items.append(MenuItem(label, url, icon_name=icon, priority=priority))
    return items


class ItemIndexView(generic.IndexView):
    def get_base_queryset(self):
        return (
            _scoped_items(self.request, "change")
            .select_related("institution__member")
            .prefetch_related(
                Prefetch(
                    "images",
                    queryset=ItemImage.objects.select_related("image")
                    .prefetch_related("image__renditions")
                    .order_by("sort_order"),
                )
            )
        )

    @cached_property
    def columns(self):
        is_moderator = _policy().actor(self.request.user).is_moderator
        columns = [
            BulkActionsCheckboxColumn("bulk_actions", obj_type="archiveitem"),
            ThumbnailColumn("thumbnail", label=_("Image")),
            self._get_title_column(
                "title",
                get_title_id=lambda item: f"archiveitem_{quote(item.pk)}_title",
            ),
            Column("identifier", label=_("Identifier"), sort_key="identifier"),
            Column("inventory_number", label=_("Inventory number"), sort_key="inventory_number"),
            Column("get_kind_display", label=_("Kind"), sort_key="kind"),
            StatusTagColumn(
                "get_status_display",
                label=_("Status"),
                sort_key="status",
                primary=lambda item: item.status == Status.PUBLISHED,
            ),
        ]
        if is_moderator:
            columns.append(Column("institution", label=_("Institution")))
        columns.append(DateColumn("updated_at", label=_("Changed"), sort_key="updated_at"))
        return columns

    def get_delete_url(self, instance):
        # Per item: contributors delete drafts only.
        if _policy().user_has_permission_for_instance(self.request.user, "delete", instance):
            return super().get_delete_url(instance)
        return None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        return [
            *buttons,
            *_action_menu_items(instance, self.request.user, next_url=self.request.path),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = dict(
            _scoped_items(self.request, "change")
            .order_by()
            .values_list("status")
            .annotate(count=Count("pk"))
        )
        index_url = reverse(self.index_url_name)
        context["status_counts"] = [
            {
                "status": status,
                "label": label,
                "count": counts.get(status, 0),
                "url": f"{index_url}?status={status}",
            }
            for status, label in Status.choices
        ]
        context["total_count"] = sum(counts.values())
        return context


# --- Create and edit ---------------------------------------------------------------------


class ItemFormMixin:
    """What the create and edit views share: the edit handler of the item's kind, saving
    through archive.services, the consent row and "save and submit"."""

    kind = None

    def get_panel(self):
        return EDIT_HANDLERS.get(self.kind)

    def get_form_class(self):
        return self.panel.get_form_class()

    @cached_property
    def actor(self):
        return _policy().actor(self.request.user)

    def save_item(self, item):
        if not self.actor.is_moderator:
            item.institution_id = self.actor.institution_id
        item = services.item_save(item=item, user=self.request.user)
        self.form.save_m2m()
        if isinstance(self.form, OralHistoryForm) and self.form.consent_changed:
            values = self.form.consent_values()
            if values:
                services.item_consent_set(item=item, user=self.request.user, **values)
        return item

    def submit_if_asked(self, item):
        if self.action != "submit":
            return
        try:
            services.item_submit(item=item, user=self.request.user)
        except services.ArchiveError as error:
            messages.warning(
                self.request,
                _("Saved, but not submitted: %(reasons)s") % {"reasons": " ".join(error.messages)},
            )
        else:
            messages.success(
                self.request, _("“%(item)s” was submitted for review.") % {"item": item}
            )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kind_label"] = Kind(self.kind).label if self.kind else ""
        return context


class ItemCreateView(ItemFormMixin, generic.CreateView):
    template_name = "archive/admin/item_create.html"
    actions = ["create", "submit"]

    def setup(self, request, *args, **kwargs):
        kind = request.GET.get("kind", "")
        self.kind = kind if kind in Kind.values else None
        super().setup(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if self.kind is None:
            return self.choose_kind()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.kind is None:
            return redirect(self.add_url_name)
        return super().post(request, *args, **kwargs)

    def choose_kind(self):
        add_url = reverse(self.add_url_name)
        title = _("New archive item")
        return TemplateResponse(
            self.request,
            "archive/admin/choose_kind.html",
            {
                "view": self,
                "page_title": title,
                "header_title": title,
                "header_icon": self.header_icon,
                "breadcrumbs_items": self.get_breadcrumbs_items(),
                "kinds": [
                    {"label": label, "url": f"{add_url}?kind={value}", "icon": KIND_ICONS[value]}
                    for value, label in Kind.choices
                ],
            },
        )

    def get_add_url(self):
        return f"{reverse(self.add_url_name)}?kind={self.kind}"

    def get_initial_form_instance(self):
        return ArchiveItem(kind=self.kind, institution_id=self.actor.institution_id)

    def get_page_subtitle(self):
        return Kind(self.kind).label if self.kind else _("Archive item")

    def save_instance(self):
        item = self.save_item(self.form.save(commit=False))
        self.submit_if_asked(item)
        return item


class ItemEditView(ItemFormMixin, generic.EditView):
    template_name = "archive/admin/item_edit.html"
    actions = ["edit", "submit"]

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = self.get_object()
        self.kind = self.object.kind
        self.panel = self.get_panel()

    def get_queryset(self):
        return _scoped_items(self.request, "change")

    def save_instance(self):
        if not self.form.has_changed() and not getattr(self.form, "consent_changed", False):
            # Saving nothing must not send a published item back for review.
            item = self.object
        else:
            item = self.save_item(self.form.save(commit=False))
        self.submit_if_asked(item)
        return item

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["item"] = self.object
        context["can_submit"] = services.item_transition_allowed(
            item=self.object, action="submit"
        ) and _policy().user_has_permission_for_instance(user, "submit", self.object)
        context["moderation_actions"] = _action_menu_items(self.object, user)
        return context


class ItemDeleteView(generic.DeleteView):
    def get_queryset(self):
        return _scoped_items(self.request, "change")

    def dispatch(self, request, *args, **kwargs):
        if not _policy().user_has_permission_for_instance(request.user, "delete", self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CommentedActionColumn(ActionColumn):
    """Shows a log entry's comment (a rejection's reason), which Wagtail only shows for
    models with revisions."""

    cell_template_name = "wagtailadmin/generic/history/action_cell.html"


class ItemHistoryView(HistoryView):
    def get_base_object_queryset(self):
        return _scoped_items(self.request, "change")

    @cached_property
    def columns(self):
        first, *others = super().columns
        return [
            CommentedActionColumn(
                first.name,
                label=first.label,
                object=first.object,
                url_names=first.url_names,
                user_can_unschedule=first.user_can_unschedule,
            ),
            *others,
        ]


class ItemUsageView(UsageView):
    def get_base_object_queryset(self):
        return _scoped_items(self.request, "change")


class ItemInspectView(generic.InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(_scoped_items(self.request, "change"), pk=self.pk)


# --- Moderation and transcript views ---------------------------------------------------------


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "Sent to the contributor by email: say what to change for the item to be accepted."
        ),
    )


class ItemObjectViewMixin(generic.WagtailAdminTemplateMixin):
    """An item the user can reach (404 otherwise) and may `permission` (403 otherwise)."""

    permission = "change"
    header_icon = "doc-full"
    edit_url_name = None
    index_url_name = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(_scoped_items(request, "change"), pk=kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        policy = _policy()
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

    def form_valid(self, form):
        user = self.request.user
        try:
            if self.action == "reject":
                services.item_reject(
                    item=self.object, user=user, reason=form.cleaned_data["reason"]
                )
            else:
                getattr(services, f"item_{self.action}")(item=self.object, user=user)
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


class TranscriptForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Transcript file"),
        help_text=gettext_lazy(
            "WebVTT, SRT, or plain text in speaker turns (a line such as “Speaker #1” or "
            "“Name:” before each turn). It replaces the current transcript."
        ),
    )


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


# --- Photo position and erasure ---------------------------------------------------------------


class PhotoChoiceForm(forms.Form):
    """The image whose position to copy, among the item's own images only: a forged id of
    another item's image is a form error."""

    image = forms.ModelChoiceField(queryset=get_image_model().objects.none())

    def __init__(self, *args, images, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image"].queryset = images


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


class EraseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Why the item is erased (a request from the rights holder, a narrator withdrawing "
            "consent…). Kept in the audit log with the list of what was removed."
        ),
    )


class EraseView(ItemObjectViewMixin, FormView):
    """Moderators only: says what erasing the item removes and keeps, asks for a reason, then
    erases it (archive.erasure.item_erase). Contributors are refused, even for their own
    institution's items; items out of reach are a 404 as everywhere."""

    template_name = "archive/admin/erase_confirm.html"
    form_class = EraseForm
    page_title = gettext_lazy("Erase")
    header_icon = "bin"

    def dispatch(self, request, *args, **kwargs):
        if not _policy().actor(request.user).is_moderator:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

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


# --- Bulk tagging ----------------------------------------------------------------------------


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


class AddTagsBulkAction(BulkAction):
    """Tag the selected items. Only items the user may edit are ever looked up: ids of other
    institutions' items are neither tagged nor named back (no "no access" list here)."""

    display_name = gettext_lazy("Add tags")
    action_type = "add_tags"
    aria_label = gettext_lazy("Add tags to the selected items")
    template_name = "archive/admin/bulk_add_tags.html"
    action_priority = 20
    form_class = TagsForm
    models = [ArchiveItem]

    def get_actionable_objects(self):
        items = items_editable_by(user=self.request.user)
        ids = self.request.GET.getlist("id")
        if "all" not in ids:
            items = items.filter(pk__in=[int(pk) for pk in ids if pk.isdigit()])
        objects = list(items.select_related("institution").order_by("identifier"))
        if not objects:
            raise Http404
        return objects, {"items_with_no_access": []}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        actor = _policy().actor(self.request.user)
        context["published_count"] = (
            0
            if actor.is_moderator
            else sum(entry["item"].status == Status.PUBLISHED for entry in context["items"])
        )
        return context

    def get_execution_context(self):
        return {"tags": self.cleaned_form.cleaned_data["tags"], "user": self.request.user}

    @classmethod
    def execute_action(cls, objects, tags=None, user=None, **kwargs):
        result = services.items_tag(items=objects, tags=tags, user=user)
        # The second number is what the base class calls child objects: here, the published
        # items a contributor's tags sent back for review.
        return result.tagged, result.resubmitted

    def get_success_message(self, num_parent_objects, num_child_objects):
        message = ngettext(
            "Tags added to %(count)d item.", "Tags added to %(count)d items.", num_parent_objects
        ) % {"count": num_parent_objects}
        if num_child_objects:
            message += " " + ngettext(
                "%(count)d published item went back for review.",
                "%(count)d published items went back for review.",
                num_child_objects,
            ) % {"count": num_child_objects}
        return message


# --- Viewsets ----------------------------------------------------------------------------------


class ArchiveItemViewSet(ModelViewSet):
    """The contributor workspace: list, create, edit, moderate, import transcripts, tag."""

    model = ArchiveItem
    icon = "folder-open-inverse"
    menu_label = gettext_lazy("Archive")
    menu_name = "archive"
    menu_order = 250
    add_to_admin_menu = True
    url_prefix = "archive/items"

    index_view_class = ItemIndexView
    add_view_class = ItemCreateView
    edit_view_class = ItemEditView
    delete_view_class = ItemDeleteView
    history_view_class = ItemHistoryView
    usage_view_class = ItemUsageView
    inspect_view_class = ItemInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    index_template_name = "archive/admin/item_index.html"

    filterset_class = ArchiveItemFilterSet
    search_fields = [
        "title",
        "identifier",
        "inventory_number",
        "summary",
        "description",
        "narrators",
    ]
    search_backend_name = None
    ordering = ["-updated_at"]
    list_per_page = 30
    inspect_view_fields = [
        "identifier",
        "inventory_number",
        "kind",
        "institution",
        "status",
        "rejection_reason",
        "title",
        "summary",
        "description",
        "place_name",
        "commune",
        "rights",
        "access",
        "created_at",
        "updated_at",
        "published_at",
    ]
    # The views pick the edit handler of the item's kind; this one serves the viewset's
    # defaults only.
    edit_handler = EDIT_HANDLERS[Kind.PHOTO]

    def _object_view_kwargs(self):
        return {
            "edit_url_name": self.get_url_name("edit"),
            "index_url_name": self.get_url_name("index"),
        }

    def moderation_view(self, action):
        return ModerationView.as_view(action=action, **self._object_view_kwargs())

    @property
    def transcript_view(self):
        return TranscriptImportView.as_view(**self._object_view_kwargs())

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            *(
                path(f"{action}/<int:pk>/", self.moderation_view(action), name=action)
                for action in services.TRANSITIONS
            ),
            path("transcript/<int:pk>/", self.transcript_view, name="transcript"),
            path(
                "place-from-photo/<int:pk>/",
                PlaceFromPhotoView.as_view(**self._object_view_kwargs()),
                name="place_from_photo",
            ),
            path("erase/<int:pk>/", EraseView.as_view(**self._object_view_kwargs()), name="erase"),
        ]


class ScopedChooserMixin:
    def get_object_list(self):
        return _scoped_items(self.request, "change").select_related("institution")


class ItemChooseView(ScopedChooserMixin, chooser_views.ChooseView):
    pass


class ItemChooseResultsView(ScopedChooserMixin, chooser_views.ChooseResultsView):
    pass


class ItemChosenView(chooser_views.ChosenView):
    def get_object(self, pk):
        return _scoped_items(self.request, "change").get(pk=pk)


class ItemChosenMultipleView(chooser_views.ChosenMultipleView):
    def get_objects(self, pks):
        return _scoped_items(self.request, "change").filter(pk__in=pks)


class ArchiveItemChooserViewSet(ChooserViewSet):
    """Picks an archive item in other forms and blocks (`.widget_class`,
    `.get_block_class()`); offers only the items the user can reach in the workspace."""

    model = ArchiveItem
    icon = "folder-open-inverse"
    choose_one_text = gettext_lazy("Choose an archive item")
    choose_another_text = gettext_lazy("Choose another archive item")
    edit_item_text = gettext_lazy("Edit this archive item")
    url_prefix = "archive/item-chooser"
    choose_view_class = ItemChooseView
    choose_results_view_class = ItemChooseResultsView
    chosen_view_class = ItemChosenView
    chosen_multiple_view_class = ItemChosenMultipleView

    def get_urlpatterns(self):
        # Items are created in the workspace, never from a chooser.
        return [pattern for pattern in super().get_urlpatterns() if pattern.name != "create"]
