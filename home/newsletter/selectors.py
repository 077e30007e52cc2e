"""Reads: who receives which newsletter."""

from django.db.models import Count, QuerySet

from home.newsletter.models import Audience, Subscription


def subscribers_for_audience(*, audience: str) -> QuerySet[Subscription]:
    """Confirmed subscribers of one audience, by email address: the mailing list itself."""
    return Subscription.objects.confirmed().filter(audience=audience).order_by("email")


def subscriber_counts_by_audience() -> list[tuple[Audience, int]]:
    """Every audience with its number of confirmed subscribers (0 included), in form order."""
    counts = dict(
        Subscription.objects.confirmed()
        .order_by()
        .values_list("audience")
        .annotate(total=Count("pk"))
        .values_list("audience", "total")
    )
    return [(audience, counts.get(audience.value, 0)) for audience in Audience]
