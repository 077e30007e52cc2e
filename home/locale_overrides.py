"""Django's own form messages, listed so that `makemessages` copies them into our catalogues.

Django's Luxembourgish catalogue leaves common form errors untranslated, so `lb` visitors saw
them in English. Our catalogues (LOCALE_PATHS) take precedence over Django's, and makemessages
only keeps strings it finds in the project's code, hence this list. Nothing imports it.
"""

from django.utils.translation import gettext_noop

DJANGO_FORM_MESSAGES = [
    gettext_noop("This field is required."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
]
