from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from search.outbox import worker_alive


class Command(BaseCommand):
    help = (
        "Exit with status 0 if an index worker wrote its heartbeat within "
        "HEALTH_WORKER_MAX_SILENCE seconds (or --max-silence), 1 otherwise: the compose "
        "worker's health check."
    )

    def add_arguments(self, parser):
        parser.add_argument("--max-silence", type=float, default=None, metavar="SECONDS")

    def handle(self, *args, max_silence, **options):
        limit = max_silence if max_silence is not None else settings.HEALTH_WORKER_MAX_SILENCE
        if not worker_alive(max_silence=limit):
            raise CommandError(f"No index worker heartbeat within {limit:g} s.")
        self.stdout.write("Index worker alive.")
