from django.conf import settings
from django.core.management.base import BaseCommand

from archive.mail import emails_prune


class Command(BaseCommand):
    help = (
        "Delete the rows of emails sent more than EMAIL_KEEP_DAYS days ago (Settings › Emails); "
        "failed and queued ones are kept. A daily cron job."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.EMAIL_KEEP_DAYS)

    def handle(self, *args, days, **options):
        deleted = emails_prune(older_than_days=days)
        self.stdout.write(f"{deleted} email rows deleted (sent more than {days} days ago).")
