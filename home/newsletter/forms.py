from django import forms
from django.utils.translation import gettext_lazy as _

from archive.spreadsheets import FORMULA_STARTS
from home.antispam import HoneypotFormMixin
from home.newsletter.models import Audience


class SubscriptionForm(HoneypotFormMixin, forms.Form):
    """One address, one or more audiences. The same form serves the footer and the page."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We will send you a link to confirm."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
        error_messages={"required": _("Please enter your email address.")},
    )
    audiences = forms.MultipleChoiceField(
        label=_("I would like news for"),
        choices=Audience.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose one or more."),
        error_messages={"required": _("Please choose at least one audience.")},
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        # The export neutralises formulas anyway; real addresses never start like one.
        if email.startswith(FORMULA_STARTS):
            raise forms.ValidationError(_("Enter a valid email address."), code="invalid")
        return email
