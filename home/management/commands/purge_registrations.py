from django.conf import settings
from django.core.management.base import BaseCommand

from home import services


class Command(BaseCommand):
    help = (
        "Anonymise registrations (name, email, phone, organisation) a number of days after "
        "their session or event ended. Seat counts are kept for statistics."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.REGISTRATION_RETENTION_DAYS,
            help="Days after the end (default: REGISTRATION_RETENTION_DAYS).",
        )

    def handle(self, *args, days, **options):
        count = services.registrations_purge(older_than_days=days)
        self.stdout.write(self.style.SUCCESS(f"Registrations anonymised: {count}"))
