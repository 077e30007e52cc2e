from django.core.management.base import BaseCommand

from home import services


class Command(BaseCommand):
    help = (
        "Email a reminder to everyone confirmed for a session or event site starting within "
        "the next two days (once per registration). Run it daily, e.g. from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=2, help="How far ahead (default 2).")

    def handle(self, *args, days, **options):
        sent = services.reminders_send(days_before=days)
        self.stdout.write(self.style.SUCCESS(f"Reminders sent: {sent}"))
