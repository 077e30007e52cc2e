"""Home's models. Modules the page models import (listings, selectors, services, emails,
forms, views, navigation) import the model submodule they need, never this package, which is
still loading when they run."""

from home.models.base import HomePage, StandardPage
from home.models.contact import ContactFormField, ContactPage
from home.models.events import EventIndexPage, EventPage, EventSite
from home.models.heritage_map import MapPage
from home.models.members import MemberDirectoryPage
from home.models.navigation import NavigationSettings
from home.models.news import NewsIndexPage, NewsPage, NewsPageTag
from home.models.programmes import (
    ProgrammeIndexPage,
    ProgrammePage,
    ProgrammeSession,
    TrainingTopic,
)
from home.models.registrations import Registration, Slot

__all__ = [
    "ContactFormField",
    "ContactPage",
    "EventIndexPage",
    "EventPage",
    "EventSite",
    "HomePage",
    "MapPage",
    "MemberDirectoryPage",
    "NavigationSettings",
    "NewsIndexPage",
    "NewsPage",
    "NewsPageTag",
    "ProgrammeIndexPage",
    "ProgrammePage",
    "ProgrammeSession",
    "Registration",
    "Slot",
    "StandardPage",
    "TrainingTopic",
]
