from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    """/health/ (liveness) and /health/ready/ (every dependency), on django-health-check."""

    name = "health"
    verbose_name = _("Health")
