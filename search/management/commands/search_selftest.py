import time
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction

from search import conformance
from search.engines import EngineUnavailable, get_engine, search_settings
from search.engines.elasticsearch import ElasticsearchEngine
from search.models import SearchEntry


class Command(BaseCommand):
    help = (
        "Prove the configured search engine before traffic arrives: build the conformance "
        "suite's corpus in a transaction that is rolled back, index it in a temporary index "
        "under a unique name (never the live alias), run every conformance case, print pass or "
        "fail and the time of each, delete the index whatever happens. Exits with status 1 if "
        "any case fails."
    )

    def handle(self, *args, **options):
        config = search_settings()
        started = time.monotonic()
        with transaction.atomic():
            try:
                failures = self._run(config)
            finally:
                # Nothing of the corpus is ever committed.
                transaction.set_rollback(True)
        total = len(conformance.CASES)
        summary = (
            f"{total - failures} of {total} case(s) passed in {time.monotonic() - started:.1f} s"
        )
        if failures:
            raise CommandError(f"{failures} case(s) failed; {summary}.")
        self.stdout.write(self.style.SUCCESS(summary))

    def _run(self, config) -> int:
        if config["ENGINE"] == "elasticsearch":
            alias = f"{config['INDEX']}-selftest-{uuid.uuid4().hex[:12]}"
            engine = ElasticsearchEngine.from_settings({**config, "INDEX": alias})
            self.stdout.write(f"Engine: elasticsearch; temporary index {alias}")
        else:
            engine = get_engine("database")
            # The database engine's index is its table: the live entries are set aside inside
            # this transaction, and come back untouched when it rolls back.
            SearchEntry.objects.all().delete()
            self.stdout.write("Engine: database; entries replaced inside a rolled-back transaction")
        try:
            began = time.monotonic()
            try:
                corpus = conformance.build_corpus()
            except DatabaseError as error:
                # A site whose own rows collide with the corpus (an institution coded FILA).
                raise CommandError(f"Could not build the test corpus: {error}") from error
            conformance.index_corpus(engine, corpus)
            self.stdout.write(f"Corpus indexed in {(time.monotonic() - began) * 1000:.0f} ms")
            return self._cases(engine, corpus)
        except EngineUnavailable as error:
            raise CommandError(f"The {engine.name} engine is unreachable: {error}") from error
        finally:
            if engine.name == "elasticsearch":
                self._drop(engine)

    def _cases(self, engine, corpus) -> int:
        failures = 0
        for case in conformance.CASES:
            began = time.monotonic()
            try:
                case.run(engine, corpus)
            except Exception as error:
                failures += 1
                outcome = self.style.ERROR("FAIL")
                detail = f"  {type(error).__name__}: {error}".rstrip(": ")
            else:
                outcome, detail = self.style.SUCCESS("pass"), ""
            elapsed = (time.monotonic() - began) * 1000
            self.stdout.write(f"{outcome} {elapsed:7.0f} ms  {case.name}{detail}")
        return failures

    def _drop(self, engine) -> None:
        try:
            engine.drop()
        except EngineUnavailable as error:
            self.stderr.write(
                f"Could not delete the temporary index {engine.alias} ({error}): delete the "
                f"indexes named {engine.alias}-* by hand."
            )
        else:
            self.stdout.write(f"Temporary index {engine.alias} deleted")
