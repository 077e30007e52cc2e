from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Sign-in protection around Django's and Wagtail's own logins: the lockout after repeated
    failures (django-axes), its page and the administrators' unlock screen, and the rate limit
    on password reset requests."""

    name = "accounts"
    verbose_name = _("Sign-in protection")
    default_auto_field = "django.db.models.BigAutoField"
