"""Public forms of the home app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from home.antispam import HoneypotFormMixin
from home.models.registrations import Registration

MAX_GROUP_SIZE = 500


class RegistrationForm(HoneypotFormMixin, forms.Form):
    """Registration for a session or an event site; no account needed."""

    kind = forms.ChoiceField(
        label=_("I register"),
        choices=[
            (Registration.Kind.INDIVIDUAL, _("myself")),
            (Registration.Kind.GROUP, _("a group (school class, organisation)")),
        ],
        initial=Registration.Kind.INDIVIDUAL,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(
        label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("Email"),
        help_text=_("Your confirmation and cancel link are sent here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    organisation = forms.CharField(
        label=_("School or organisation"),
        max_length=200,
        required=False,
        help_text=_("For groups only."),
    )
    seats = forms.IntegerField(
        label=_("Group size"),
        min_value=1,
        max_value=MAX_GROUP_SIZE,
        required=False,
        help_text=_("For groups: number of people, including accompanying adults."),
    )

    def __init__(self, *args, capacity: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.capacity = capacity

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Registration.Kind.GROUP:
            if not cleaned.get("organisation"):
                self.add_error("organisation", _("Please give the school or organisation name."))
            seats = cleaned.get("seats")
            if not seats:
                self.add_error("seats", _("Please give the size of the group."))
            elif self.capacity is not None and seats > self.capacity:
                self.add_error(
                    "seats",
                    _("This group is larger than the %(capacity)s seats available in total.")
                    % {"capacity": self.capacity},
                )
        else:
            cleaned["seats"] = 1
        return cleaned
