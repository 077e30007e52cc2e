import logging
import signal
import threading
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError

from search.engines import EngineUnavailable, get_engine
from search.outbox import Backoff, outbox_summary, work


class Command(BaseCommand):
    help = (
        "Apply the pending index tasks (the outbox) to the search engine in bulk batches, "
        "then wait for more. While the engine is unreachable, tasks are kept and retried with "
        "backoff. --once drains what is pending and exits (tests, cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Apply what is pending, then exit.")
        parser.add_argument(
            "--retry-for",
            type=float,
            default=0,
            metavar="SECONDS",
            help="With --once: keep retrying an unreachable engine this long before giving up "
            "(default 0: exit with status 1 at once, every task kept).",
        )
        parser.add_argument(
            "--batch-size", type=int, default=500, help="Tasks per bulk request (default 500)."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=2.0,
            metavar="SECONDS",
            help="How often to look for new tasks when idle (default 2).",
        )
        parser.add_argument(
            "--max-backoff",
            type=float,
            default=60.0,
            metavar="SECONDS",
            help="Longest wait between two attempts on an unreachable engine (default 60).",
        )

    def handle(self, *args, once, retry_for, batch_size, interval, max_backoff, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        with self._log_to_stdout(options["verbosity"]):
            self._run(once, retry_for, batch_size, interval, max_backoff)

    def _run(self, once, retry_for, batch_size, interval, max_backoff):
        engine = get_engine()
        stop = threading.Event()
        previous = {}
        if threading.current_thread() is threading.main_thread():
            # Finish the batch in hand, then exit. (A batch cut short by SIGKILL is applied
            # again by the next run: its tasks were not deleted.)
            for signum in (signal.SIGTERM, signal.SIGINT):
                previous[signum] = signal.signal(signum, lambda *_args: stop.set())

        summary = outbox_summary()
        self.stdout.write(
            f"Index worker on the {engine.name} engine; {summary['pending']} task(s) pending"
        )
        try:
            stats = work(
                engine=engine,
                once=once,
                batch_size=batch_size,
                poll_interval=interval,
                backoff=Backoff(cap=max_backoff),
                retry_for=retry_for,
                stop=stop,
            )
        except EngineUnavailable as error:
            raise CommandError(
                f"The {engine.name} engine is unreachable ({error}); "
                f"{outbox_summary()['pending']} task(s) kept for the next run."
            ) from error
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {stats.applied} applied, {stats.failed} failed, "
                f"{stats.embargoes} embargo end(s) queued, {stats.retries} retry(ies)"
            )
        )

    @contextmanager
    def _log_to_stdout(self, verbosity: int):
        """Progress and warnings of search.outbox (engine unreachable, retries) go to the
        command's output, whatever LOGGING says for other loggers."""
        logger = logging.getLogger("search.outbox")
        if verbosity == 0:
            yield
            return
        handler = logging.StreamHandler(self.stdout)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        level, propagate = logger.level, logger.propagate
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
        try:
            yield
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)
            logger.propagate = propagate
