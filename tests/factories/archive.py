"""Snippets and vocabularies: Trade, Member, TrainingTopic.

Translatable rows get the default locale (French) unless `locale=` is passed.
"""

from decimal import Decimal

from django.utils.text import slugify

import factory

from archive.models import Member, Trade
from home.models import TrainingTopic


class TradeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trade

    name = factory.Sequence(lambda n: f"Tisserand {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class TrainingTopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingTopic

    name = factory.Sequence(lambda n: f"Mécénat {n}")
    description = "Trouver des mécènes pour un musée associatif."


class MemberFactory(factory.django.DjangoModelFactory):
    """A member institution; `located=False` gives one without coordinates (not on the map)."""

    class Meta:
        model = Member
        skip_postgeneration_save = True

    class Params:
        located = True

    name = factory.Sequence(lambda n: f"Musée de la mine {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = Member.Kind.MUSEUM
    commune = "Bruay-la-Buissière"
    region = "Hauts-de-France"
    country = Member.Country.FRANCE
    latitude = factory.Maybe("located", Decimal("50.482300"), None)
    longitude = factory.Maybe("located", Decimal("2.548200"), None)
    description = "Un carreau de fosse et ses machines, ouverts au public."

    @factory.post_generation
    def trades(self, create, extracted, **kwargs):
        if create and extracted:
            self.trades.set(extracted)
            self.save()
