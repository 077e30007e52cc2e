from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.timesince import timesince

from search.engines import EngineUnavailable, get_engine
from search.models import IndexerState
from search.outbox import outbox_summary


class Command(BaseCommand):
    help = (
        "Print the search engine, its document count, the pending index tasks and the age of "
        "the oldest one. Exits with status 1 when the engine is unreachable."
    )

    def handle(self, *args, **options):
        engine = get_engine()
        try:
            reachable = engine.ping()
            count = engine.count() if reachable else None
        except EngineUnavailable:
            reachable, count = False, None
        summary = outbox_summary()
        state = IndexerState.objects.filter(pk=1).first()
        now = timezone.now()

        self.stdout.write(f"Engine: {engine.name}")
        self.stdout.write(f"Reachable: {'yes' if reachable else 'NO'}")
        self.stdout.write(f"Documents: {count if count is not None else 'unknown'}")
        self.stdout.write(f"Pending tasks: {summary['pending']}")
        oldest = summary["oldest"]
        if oldest is not None:
            age = (now - oldest).total_seconds()
            self.stdout.write(f"Oldest pending task: {age:.0f} s old ({timesince(oldest, now)})")
        else:
            self.stdout.write("Oldest pending task: none")
        if summary["failing"]:
            self.stdout.write(
                self.style.WARNING(
                    f"Tasks that failed on their own and wait to be retried: {summary['failing']}"
                )
            )
        seen = state.worker_seen_at if state else None
        self.stdout.write(f"Worker last seen: {f'{timesince(seen, now)} ago' if seen else 'never'}")
        if not reachable:
            raise CommandError(f"The {engine.name} engine is unreachable.")
