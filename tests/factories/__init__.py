"""factory_boy factories for the project's models, next to the tests that use them."""

from tests.factories.archive import MemberFactory, TradeFactory, TrainingTopicFactory
from tests.factories.images import CustomImageFactory
from tests.factories.pages import (
    ContactFormFieldFactory,
    ContactPageFactory,
    EventIndexPageFactory,
    EventPageFactory,
    EventSiteFactory,
    HomePageFactory,
    MapPageFactory,
    MemberDirectoryPageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    ProgrammeIndexPageFactory,
    ProgrammePageFactory,
    ProgrammeSessionFactory,
    StandardPageFactory,
    body,
    in_days,
)

__all__ = [
    "ContactFormFieldFactory",
    "ContactPageFactory",
    "CustomImageFactory",
    "EventIndexPageFactory",
    "EventPageFactory",
    "EventSiteFactory",
    "HomePageFactory",
    "MapPageFactory",
    "MemberDirectoryPageFactory",
    "MemberFactory",
    "NewsIndexPageFactory",
    "NewsPageFactory",
    "ProgrammeIndexPageFactory",
    "ProgrammePageFactory",
    "ProgrammeSessionFactory",
    "StandardPageFactory",
    "TradeFactory",
    "TrainingTopicFactory",
    "body",
    "in_days",
]
