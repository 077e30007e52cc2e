"""Registrations arriving at the same moment, on real parallel PostgreSQL connections: confirmed
seats never exceed capacity and the waiting list takes exactly the rest.

Each worker thread has its own database connection (Django gives every thread one) and commits
its own transactions, so these tests cannot run inside the usual rolled-back test transaction:
they use transaction=True, and serialized_rollback=True puts back the data that migrations
created (Wagtail's root page, the default locale) for whichever test comes next.
"""

import random
import threading
from concurrent.futures import ThreadPoolExecutor

from django.core import mail
from django.db import connection

from wagtail.models import Page

import pytest

from home import services
from home.models import Registration, Slot
from tests.factories import (
    HomePageFactory,
    ProgrammeIndexPageFactory,
    ProgrammePageFactory,
    ProgrammeSessionFactory,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

Status = Registration.Status
CAPACITY = 20
ATTEMPTS = 200
# PostgreSQL's default max_connections is 100; the test's own connection and a margin stay free.
MAX_WORKERS = 40


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip(
            f"needs PostgreSQL (row locks under real concurrency); the database is "
            f"{connection.vendor}"
        )
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        max_connections = int(cursor.fetchone()[0])
    return min(MAX_WORKERS, max_connections - 10)


@pytest.fixture
def session(postgres):
    root = Page.get_first_root_node()
    home = HomePageFactory(parent=root, slug="accueil-concurrence")
    programmes = ProgrammeIndexPageFactory(parent=home, slug="formations")
    programme = ProgrammePageFactory(parent=programmes, slug="programme")
    return ProgrammeSessionFactory(page=programme, title="Trouver des mécènes", capacity=CAPACITY)


def register_all(session, sizes: list[int], workers: int) -> list:
    """Register len(sizes) visitors at once, visitor i with sizes[i] seats, from `workers`
    threads that start together; returns the exceptions raised, if any."""
    slot = Slot(session)
    pending = list(enumerate(sizes))
    lock = threading.Lock()
    start = threading.Barrier(workers)
    errors = []

    def worker():
        try:
            start.wait(timeout=30)
            while True:
                with lock:
                    if not pending:
                        return
                    number, seats = pending.pop()
                services.registration_create(
                    slot=slot,
                    kind=Registration.Kind.GROUP if seats > 1 else Registration.Kind.INDIVIDUAL,
                    name=f"Visitor {number}",
                    email=f"visitor{number}@example.org",
                    seats=seats,
                    organisation="École" if seats > 1 else "",
                    language="en",
                )
        except Exception as error:  # reported by the test, with the others
            errors.append(error)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for _ in range(workers):
            pool.submit(worker)
    return errors


def test_200_parallel_registrations_for_20_seats(session, postgres):
    errors = register_all(session, [1] * ATTEMPTS, workers=postgres)

    assert errors == []
    registrations = list(Registration.objects.order_by("created_at", "pk"))
    assert len(registrations) == ATTEMPTS
    assert sum(r.status == Status.CONFIRMED for r in registrations) == CAPACITY
    assert sum(r.status == Status.WAITING for r in registrations) == ATTEMPTS - CAPACITY
    assert sum(r.seats for r in registrations if r.status == Status.CONFIRMED) == CAPACITY
    # First come, first served: the 20 who got the lock first are the 20 confirmed.
    assert {r.status for r in registrations[:CAPACITY]} == {Status.CONFIRMED}
    # Each visitor got the one email matching their status.
    subjects = sorted(message.subject.split(":")[0] for message in mail.outbox)
    assert subjects == ["On the waiting list"] * 180 + ["Registration confirmed"] * 20


def test_parallel_groups_never_exceed_capacity(session, postgres):
    sizes = random.Random(7).choices(range(1, 6), k=ATTEMPTS)

    errors = register_all(session, sizes, workers=postgres)

    assert errors == []
    registrations = list(Registration.objects.order_by("created_at", "pk"))
    assert len(registrations) == ATTEMPTS
    assert sorted(r.seats for r in registrations) == sorted(sizes)
    # Replayed in the order they were taken, each one was confirmed exactly when its whole
    # size still fitted, and put on the waiting list otherwise.
    taken = 0
    for registration in registrations:
        fits = taken + registration.seats <= CAPACITY
        assert registration.status == (Status.CONFIRMED if fits else Status.WAITING), taken
        taken += registration.seats if fits else 0
    assert taken <= CAPACITY
    assert taken == sum(r.seats for r in registrations if r.status == Status.CONFIRMED)


def test_parallel_duplicates_are_taken_once(session, postgres):
    """The same email sent many times at once (double clicks, retries) is registered once."""
    slot = Slot(session)
    workers = min(postgres, 20)
    start = threading.Barrier(workers)
    outcomes = []

    def attempt():
        try:
            start.wait(timeout=30)
            services.registration_create(
                slot=slot,
                kind=Registration.Kind.INDIVIDUAL,
                name="Ada",
                email="ada@example.org",
                seats=1,
                language="fr",
            )
            outcomes.append("taken")
        except services.RegistrationError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for _ in range(workers):
            pool.submit(attempt)

    assert sorted(outcomes) == ["duplicate"] * (workers - 1) + ["taken"]
    assert Registration.objects.filter(email="ada@example.org").count() == 1
