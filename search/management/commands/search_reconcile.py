from django.core.management.base import BaseCommand, CommandError

from search.engines import EngineUnavailable, get_engine
from search.outbox import reconcile

SHOWN_IDS = 20


class Command(BaseCommand):
    help = (
        "Compare the search index with the database (item ids and versions), repair the "
        "drift and print what was fixed: missing, stale and extra documents."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only print the drift; change nothing."
        )

    def handle(self, *args, dry_run, **options):
        engine = get_engine()
        try:
            drift = reconcile(engine=engine, repair=not dry_run)
        except EngineUnavailable as error:
            raise CommandError(f"The {engine.name} engine is unreachable ({error}).") from error
        verb = "to fix" if dry_run else "fixed"
        for label, ids in (
            ("Missing (indexed now)", drift.missing),
            ("Stale (indexed again)", drift.stale),
            ("Extra (removed)", drift.extra),
        ):
            shown = ", ".join(map(str, ids[:SHOWN_IDS])) + (" …" if len(ids) > SHOWN_IDS else "")
            self.stdout.write(f"{label}: {len(ids)}" + (f"  [{shown}]" if ids else ""))
        message = f"{engine.name}: {drift.total} document(s) {verb}"
        self.stdout.write(self.style.SUCCESS(message) if not drift.total else message)
