"""Snippets and vocabularies (Trade, Member, TrainingTopic), and archive institutions, accounts
and items.

Translatable rows get the default locale (French) unless `locale=` is passed.
"""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify

import factory

from archive import services
from archive.models import ArchiveItem, Contributor, Institution, ItemImage, Member, Trade
from home.models import TrainingTopic
from tests.factories.images import CustomImageFactory


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


# --- Archive institutions, accounts and items ----------------------------------------------
# Built through archive.services, so that collections, groups, permissions and identifiers are
# the real ones.


class UserFactory(factory.django.DjangoModelFactory):
    """An account with a usable email address; `password` is "x"."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"compte{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@fabrique.invalid")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    password = factory.django.Password("x")


class InstitutionFactory(factory.django.DjangoModelFactory):
    """A contributing institution set up by `services.institution_setup`: its member, its
    collection and its contributor group."""

    class Meta:
        model = Institution

    member = factory.SubFactory(MemberFactory)
    code = factory.Sequence(lambda n: f"M{n:03d}")

    @classmethod
    def _create(cls, model_class, member, code):
        return services.institution_setup(member=member, code=code)


class ContributorFactory(factory.django.DjangoModelFactory):
    """A contributor account of `institution`, added by `services.contributor_add`."""

    class Meta:
        model = Contributor

    user = factory.SubFactory(UserFactory)
    institution = factory.SubFactory(InstitutionFactory)

    @classmethod
    def _create(cls, model_class, user, institution):
        return services.contributor_add(user=user, institution=institution)


def moderator(username: str = "moderatrice"):
    """An account in the "Archive moderators" group (not a superuser)."""
    user = UserFactory(username=username)
    user.groups.add(services.ensure_moderators_group())
    return user


def _factory_author():
    return get_user_model().objects.get_or_create(
        username="usine-a-fiches", defaults={"is_superuser": True, "is_staff": True}
    )[0]


class ArchiveItemFactory(factory.django.DjangoModelFactory):
    """An item created by `services.item_create` (so it has a real identifier), then put
    straight into `status` (a test shortcut: the transitions are tested on their own).

    `created_by` defaults to a superuser; `images=2` adds two images in the institution's
    collection."""

    class Meta:
        model = ArchiveItem
        skip_postgeneration_save = True

    institution = factory.SubFactory(InstitutionFactory)
    kind = ArchiveItem.Kind.PHOTO
    title = factory.Sequence(lambda n: f"Mineurs à la remonte, fosse {n}")
    summary = "Une équipe remonte du fond en fin de poste."
    created_by = None
    status = ArchiveItem.Status.DRAFT

    @classmethod
    def _create(cls, model_class, *, institution, kind, created_by, status, **fields):
        item = services.item_create(
            institution=institution, kind=kind, user=created_by or _factory_author(), **fields
        )
        if status != ArchiveItem.Status.DRAFT:
            published_at = timezone.now() if status == ArchiveItem.Status.PUBLISHED else None
            ArchiveItem.objects.filter(pk=item.pk).update(status=status, published_at=published_at)
            item.refresh_from_db()
        return item

    @factory.post_generation
    def images(self, create, extracted, **kwargs):
        for position in range(extracted or 0):
            ItemImage.objects.create(
                item=self,
                sort_order=position,
                image=CustomImageFactory(collection=self.institution.collection),
                caption=f"Vue {position + 1}",
            )
