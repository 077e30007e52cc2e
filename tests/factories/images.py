"""Images: the project's CustomImage, in the root collection."""

from wagtail.models import Collection

import factory
import wagtail_factories

from archive.models import CustomImage


class CustomImageFactory(wagtail_factories.ImageFactory):
    """A small real JPEG; wagtail-factories' own default would create a new root collection."""

    class Meta:
        model = CustomImage

    title = factory.Sequence(lambda n: f"Photographie {n}")
    file = factory.django.ImageField(width=640, height=480, color="gray", format="JPEG")
    collection = factory.LazyFunction(Collection.get_first_root_node)
    alt_text = "Métier à tisser Jacquard dans l'atelier du musée"
    credit = "© Musée de la mine"
