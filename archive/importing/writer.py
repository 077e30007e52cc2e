"""Writing checked plans: in one transaction and in bulk (items, their links and files, the
audit log), storing each distinct file once. A failed write leaves no stored file behind,
and the search index hears of the items once, after commit."""

from __future__ import annotations

import logging
import posixpath
import uuid
from contextlib import suppress

from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from taggit.models import Tag
from wagtail.images import get_image_model

from archive import services
from archive.importing.columns import model_fields
from archive.importing.media import CheckedMedia, MediaSource
from archive.importing.plan import Plan, progress_bar
from archive.importing.report import ImportReport, Outcome
from archive.models import (
    ArchiveItem,
    ArchiveItemLogEntry,
    ArchiveItemTag,
    Consent,
    Institution,
    ItemImage,
    MediaFile,
    SavoirFaireStep,
    TranscriptSegment,
)
from archive.signals import items_changed
from archive.validation import generated_name

Status = ArchiveItem.Status

logger = logging.getLogger(__name__)

IMPORT_ACTION = "archive.import"
BATCH_SIZE = 500


class Writer:
    """Writes the plans of one import (`Plan.item`, built and checked by the matching)."""

    def __init__(
        self,
        *,
        institution: Institution,
        user,
        actor: services.Actor | None,
        status: str,
        source: MediaSource,
        source_name: str,
        progress: bool,
    ):
        self.institution = institution
        self.user = user
        self.actor = actor  # None: the system (the command line without --user)
        self.status = status
        self.source = source
        self.source_name = source_name
        self.progress = progress
        self.stored_names: list[str] = []

    def write(self, plans: list[Plan], report: ImportReport) -> None:
        try:
            with transaction.atomic():
                self._write(plans, report)
        except BaseException:
            self._remove_stored_files()
            raise

    def _remove_stored_files(self) -> None:
        for name in self.stored_names:
            with suppress(Exception):
                default_storage.delete(name)
        self.stored_names.clear()

    def _write(self, plans: list[Plan], report: ImportReport) -> None:
        now = timezone.now()
        user = self.user
        created = [p for p in plans if p.outcome == Outcome.CREATED]
        updated = [p for p in plans if p.outcome == Outcome.UPDATED]

        self._store_media(plans, report)

        for plan in created:
            item = plan.item
            item.status = self.status
            item.created_by = item.updated_by = user
            item.published_at = now if self.status == Status.PUBLISHED else None
            if plan.recording:
                item.media = plan.recording.stored
        # Kept identifiers first: numbering then skips them.
        with_identifier = [p.item for p in created if p.identifier]
        ArchiveItem.objects.bulk_create(with_identifier, batch_size=BATCH_SIZE)
        numbered = [p.item for p in created if not p.identifier]
        identifiers = (
            services.item_identifiers_take(institution_id=self.institution.pk, count=len(numbered))
            if numbered
            else []
        )
        for item, identifier in zip(numbered, identifiers, strict=True):
            item.identifier = identifier
        ArchiveItem.objects.bulk_create(numbered, batch_size=BATCH_SIZE)

        changed_fields = set()
        for plan in updated:
            item = plan.item
            item.updated_by = user
            item.updated_at = now
            if plan.recording and "media" in plan.changed:
                item.media = plan.recording.stored
            plan.resubmission = services.item_resubmit_for_change(item=item, actor=self.actor)
            changed_fields |= plan.changed & set(model_fields())
        if updated:
            ArchiveItem.objects.bulk_update(
                [plan.item for plan in updated],
                sorted(changed_fields | {"updated_by", "updated_at", "status"}),
                batch_size=BATCH_SIZE,
            )
        touched = created + updated
        self._write_durations(touched)
        self._write_trades(touched)
        self._write_tags(touched)
        self._write_images(touched)
        self._write_segments(touched)
        self._write_steps(touched)
        self._write_consents(touched)
        self._write_log(touched, now)

        item_ids = [plan.item.pk for plan in touched]
        # Bulk writes send no post_save: the search outbox hears of them here.
        items_changed.send(sender=ArchiveItem, item_ids=item_ids)
        if item_ids and getattr(ArchiveItem, "search_auto_update", True):
            transaction.on_commit(lambda: _update_search_index(item_ids))

    def _store_media(self, plans: list[Plan], report: ImportReport) -> None:
        """Store each distinct file once (reusing the institution's copy of the same content)
        and set `CheckedMedia.stored`."""
        wanted: dict[str, CheckedMedia] = {}
        for plan in plans:
            new = plan.outcome == Outcome.CREATED
            media: list[CheckedMedia] = []
            if plan.photos and (new or "images" in plan.changed):
                media += plan.photos
            if plan.recording and (new or "media" in plan.changed):
                media.append(plan.recording)
            if plan.steps and (new or "steps" in plan.changed):
                media += [m for _text, m in plan.steps if m is not None]
            for item in media:
                wanted.setdefault(f"{item.kind}:{item.sha1 or item.sha256}", item)
        if not wanted:
            return
        image_model = get_image_model()
        collection = self.institution.collection
        photos = {m.sha1 for m in wanted.values() if m.kind == "photo"}
        existing_images = {
            image.file_hash: image
            for image in image_model.objects.filter(file_hash__in=photos, collection=collection)
        }
        existing_files = {
            media_file.sha256: media_file
            for media_file in MediaFile.objects.filter(
                institution=self.institution,
                sha256__in=[m.sha256 for m in wanted.values() if m.kind != "photo"],
            )
        }
        source = self.source
        for media in progress_bar(list(wanted.values()), _("Storing files"), shown=self.progress):
            if media.kind == "photo":
                media.stored = existing_images.get(media.sha1)
                if media.stored is None:
                    media.stored = self._store_photo(source, media, image_model, collection)
                    report.photos_stored += 1
            else:
                media.stored = existing_files.get(media.sha256)
                if media.stored is None:
                    media.stored = self._store_file(source, media)
                    report.recordings_stored += 1
        # The same content may be named twice (two paths, or a photo in media and in
        # step_media): every mention gets the one stored copy.
        for media in (media for plan in plans for media in plan.files()):
            if media.stored is None:
                found = wanted.get(f"{media.kind}:{media.sha1 or media.sha256}")
                media.stored = found.stored if found is not None else None

    def _store_photo(self, source, media: CheckedMedia, image_model, collection):
        with source.open(media.path) as fileobj:
            data = fileobj.read()
        # The stored name is the model's own (CustomImage.get_upload_to): only the checked
        # format's extension is passed on.
        image = image_model(
            title=posixpath.splitext(posixpath.basename(media.path))[0][:255],
            file=ContentFile(data, name=f"photo.{media.extension}"),
            collection=collection,
            uploaded_by_user=self.user,
            file_size=media.size,
            file_hash=media.sha1,
        )
        try:
            image.save()
        finally:
            if image.file.name:
                self.stored_names.append(image.file.name)
        return image

    def _store_file(self, source, media: CheckedMedia) -> MediaFile:
        key = generated_name(
            prefix=f"{self.institution.storage_prefix}/media", extension=media.extension
        )
        with source.open(media.path) as fileobj:
            content = File(fileobj, name=key)
            # Said, not measured: File would ask the disk for a ZIP entry's name.
            content.size = media.size
            # Generated keys are new, so the storage keeps the name it is given.
            key = default_storage.save(key, content)
        self.stored_names.append(key)
        return MediaFile.objects.create(
            institution=self.institution,
            kind=media.kind,
            key=key,
            original_name=posixpath.basename(media.path)[:255],
            mime=media.mime,
            size=media.size,
            sha256=media.sha256,
            created_by=self.user,
        )

    def _write_durations(self, plans):
        changed = []
        for plan in plans:
            media = plan.item.media if plan.item.media_id else None
            if plan.duration is not None and media and media.duration_seconds != plan.duration:
                media.duration_seconds = plan.duration
                changed.append(media)
        MediaFile.objects.bulk_update(changed, ["duration_seconds"], batch_size=BATCH_SIZE)

    def _write_trades(self, plans):
        plans = [p for p in plans if p.trade_ids is not None]
        if not plans:
            return
        through = ArchiveItem.trades.through
        through.objects.filter(
            archiveitem_id__in=[p.item.pk for p in plans if p.outcome == Outcome.UPDATED]
        ).delete()
        through.objects.bulk_create(
            (
                through(archiveitem_id=plan.item.pk, trade_id=trade_id)
                for plan in plans
                for trade_id in plan.trade_ids
            ),
            batch_size=BATCH_SIZE,
        )

    def _write_tags(self, plans):
        plans = [p for p in plans if p.tags is not None]
        if not plans:
            return
        names = {tag.casefold(): tag for plan in plans for tag in plan.tags}
        tags = {
            tag.name.casefold(): tag
            for tag in Tag.objects.annotate(folded=Lower("name")).filter(
                folded__in=[name.lower() for name in names]
            )
        }
        for folded, name in names.items():
            if folded not in tags:
                tags[folded] = Tag.objects.create(name=name)
        ArchiveItemTag.objects.filter(
            content_object_id__in=[p.item.pk for p in plans if p.outcome == Outcome.UPDATED]
        ).delete()
        ArchiveItemTag.objects.bulk_create(
            (
                ArchiveItemTag(content_object_id=plan.item.pk, tag=tags[tag.casefold()])
                for plan in plans
                for tag in plan.tags
            ),
            batch_size=BATCH_SIZE,
        )

    def _replace(self, plans, *, model, part: str, change: str, rows) -> None:
        """Give the items whose `part` (photos, transcript, steps) the row sets and changes
        the `model` rows built by `rows(plan)`, in place of those they had."""
        chosen = [
            p
            for p in plans
            if getattr(p, part) and (p.outcome == Outcome.CREATED or change in p.changed)
        ]
        if not chosen:
            return
        model.objects.filter(
            item_id__in=[p.item.pk for p in chosen if p.outcome == Outcome.UPDATED]
        ).delete()
        model.objects.bulk_create(
            (row for plan in chosen for row in rows(plan)), batch_size=BATCH_SIZE
        )

    def _write_images(self, plans):
        def rows(plan):
            captions = plan.captions or [""] * len(plan.photos)
            for order, photo in enumerate(plan.photos):
                yield ItemImage(
                    item_id=plan.item.pk,
                    image=photo.stored,
                    caption=captions[order][:255],
                    sort_order=order,
                )

        self._replace(plans, model=ItemImage, part="photos", change="images", rows=rows)

    def _write_segments(self, plans):
        def rows(plan):
            for position, segment in enumerate(plan.transcript, start=1):
                yield TranscriptSegment(
                    item_id=plan.item.pk,
                    position=position,
                    start_ms=segment.start_ms,
                    end_ms=segment.end_ms,
                    speaker=segment.speaker[:120],
                    text=segment.text,
                )

        self._replace(
            plans, model=TranscriptSegment, part="transcript", change="transcript", rows=rows
        )

    def _write_steps(self, plans):
        def rows(plan):
            for order, (text, media) in enumerate(plan.steps):
                photo = media is not None and media.kind == "photo"
                yield SavoirFaireStep(
                    item_id=plan.item.pk,
                    sort_order=order,
                    text=text,
                    image=media.stored if photo else None,
                    media=media.stored if media is not None and not photo else None,
                )

        self._replace(plans, model=SavoirFaireStep, part="steps", change="steps", rows=rows)

    def _write_consents(self, plans):
        plans = [
            p
            for p in plans
            if p.consent and (p.outcome == Outcome.CREATED or "consent" in p.changed)
        ]
        if not plans:
            return
        existing = {
            consent.item_id: consent
            for consent in Consent.objects.filter(item_id__in=[p.item.pk for p in plans])
        }
        new, changed = [], []
        for plan in plans:
            consent = existing.get(plan.item.pk) or Consent(item_id=plan.item.pk)
            for name, value in plan.consent.items():
                setattr(consent, name, value)
            (changed if consent.pk else new).append(consent)
        Consent.objects.bulk_create(new, batch_size=BATCH_SIZE)
        Consent.objects.bulk_update(
            changed, ["consent_date", "scope", "embargo_until", "notes"], batch_size=BATCH_SIZE
        )

    def _write_log(self, plans, now):
        """One audit entry per item (and the resubmissions), sharing one uuid: the history
        shows "Imported" with the file and row."""
        content_type = ContentType.objects.get_for_model(ArchiveItem)
        batch = uuid.uuid4()
        entries = []
        for plan in plans:
            data = {
                "file": self.source_name,
                "row": plan.row,
                "created": plan.outcome == Outcome.CREATED,
                "status": plan.item.status,
            }
            if plan.outcome == Outcome.UPDATED:
                data["changed"] = sorted(plan.changed)
            elif plan.suggested is not None:
                data["resembles"] = plan.suggested.identifier
            entries.append(
                self._log_entry(plan.item, IMPORT_ACTION, now, batch, content_type, data)
            )
            if plan.resubmission is not None:
                entries.append(
                    self._log_entry(
                        plan.item,
                        services.RESUBMIT_ACTION,
                        now,
                        batch,
                        content_type,
                        plan.resubmission,
                    )
                )
        ArchiveItemLogEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)

    def _log_entry(self, item, action, now, batch, content_type, data):
        return ArchiveItemLogEntry(
            item_id=item.pk,
            content_type=content_type,
            label=str(item)[:255],
            action=action,
            data=data,
            timestamp=now,
            uuid=batch,
            user=self.user,
            content_changed=True,
        )


def _update_search_index(item_ids: list[int]) -> None:
    """A bulk call per search backend and batch of items, instead of one call per item (what
    post_save would do); batches keep memory flat on large imports."""
    from wagtail.search.backends import get_search_backends_with_name

    backends = list(get_search_backends_with_name(with_auto_update=True))
    for start in range(0, len(item_ids), BATCH_SIZE):
        items = list(ArchiveItem.objects.filter(pk__in=item_ids[start : start + BATCH_SIZE]))
        for name, backend in backends:
            try:
                backend.add_bulk(ArchiveItem, items)
            except Exception:
                # As Wagtail does for one item: the import is committed, and
                # `manage.py update_index` repairs the index.
                logger.exception(
                    "Indexing %d imported items failed on the '%s' search backend",
                    len(items),
                    name,
                )
                if not getattr(backend, "catch_indexing_errors", True):
                    raise
