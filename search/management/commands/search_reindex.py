import time

from django.core.management.base import BaseCommand, CommandError

from tqdm import tqdm

from search.documents import indexable_items
from search.engines import EngineUnavailable, get_engine
from search.outbox import rebuild


class Command(BaseCommand):
    help = (
        "Build the search index anew from the database and switch to it atomically (for "
        "Elasticsearch: a new index, then the alias swapped), with a progress bar."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-progress", action="store_true", help="No progress bar (logs, cron)."
        )

    def handle(self, *args, no_progress, **options):
        engine = get_engine()
        started = time.monotonic()
        with tqdm(
            total=indexable_items().count(),
            unit="doc",
            desc=f"Indexing ({engine.name})",
            file=self.stderr,
            disable=no_progress or options["verbosity"] == 0,
            dynamic_ncols=True,
        ) as bar:
            try:
                # The engine calls progress(n) with the number of documents just written.
                count = rebuild(engine=engine, progress=bar.update)
            except EngineUnavailable as error:
                raise CommandError(
                    f"The {engine.name} engine is unreachable ({error}); the index in use is "
                    "unchanged."
                ) from error
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"{engine.name}: {count} document(s) indexed in {elapsed:.1f} s")
        )
