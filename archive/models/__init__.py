from archive.models.audit import ArchiveItemLogEntry
from archive.models.base import CustomImage, CustomRendition, Member, Trade
from archive.models.items import (
    ArchiveItem,
    ArchiveItemTag,
    Consent,
    Contributor,
    Institution,
    ItemImage,
    MediaFile,
    SavoirFaireStep,
    TranscriptSegment,
)
from archive.models.mail import QueuedEmail

__all__ = [
    "ArchiveItem",
    "ArchiveItemLogEntry",
    "ArchiveItemTag",
    "Consent",
    "Contributor",
    "CustomImage",
    "CustomRendition",
    "Institution",
    "ItemImage",
    "MediaFile",
    "Member",
    "QueuedEmail",
    "SavoirFaireStep",
    "Trade",
    "TranscriptSegment",
]
