"""Matching each plan to an item, and checking what it changes there.

A row updates the item its identifier or inventory number names. Without either, it is only
*suggested* the item it most resembles, and updates it only when the person accepts: a row
never silently changes an item it merely resembles."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from archive import services
from archive.importing.cells import fold
from archive.importing.columns import column_of, model_fields
from archive.importing.plan import Errors, Plan
from archive.importing.report import Accepted, Match, Outcome
from archive.models import (
    ArchiveItem,
    ArchiveItemTag,
    Consent,
    Institution,
    ItemImage,
    SavoirFaireStep,
    TranscriptSegment,
)

Status = ArchiveItem.Status


class Matcher:
    """Gives each plan its item (matched, suggested or new) and what the row changes on it,
    and checks the result as the admin would: the model's validation, who may change the
    item, and what an item needs to go to review."""

    def __init__(
        self,
        *,
        institution: Institution,
        actor: services.Actor | None,
        accepted: Accepted,
        status: str,
        columns: Iterable[str],
        errors: Errors,
    ):
        self.institution = institution
        self.actor = actor  # None: the system (the command line without --user)
        self.accepted = accepted
        self.status = status
        self.columns = set(columns)
        self.errors = errors

    def match(self, plans: list[Plan], rows: set[int]) -> None:
        """Match and check `plans`; `rows` are the numbers of every row of the file."""
        self._suggest(plans)
        self._compare(plans)
        self._check_accepted(plans, rows)

    def _suggest(self, plans: list[Plan]) -> None:
        """Give each row that names no item the institution's item it most resembles: the same
        first file, else the same values, else the same kind and title. Each item is matched
        or suggested once; an item with another inventory number is another object."""
        open_plans = [p for p in plans if p.existing_id is None and not p.identifier and p.kind]
        if not open_plans:
            return
        items = {
            pk: (kind, number, fold(title))
            for pk, kind, number, title in ArchiveItem.objects.filter(
                institution=self.institution
            ).values_list("pk", "kind", "inventory_number", "title")
        }
        if not items:
            return
        claimed: dict[int, int] = {p.existing_id: p.row for p in plans if p.existing_id}

        def take(plan: Plan, candidates: Iterable[int], how: str) -> None:
            for pk in candidates:
                kind, number, _title = items[pk]
                if pk in claimed or kind != plan.kind:
                    continue
                if number and plan.inventory_number and number != plan.inventory_number:
                    continue
                claimed[pk] = plan.row
                plan.existing_id, plan.match = pk, how
                return

        by_checksum = self._items_by_first_file(open_plans)
        for plan in open_plans:
            key = self._first_file_key(plan)
            if key is not None:
                take(plan, by_checksum.get(key, ()), Match.CHECKSUM)
        self._suggest_by_values(
            [p for p in open_plans if p.existing_id is None and not (p.photos or p.recording)],
            take,
        )
        by_title: dict[tuple[str, str], list[int]] = defaultdict(list)
        for pk, (kind, _number, title) in items.items():
            by_title[(kind, title)].append(pk)
        for plan in open_plans:
            if plan.existing_id is None and plan.fields.get("title"):
                candidates = by_title.get((plan.kind, fold(plan.fields["title"])), ())
                take(plan, sorted(candidates), Match.TITLE)

    @staticmethod
    def _first_file_key(plan: Plan) -> str | None:
        # Photos by the SHA-1 that Wagtail keeps on every image (`file_hash`): CustomImage
        # has no SHA-256 field.
        if plan.photos:
            return f"sha1:{plan.photos[0].sha1}"
        if plan.recording:
            return f"sha256:{plan.recording.sha256}"
        return None

    def _items_by_first_file(self, plans: list[Plan]) -> dict[str, list[int]]:
        """The institution's items by the checksum of their first file (recording or photo)."""
        by_checksum: dict[str, list[int]] = defaultdict(list)
        if not any(p.photos or p.recording for p in plans):
            return by_checksum
        institution = self.institution
        for sha256, pk in (
            ArchiveItem.objects.filter(institution=institution, media__isnull=False)
            .order_by("pk")
            .values_list("media__sha256", "pk")
        ):
            by_checksum[f"sha256:{sha256}"].append(pk)
        first_images = {}
        for item_id, file_hash, order in ItemImage.objects.filter(
            item__institution=institution
        ).values_list("item_id", "image__file_hash", "sort_order"):
            if item_id not in first_images or order < first_images[item_id][1]:
                first_images[item_id] = (file_hash, order)
        for item_id, (file_hash, _order) in sorted(first_images.items()):
            by_checksum[f"sha1:{file_hash}"].append(item_id)
        return by_checksum

    def _content_key(self, kind, fields: dict, trade_ids, tags, names) -> tuple:
        return (
            kind,
            tuple(fields.get(name) for name in names),
            frozenset(trade_ids) if trade_ids is not None else None,
            frozenset(tag.casefold() for tag in tags) if tags is not None else None,
        )

    def _suggest_by_values(self, plans: list[Plan], take) -> None:
        """Rows with neither identifier nor media: the institution's items whose values in the
        file's columns all equal the row's."""
        if not plans:
            return
        names = sorted({name for plan in plans for name in plan.fields})
        trades = defaultdict(list)
        if "trades" in self.columns:
            for item_id, trade_id in ArchiveItem.trades.through.objects.filter(
                archiveitem__institution=self.institution
            ).values_list("archiveitem_id", "trade_id"):
                trades[item_id].append(trade_id)
        tags = defaultdict(list)
        if "tags" in self.columns:
            for item_id, name in ArchiveItemTag.objects.filter(
                content_object__institution=self.institution
            ).values_list("content_object_id", "tag__name"):
                tags[item_id].append(name)
        candidates: dict[tuple, list[int]] = defaultdict(list)
        items = ArchiveItem.objects.filter(institution=self.institution).order_by("pk")
        for values in items.values("pk", "kind", *names):
            key = self._content_key(
                values["kind"],
                values,
                trades[values["pk"]] if "trades" in self.columns else None,
                tags[values["pk"]] if "tags" in self.columns else None,
                names,
            )
            candidates[key].append(values["pk"])
        defaults = self._defaults(names)
        for plan in plans:
            fields = {**defaults, **plan.fields}
            key = self._content_key(plan.kind, fields, plan.trade_ids, plan.tags, names)
            take(plan, candidates.get(key, ()), Match.VALUES)

    @staticmethod
    def _defaults(names) -> dict:
        return {name: ArchiveItem._meta.get_field(name).get_default() for name in names}

    # --- Building items and comparing them with what exists ------------------------------------

    def _compare(self, plans: list[Plan]) -> None:
        existing_ids = [plan.existing_id for plan in plans if plan.existing_id]
        existing = ArchiveItem.objects.select_related("media").in_bulk(existing_ids)
        related = self._related(plans, existing_ids)
        for plan in plans:
            item = existing.get(plan.existing_id)
            if item is not None and plan.match in Match.EXACT:
                if plan.kind != item.kind:
                    self.errors.add(
                        plan.row,
                        "kind",
                        _("The item %(identifier)s is %(kind)s; its kind cannot change.")
                        % {"identifier": item.identifier, "kind": item.get_kind_display()},
                    )
                    continue
                refusal = self._refusal(item)
                if refusal is not None:
                    self.errors.add(plan.row, plan.match, refusal)
                    continue
            elif item is not None and self._refusal(item) is not None:
                item = None  # not an item this account could update: nothing to suggest
            if item is not None:
                changed = {
                    name for name, value in plan.fields.items() if getattr(item, name) != value
                }
                changed |= self._related_changes(plan, item, *related)
                plan.changed, plan.status_before = changed, item.status
                plan.resubmits = bool(changed) and services.item_change_resubmits(
                    item=item, actor=self.actor
                )
                if changed and plan.match not in Match.EXACT and not self._accepts(plan, item):
                    # Only resembled: the row creates an item, and the report says which.
                    plan.suggested, item = item, None
            if item is None:
                item = ArchiveItem(institution=self.institution, kind=plan.kind)
                plan.item, plan.existing_id = item, None
                plan.outcome = Outcome.CREATED
                for name, value in plan.fields.items():
                    setattr(item, name, value)
                if plan.identifier:
                    item.identifier = plan.identifier
            else:
                plan.item = item
                for name in plan.changed & plan.fields.keys():
                    setattr(item, name, plan.fields[name])
                plan.outcome = Outcome.UPDATED if plan.changed else Outcome.UNCHANGED
            if plan.duration is not None and not plan.recording and not item.media_id:
                self.errors.add(
                    plan.row, "duration", _("The duration goes with a recording, named in media.")
                )
            self._validate(plan)
        if self.status != Status.DRAFT:
            for plan in plans:
                if plan.outcome == Outcome.CREATED:
                    self._check_complete(plan)

    def _refusal(self, item: ArchiveItem) -> str | None:
        if self.actor is None:
            return None
        return services.item_action_refusal(actor=self.actor, item=item, action="change")

    def _accepts(self, plan: Plan, item: ArchiveItem) -> bool:
        """Whether the person confirmed the suggested update of `item` by this row."""
        if not self.accepted.covers(plan.row):
            return False
        expected = self.accepted.expected(plan.row)
        if expected and expected != item.identifier:
            self.errors.add(
                plan.row,
                "",
                _(
                    "You confirmed the update of %(expected)s, but this row now resembles "
                    "%(found)s. Check the file again."
                )
                % {"expected": expected, "found": item.identifier},
            )
            return False
        return True

    def _check_accepted(self, plans: list[Plan], rows: set[int]) -> None:
        """A confirmed row must still suggest an item: a confirmation never turns into the
        creation of an item the person did not see."""
        planned = {plan.row: plan for plan in plans}
        for row in sorted(self.accepted.rows):
            plan = planned.get(row)
            if row not in rows:
                self.errors.add(row, "", _("The file has no row %(row)d.") % {"row": row})
            elif plan is not None and plan.match in ("", *Match.EXACT):
                self.errors.add(
                    row, "", _("This row resembles no item: there is no update to confirm.")
                )

    def _related(self, plans, existing_ids):
        """What the matched items have that the file may change, in one query each."""
        trades, tags, images, steps, segments, consents = (defaultdict(list) for _ in range(6))
        if not existing_ids:
            return trades, tags, images, steps, segments, consents
        if "trades" in self.columns:
            for item_id, trade_id in ArchiveItem.trades.through.objects.filter(
                archiveitem_id__in=existing_ids
            ).values_list("archiveitem_id", "trade_id"):
                trades[item_id].append(trade_id)
        if "tags" in self.columns:
            for item_id, name in ArchiveItemTag.objects.filter(
                content_object_id__in=existing_ids
            ).values_list("content_object_id", "tag__name"):
                tags[item_id].append(name)
        with_photos = [p.existing_id for p in plans if p.existing_id and p.photos]
        for row in (
            ItemImage.objects.filter(item_id__in=with_photos)
            .order_by("sort_order")
            .values("item_id", "image__file_hash", "caption")
        ):
            images[row["item_id"]].append((row["image__file_hash"], row["caption"]))
        with_steps = [p.existing_id for p in plans if p.existing_id and p.steps is not None]
        for row in (
            SavoirFaireStep.objects.filter(item_id__in=with_steps)
            .order_by("sort_order")
            .values("item_id", "text", "image__file_hash", "media__sha256")
        ):
            steps[row["item_id"]].append(
                (row["text"], row["image__file_hash"] or row["media__sha256"] or None)
            )
        with_transcript = [p.existing_id for p in plans if p.existing_id and p.transcript]
        for row in (
            TranscriptSegment.objects.filter(item_id__in=with_transcript)
            .order_by("position")
            .values_list("item_id", "start_ms", "end_ms", "speaker", "text")
        ):
            segments[row[0]].append(tuple(row[1:]))
        with_consent = [p.existing_id for p in plans if p.existing_id and p.consent]
        for consent in Consent.objects.filter(item_id__in=with_consent):
            consents[consent.item_id] = consent
        return trades, tags, images, steps, segments, consents

    def _related_changes(
        self, plan, item, trades, tags, images, steps, segments, consents
    ) -> set[str]:
        """What the row changes among the item's trades, tags, files, transcript, consent."""
        changed = set()
        if plan.trade_ids is not None and set(plan.trade_ids) != set(trades[item.pk]):
            changed.add("trades")
        if plan.tags is not None and {t.casefold() for t in plan.tags} != {
            t.casefold() for t in tags[item.pk]
        }:
            changed.add("tags")
        if plan.photos:
            wanted = [
                (photo.sha1, (plan.captions or [""] * len(plan.photos))[i])
                for i, photo in enumerate(plan.photos)
            ]
            if wanted != images[item.pk]:
                changed.add("images")
        if plan.recording:
            current = item.media.sha256 if item.media_id else None
            if plan.recording.sha256 != current:
                changed.add("media")
        if plan.duration is not None and (
            not item.media_id or item.media.duration_seconds != plan.duration
        ):
            changed.add("duration")
        if plan.transcript:
            wanted = [(s.start_ms, s.end_ms, s.speaker, s.text) for s in plan.transcript]
            if wanted != segments[item.pk]:
                changed.add("transcript")
        if plan.steps is not None:
            wanted = [
                (text, (media.sha1 or media.sha256) if media else None)
                for text, media in plan.steps
            ]
            if wanted != steps[item.pk]:
                changed.add("steps")
        if plan.consent:
            current = consents.get(item.pk)
            if current is None or any(
                getattr(current, name) != value for name, value in plan.consent.items()
            ):
                changed.add("consent")
        return changed

    def _validate(self, plan: Plan) -> None:
        item = plan.item
        # Only what the row sets: the rest holds defaults or values already validated.
        exclude = [name for name in model_fields() if name not in plan.fields]
        try:
            item.clean_fields(exclude=exclude)
            item.clean()
        except ValidationError as error:
            self.errors.from_validation(plan.row, error)

    def _check_complete(self, plan: Plan) -> None:
        """What `services` asks of an item before it goes to review, asked of the row."""
        for part, message in services.review_gaps(
            kind=plan.kind,
            has_images=bool(plan.photos),
            has_recording_or_transcript=bool(plan.recording or plan.transcript),
            has_consent=bool(plan.consent),
        ):
            self.errors.add(plan.row, column_of(part), message)
