"""Archive items as the public site sees them, with their consents, recordings, images and
transcripts.

Unlike tests.factories.archive.ArchiveItemFactory (a draft made through archive.services, for
the workspace and moderation tests), these write published, public items straight to the
database with the publication date, access, consent and place a public-page test needs.
Institutions and accounts come from tests.factories.archive. Oral histories get a consent that
allows the public web (`consent=None` leaves it out). `MediaFileFactory` writes real bytes to
the default storage under a generated key.
"""

import datetime
import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

import factory

from archive.models import (
    ArchiveItem,
    Consent,
    ItemImage,
    MediaFile,
    TranscriptSegment,
)
from tests.factories.archive import InstitutionFactory
from tests.factories.images import CustomImageFactory


class PublishedItemFactory(factory.django.DjangoModelFactory):
    """A published, public photo record from Roubaix. Pass `trades=[...]` for trades."""

    class Meta:
        model = ArchiveItem
        skip_postgeneration_save = True

    kind = ArchiveItem.Kind.PHOTO
    institution = factory.SubFactory(InstitutionFactory)
    identifier = factory.LazyAttributeSequence(lambda o, n: f"FAB-{o.institution.code}-{n:04d}")
    title = factory.Sequence(lambda n: f"Salle des métiers à tisser n° {n}")
    summary = "Les métiers à tisser de la filature, photographiés par le contremaître."
    commune = "Roubaix"
    region = "Hauts-de-France"
    country = "FR"
    status = ArchiveItem.Status.PUBLISHED
    access = ArchiveItem.Access.PUBLIC
    rights = ArchiveItem.Rights.CC_BY
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def trades(self, create, extracted, **kwargs):
        if create and extracted:
            self.trades.set(extracted)
            self.save()


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    item = factory.SubFactory("tests.factories.items.PublishedOralHistoryFactory", consent=None)
    consent_date = datetime.date(2023, 11, 14)
    scope = Consent.Scope.PUBLIC_WEB


class PublishedOralHistoryFactory(PublishedItemFactory):
    """An interview with a consent for the public web (override with `consent__scope=...`,
    `consent__embargo_until=...`, `consent__withdrawn_at=...`)."""

    kind = ArchiveItem.Kind.ORAL_HISTORY
    title = factory.Sequence(lambda n: f"Souvenirs d’une tisserande n° {n}")
    narrators = "Jeannine D."
    language = "fr"
    consent = factory.RelatedFactory(ConsentFactory, factory_related_name="item")


class MediaFileFactory(factory.django.DjangoModelFactory):
    """A recording stored for real: the `data` bytes, written under a generated key."""

    class Meta:
        model = MediaFile

    class Params:
        data = bytes(range(256)) * 4

    institution = factory.SubFactory(InstitutionFactory)
    kind = MediaFile.Kind.AUDIO
    key = factory.LazyAttributeSequence(
        lambda o, n: default_storage.save(
            f"{o.institution.storage_prefix}/media/2026/01/{n:032x}.wav", ContentFile(o.data)
        )
    )
    mime = "audio/wav"
    size = factory.LazyAttribute(lambda o: len(o.data))
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.data).hexdigest())
    duration_seconds = 30


class ItemImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ItemImage

    item = factory.SubFactory(PublishedItemFactory)
    image = factory.SubFactory(CustomImageFactory)
    caption = "Métier Jacquard de la salle de tissage."
    sort_order = factory.Sequence(int)


class TranscriptSegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TranscriptSegment

    item = factory.SubFactory(PublishedOralHistoryFactory)
    position = factory.Sequence(int)
    speaker = "Jeannine D."
    text = "On avait les métiers dans la tête."
