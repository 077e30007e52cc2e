from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The network's editorial pages: home, standard, news, programmes, events, members,
    contact, plus navigation settings."""

    name = "home"
    verbose_name = _("Pages")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from home import signals
        from home.pagecache import receivers

        signals.connect()
        receivers.connect()
