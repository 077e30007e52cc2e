from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    """Newsletter subscriptions: the public form, double opt-in, unsubscribe links and the
    editors' export for the mailing tool. Nothing is sent through a third-party service."""

    name = "home.newsletter"
    label = "newsletter"
    verbose_name = _("Newsletter")
    default_auto_field = "django.db.models.BigAutoField"
