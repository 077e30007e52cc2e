"""Page factories. Every page needs `parent=`; only a HomePage may go under the tree root.

Example: `NewsPageFactory(parent=NewsIndexPageFactory(parent=site_tree.home))`.
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

from wagtail.rich_text import RichText

import factory
import wagtail_factories

from home.models import (
    ContactFormField,
    ContactPage,
    EventIndexPage,
    EventPage,
    EventSite,
    HomePage,
    MapPage,
    MemberDirectoryPage,
    NewsIndexPage,
    NewsPage,
    ProgrammeIndexPage,
    ProgrammePage,
    ProgrammeSession,
    StandardPage,
)


def body(text: str = "Un paragraphe de présentation.") -> list:
    """A StreamField value with one paragraph, for pages whose body is required."""
    return [("paragraph", RichText(f"<p>{text}</p>"))]


def in_days(days: int, hour: int = 10) -> datetime.datetime:
    """An aware datetime `days` from today at `hour` o'clock, Paris time."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class _PageFactory(wagtail_factories.PageFactory):
    """Refuses to create a page without a parent: wagtail-factories would make it a new tree
    root, which no real site has."""

    class Meta:
        abstract = True

    slug = factory.LazyAttribute(lambda o: slugify(o.title))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if kwargs.get("parent") is None:
            raise ValueError(f"{cls.__name__} needs parent=<page>")
        return super()._create(model_class, *args, **kwargs)


class HomePageFactory(_PageFactory):
    class Meta:
        model = HomePage

    title = "Accueil"
    hero_title = "Le patrimoine industriel, vivant"
    hero_text = "Musées, associations et entreprises qui gardent la mémoire du travail."


class StandardPageFactory(_PageFactory):
    class Meta:
        model = StandardPage

    title = factory.Sequence(lambda n: f"À propos {n}")
    intro = "Qui nous sommes."
    body = factory.LazyFunction(body)


class NewsIndexPageFactory(_PageFactory):
    class Meta:
        model = NewsIndexPage

    title = "Actualités"
    intro = "Les nouvelles du réseau."


class NewsPageFactory(_PageFactory):
    """`tags=["mine", "textile"]` tags the article."""

    class Meta:
        model = NewsPage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Réouverture de la filature {n}")
    date = factory.LazyFunction(timezone.localdate)
    intro = "La filature rouvre ses portes après deux ans de travaux."
    body = factory.LazyFunction(body)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if extracted:
            self.tags.add(*extracted)
            if create:
                self.save()


class ProgrammeIndexPageFactory(_PageFactory):
    class Meta:
        model = ProgrammeIndexPage

    title = "Formations"
    intro = "Les programmes de formation du réseau."


class ProgrammePageFactory(_PageFactory):
    class Meta:
        model = ProgrammePage

    year = factory.LazyFunction(lambda: timezone.localdate().year)
    title = factory.LazyAttribute(lambda o: f"Programme {o.year}")
    intro = "Des sessions pour les équipes bénévoles et salariées."


class ProgrammeSessionFactory(factory.django.DjangoModelFactory):
    """Needs `page=<ProgrammePage>`; takes the page's locale."""

    class Meta:
        model = ProgrammeSession

    title = factory.Sequence(lambda n: f"Accueillir les publics {n}")
    starts_at = factory.LazyFunction(lambda: in_days(30, 9))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=7))
    place = "Lewarde, Centre historique minier"


class EventIndexPageFactory(_PageFactory):
    class Meta:
        model = EventIndexPage

    title = "Agenda"
    intro = "Ce qui se passe dans le réseau."


class EventPageFactory(_PageFactory):
    class Meta:
        model = EventPage

    title = factory.Sequence(lambda n: f"Journées portes ouvertes {n}")
    kind = EventPage.Kind.OPEN_FACTORY
    start = factory.LazyFunction(lambda: in_days(10, 10))
    end = factory.LazyAttribute(lambda o: o.start + datetime.timedelta(hours=8))
    intro = "Les ateliers ouvrent leurs portes au public."


class EventSiteFactory(factory.django.DjangoModelFactory):
    """Needs `page=<EventPage>`; takes the page's locale. `located=False` leaves out coordinates."""

    class Meta:
        model = EventSite

    class Params:
        located = True

    name = factory.Sequence(lambda n: f"Filature Agache {n}")
    # Sites are Orderable: without a sort order their order on the page is the database's whim.
    sort_order = factory.Sequence(lambda n: n)
    address = "1 rue de la Filature"
    commune = "Roubaix"
    latitude = factory.Maybe("located", Decimal("50.690100"), None)
    longitude = factory.Maybe("located", Decimal("3.181700"), None)


class MemberDirectoryPageFactory(_PageFactory):
    class Meta:
        model = MemberDirectoryPage

    title = "Les membres"
    intro = "Les institutions du réseau, sur la carte et en liste."


class MapPageFactory(_PageFactory):
    class Meta:
        model = MapPage

    title = "Carte du patrimoine"
    intro = "Les membres, les sites des journées portes ouvertes et les lieux de l’archive."


class ContactPageFactory(_PageFactory):
    class Meta:
        model = ContactPage

    title = "Contact"
    intro = "<p>Écrivez-nous, nous répondons sous une semaine.</p>"
    thank_you_text = "<p>Merci, votre message est bien arrivé.</p>"
    to_address = "contact@fabrique.invalid"
    from_address = "noreply@fabrique.invalid"
    subject = "Message du site"


class ContactFormFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactFormField

    label = factory.Sequence(lambda n: f"Champ {n}")
    field_type = "singleline"
    required = True
