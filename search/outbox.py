"""Indexing that never loses work: the outbox and the worker that empties it.

A change to an archive item writes its item's task in the change's own transaction (`enqueue`,
from the handlers of `connect_handlers`): a committed change always leaves a task, a rolled-back
one none, and a save never waits on the search engine. The worker deletes a task only once the
engine took it, and keeps every task through an outage. The end of an embargo is a date, not an
event: the worker queues those items itself (`embargoes_enqueue`). Why the database engine
applies tasks right after commit, and why the engines never call this module:
docs/architecture.md, "Search: one contract, two engines, an outbox".
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import InterfaceError, OperationalError, close_old_connections, transaction
from django.db.models import Min, Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.utils import timezone

from taggit.models import Tag

from archive.models import ArchiveItem, Consent, Trade, TranscriptSegment
from archive.signals import items_changed
from search.documents import indexable_versions
from search.engines import EngineUnavailable, get_engine, search_settings
from search.models import IndexerState, IndexTask

log = logging.getLogger(__name__)

Action = IndexTask.Action

# Rows per INSERT … ON CONFLICT statement when many items change at once (a trade relabelled).
ENQUEUE_CHUNK = 1000
# A task that failed for its own sake (its document, not the engine) waits this long, doubled
# on each failure, before its next attempt.
TASK_RETRY_BASE = timedelta(seconds=30)
TASK_RETRY_CAP = timedelta(hours=6)
# Older pending tasks applied along with a change, with the database engine.
AFTER_COMMIT_BACKLOG = 50
# Seconds between two heartbeats of a worker: one row updated, at most this often.
HEARTBEAT_INTERVAL = 15.0


# --- Writing tasks ---------------------------------------------------------------------------


def enqueue(*, item_ids: Iterable[int], action: str = Action.UPSERT) -> int:
    """Record that these items changed, in the caller's transaction. One row per item: a
    pending task of the same item takes the new action and a fresh token but keeps its age.
    Returns the number of items."""
    ids = sorted({int(pk) for pk in item_ids if pk is not None})
    if not ids:
        return 0
    now = timezone.now()
    # Sorted ids take row locks in the same order in every transaction: no deadlock between
    # two bulk changes that touch the same items.
    for start in range(0, len(ids), ENQUEUE_CHUNK):
        chunk = ids[start : start + ENQUEUE_CHUNK]
        IndexTask.objects.bulk_create(
            [
                IndexTask(item_id=pk, action=action, token=uuid.uuid4(), created_at=now)
                for pk in chunk
            ],
            update_conflicts=True,
            unique_fields=["item_id"],
            # created_at is left out: the row stays as old as its oldest unapplied change.
            update_fields=["action", "token", "changed_at", "attempts", "last_error", "retry_at"],
        )
    if _applies_after_commit():
        _apply_after_commit(ids)
    return len(ids)


def _applies_after_commit() -> bool:
    return search_settings()["ENGINE"] == "database"


def _apply_after_commit(ids: list[int]) -> None:
    """Apply these items' tasks once the caller's transaction commits (nothing if it rolls
    back), as the database engine does (docs/architecture.md). A change that sends several
    signals registers several callbacks; the later ones find their tasks gone and stop after
    one query."""

    def apply():
        try:
            engine = get_engine()
            apply_items(item_ids=ids, engine=engine)
            # Tasks left behind by an earlier failure (`make run` has no worker to retry
            # them) ride along with the next change, a few at a time.
            apply_batch(engine=engine, batch_size=AFTER_COMMIT_BACKLOG)
        except Exception:
            # The tasks stay pending for the worker; the change itself is committed.
            log.exception("Applying %d index task(s) after commit failed", len(ids))

    transaction.on_commit(apply)


def _item_changed(sender, instance, **kwargs):
    if not kwargs.get("raw"):
        enqueue(item_ids=[instance.pk])


def _items_changed(sender, item_ids, **kwargs):
    enqueue(item_ids=item_ids)


def _item_deleted(sender, instance, **kwargs):
    enqueue(item_ids=[instance.pk], action=Action.DELETE)


def _part_changed(sender, instance, **kwargs):
    """A consent or a transcript segment: its item's document changes."""
    if not kwargs.get("raw"):
        enqueue(item_ids=[instance.item_id])


def _trades_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            enqueue(item_ids=[instance.pk])
    elif action in ("post_add", "post_remove"):
        enqueue(item_ids=pk_set)
    elif action == "pre_clear":
        # trade.items.clear() names no items: take them while they are still linked.
        enqueue(item_ids=instance.items.values_list("pk", flat=True))


def _trade_changed(sender, instance, **kwargs):
    """Documents carry every trade's labels in all languages and its place in the hierarchy:
    relabelling, moving or deleting a trade changes the items of that trade (in any language)
    and of the trades below it. On delete this runs before the links to its items go."""
    if kwargs.get("raw"):
        return
    trade_ids = set(
        Trade.objects.filter(translation_key=instance.translation_key).values_list("pk", flat=True)
    )
    frontier = set(trade_ids)
    while frontier:
        frontier = set(Trade.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier -= trade_ids
        trade_ids |= frontier
    enqueue(
        item_ids=ArchiveItem.objects.filter(trades__in=trade_ids)
        .values_list("pk", flat=True)
        .distinct()
    )


def _tag_changed(sender, instance, **kwargs):
    if not kwargs.get("raw"):
        enqueue(
            item_ids=ArchiveItem.objects.filter(tagged_items__tag=instance).values_list(
                "pk", flat=True
            )
        )


def connect_handlers() -> None:
    """Connected by SearchConfig.ready(); archive knows nothing of search."""
    uid = "search.outbox"
    post_save.connect(_item_changed, sender=ArchiveItem, dispatch_uid=f"{uid}.item_saved")
    post_delete.connect(_item_deleted, sender=ArchiveItem, dispatch_uid=f"{uid}.item_deleted")
    items_changed.connect(_items_changed, dispatch_uid=f"{uid}.items_changed")
    for model in (Consent, TranscriptSegment):
        post_save.connect(_part_changed, sender=model, dispatch_uid=f"{uid}.{model.__name__}")
    # Not TranscriptSegment's post_delete: a receiver there would stop Django deleting a
    # transcript in one query on re-import, and every path that deletes segments (re-import,
    # the item's own deletion) also saves or deletes the item.
    post_delete.connect(_part_changed, sender=Consent, dispatch_uid=f"{uid}.consent_deleted")
    m2m_changed.connect(
        _trades_changed, sender=ArchiveItem.trades.through, dispatch_uid=f"{uid}.trades"
    )
    post_save.connect(_trade_changed, sender=Trade, dispatch_uid=f"{uid}.trade")
    pre_delete.connect(_trade_changed, sender=Trade, dispatch_uid=f"{uid}.trade_deleted")
    post_save.connect(_tag_changed, sender=Tag, dispatch_uid=f"{uid}.tag")


# --- The end of embargoes --------------------------------------------------------------------


def _state(*, lock: bool = False) -> IndexerState:
    rows = IndexerState.objects.select_for_update() if lock else IndexerState.objects
    return rows.get_or_create(pk=1)[0]


# --- The worker's heartbeat ------------------------------------------------------------------


def worker_heartbeat() -> None:
    """Record that a worker is alive and looping (one row updated; /health/ready/ and the
    compose worker's health check read it)."""
    IndexerState.objects.filter(pk=_state().pk).update(worker_seen_at=timezone.now())


def worker_seen_at():
    """When a worker last wrote its heartbeat (None: never)."""
    return IndexerState.objects.filter(pk=1).values_list("worker_seen_at", flat=True).first()


def worker_alive(*, max_silence: float) -> bool:
    """Whether a worker wrote its heartbeat less than `max_silence` seconds ago."""
    seen = worker_seen_at()
    return seen is not None and (timezone.now() - seen).total_seconds() <= max_silence


def embargoes_enqueue(*, today: date | None = None) -> int:
    """Queue the published items whose embargo ended since the last call (on its first call:
    every published item whose embargo has ended). At most one query a day does any work.
    Returns the number of items queued."""
    # The same "today" as ArchiveItemQuerySet.public(): the site's date, not UTC's.
    today = today or timezone.localdate()
    with transaction.atomic():
        state = _state(lock=True)
        checked = state.embargoes_checked_on
        if checked is not None and checked >= today:
            return 0
        ended = Consent.objects.filter(
            embargo_until__lte=today, item__status=ArchiveItem.Status.PUBLISHED
        )
        if checked is not None:
            ended = ended.filter(embargo_until__gt=checked)
        count = enqueue(item_ids=ended.values_list("item_id", flat=True))
        state.embargoes_checked_on = today
        state.save(update_fields=["embargoes_checked_on"])
    if count:
        log.info("Queued %d item(s) whose embargo ended", count)
    return count


# --- Applying tasks --------------------------------------------------------------------------


@dataclass
class Applied:
    """What one application of tasks did."""

    taken: int = 0
    applied: int = 0
    failed: int = 0


def tasks_pending(*, now=None):
    """Tasks the worker may take now: all but those waiting out a failure of their own."""
    now = now or timezone.now()
    return IndexTask.objects.filter(Q(retry_at__isnull=True) | Q(retry_at__lte=now))


def outbox_summary() -> dict:
    """Pending tasks, the oldest one's creation time, and those that failed on their own."""
    rows = IndexTask.objects.aggregate(oldest=Min("created_at"))
    return {
        "pending": IndexTask.objects.count(),
        "oldest": rows["oldest"],
        "failing": IndexTask.objects.filter(attempts__gt=0).count(),
    }


def apply_batch(*, engine, batch_size: int = 500) -> Applied:
    """Apply the oldest pending tasks, at most `batch_size`. Raises EngineUnavailable (tasks
    kept) when the engine cannot be reached."""
    tasks = list(tasks_pending().order_by("created_at", "pk")[:batch_size])
    return _apply(engine, tasks)


def apply_items(*, item_ids: Iterable[int], engine=None) -> Applied:
    """Apply the pending tasks of these items now (nothing if they have none)."""
    tasks = list(IndexTask.objects.filter(item_id__in=list(item_ids)))
    if not tasks:
        return Applied()
    return _apply(engine or get_engine(), tasks)


def _apply(engine, tasks: list[IndexTask]) -> Applied:
    if not tasks:
        return Applied()
    try:
        _apply_tasks(engine, tasks)
    except EngineUnavailable:
        raise
    except Exception as error:
        if len(tasks) == 1:
            _record_failure(tasks[0], error)
            return Applied(taken=1, failed=1)
        # Something in the batch was refused (a document the engine rejects, an item whose
        # document cannot be built): apply one by one so that the others get through.
        log.warning("A batch of %d task(s) failed (%s); applying one by one", len(tasks), error)
        result = Applied(taken=len(tasks))
        for task in tasks:
            try:
                _apply_tasks(engine, [task])
            except EngineUnavailable:
                raise
            except Exception as task_error:
                _record_failure(task, task_error)
                result.failed += 1
            else:
                result.applied += 1
        return result
    return Applied(taken=len(tasks), applied=len(tasks))


def _apply_tasks(engine, tasks: list[IndexTask]) -> None:
    engine.apply(
        upsert_ids=[task.item_id for task in tasks if task.action == Action.UPSERT],
        delete_ids=[task.item_id for task in tasks if task.action == Action.DELETE],
    )
    # Done only now, and only the rows no change has touched since they were read: a change
    # committed meanwhile gave its row a new token, so it stays pending and is applied again.
    IndexTask.objects.filter(token__in=[task.token for task in tasks]).delete()


def _record_failure(task: IndexTask, error: Exception) -> None:
    attempts = task.attempts + 1
    delay = min(TASK_RETRY_CAP, TASK_RETRY_BASE * 2 ** min(attempts - 1, 20))
    message = f"{type(error).__name__}: {error}"[:2000]
    IndexTask.objects.filter(token=task.token).update(
        attempts=attempts, last_error=message, retry_at=timezone.now() + delay
    )
    log.error(
        "Index task of item %s failed (attempt %d, next in %s): %s",
        task.item_id,
        attempts,
        delay,
        message,
    )


# --- The worker ------------------------------------------------------------------------------


@dataclass
class Backoff:
    """Capped exponential backoff with jitter for an unreachable engine.

    A few lines by hand rather than tenacity: the worker keeps its own loop (embargo sweep,
    polling, stopping on SIGTERM in the middle of a wait), which a retry decorator would hide."""

    base: float = 1.0
    cap: float = 60.0
    failures: int = 0

    def next_delay(self) -> float:
        self.failures += 1
        ceiling = min(self.cap, self.base * 2 ** min(self.failures - 1, 32))
        # "Equal jitter": at least half the ceiling, so waits do grow, plus a random half, so
        # several workers do not hit a recovering server in step.
        return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 - not cryptographic

    def reset(self) -> None:
        self.failures = 0


@dataclass
class WorkerStats:
    applied: int = 0
    failed: int = 0
    retries: int = 0
    embargoes: int = 0


class _NeverStop:
    def is_set(self) -> bool:
        return False

    def wait(self, timeout: float) -> bool:
        time.sleep(timeout)
        return False


def work(
    *,
    engine=None,
    once: bool = False,
    batch_size: int = 500,
    poll_interval: float = 2.0,
    backoff: Backoff | None = None,
    retry_for: float | None = None,
    stop=None,
) -> WorkerStats:
    """Apply pending tasks until stopped (`stop`, a threading.Event), polling every
    `poll_interval` seconds when there is nothing to do. With `once`, drain what is pending and
    return; if the engine stays unreachable for `retry_for` seconds (default: give up at the
    first failure), re-raise EngineUnavailable with every task kept.

    Several workers may run at once: tasks are not locked while applied (a lock would make
    saves of those items wait on the engine), so two workers may apply the same task twice,
    which is harmless since applying is idempotent."""
    engine = engine or get_engine()
    backoff = backoff or Backoff()
    stop = stop or _NeverStop()
    stats = WorkerStats()
    outage_since = None
    seen_at = 0.0
    while not stop.is_set():
        try:
            if not transaction.get_connection().in_atomic_block:
                # Drop a connection the database closed (restart, timeout) before using it;
                # never inside a caller's transaction (tests), which this would abort.
                close_old_connections()
            if time.monotonic() - seen_at >= HEARTBEAT_INTERVAL:
                worker_heartbeat()
                seen_at = time.monotonic()
            stats.embargoes += embargoes_enqueue()
            while not stop.is_set():
                result = apply_batch(engine=engine, batch_size=batch_size)
                if not result.taken:
                    break
                stats.applied += result.applied
                stats.failed += result.failed
                log.info(
                    "Applied %d task(s)%s; %d pending",
                    result.applied,
                    f", {result.failed} failed" if result.failed else "",
                    tasks_pending().count(),
                )
        # The database going away (OperationalError, InterfaceError) is an outage to wait out
        # like the engine's; other database errors are bugs and surface.
        except (EngineUnavailable, OperationalError, InterfaceError) as error:
            now = time.monotonic()
            outage_since = outage_since if outage_since is not None else now
            if once and now - outage_since >= (retry_for or 0):
                raise
            delay = backoff.next_delay()
            stats.retries += 1
            log.warning(
                "%s is unreachable (%s); tasks kept, retrying in %.1f s", engine.name, error, delay
            )
            stop.wait(delay)
            continue
        if outage_since is not None:
            log.info(
                "%s is reachable again after %.0f s", engine.name, time.monotonic() - outage_since
            )
        outage_since = None
        backoff.reset()
        if once:
            break
        stop.wait(poll_interval)
    return stats


# --- Rebuilding and repairing drift ---------------------------------------------------------------


@dataclass
class Drift:
    """What the index held that the database disagreed with (item ids)."""

    missing: list[int]  # visible items the index lacks
    stale: list[int]  # indexed at another version than the database's
    extra: list[int]  # indexed, but deleted or no longer visible

    @property
    def total(self) -> int:
        return len(self.missing) + len(self.stale) + len(self.extra)


def reconcile(*, engine, repair: bool = True, batch_size: int = 500) -> Drift:
    """Compare the index with the database (ids and versions) and, with `repair`, bring the
    differing items in line. Raises EngineUnavailable if the engine cannot be reached."""
    # The index is read before the database: an item changing in between then shows as
    # drift and is applied again, never missed.
    indexed = engine.indexed_versions()
    expected = indexable_versions()
    drift = Drift(
        missing=sorted(expected.keys() - indexed.keys()),
        stale=sorted(pk for pk in expected.keys() & indexed.keys() if expected[pk] != indexed[pk]),
        extra=sorted(indexed.keys() - expected.keys()),
    )
    if repair:
        # All as upserts: apply() indexes what is visible when it runs and removes the rest,
        # so an item that changed since it was compared still ends up right.
        ids = sorted({*drift.missing, *drift.stale, *drift.extra})
        for start in range(0, len(ids), batch_size):
            engine.apply(upsert_ids=ids[start : start + batch_size], delete_ids=[])
    return drift


def rebuild(*, engine=None, progress=None) -> int:
    """Build the index anew (`engine.rebuild`), then catch up with the changes committed while
    it was filling: the worker applied them to the index being replaced, or they came after
    their items were read. Returns the number of documents in the index."""
    engine = engine or get_engine()
    written = engine.rebuild(progress=progress)
    drift = reconcile(engine=engine)
    return written + len(drift.missing) - len(drift.extra)
