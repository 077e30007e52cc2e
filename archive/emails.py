"""The emails that tell a contributor about a moderator's decision on their item. Sent after
commit by archive.services, in the language the contributor chose for the admin."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from archive.models import ArchiveItem


def _preferred_language(user) -> str:
    """The user's admin language if they chose one, else the site's default language."""
    try:
        language = user.wagtail_userprofile.preferred_language
    except ObjectDoesNotExist:
        language = ""
    return language or settings.LANGUAGE_CODE


def _admin_url(item: ArchiveItem) -> str:
    try:
        path = reverse("archive_items:edit", args=[item.pk])
    except NoReverseMatch:
        path = reverse("wagtailadmin_home")
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def item_creator_notify(*, item_id: int, template: str) -> None:
    """Tell the item's creator about a moderation decision, in their language."""
    item = ArchiveItem.objects.select_related("created_by", "institution__member").get(pk=item_id)
    user = item.created_by
    if user is None or not user.email:
        return
    with translation.override(_preferred_language(user)):
        context = {
            "item": item,
            "user": user,
            "admin_url": _admin_url(item),
            "site_name": settings.WAGTAIL_SITE_NAME,
        }
        subject = render_to_string(f"archive/emails/{template}_subject.txt", context)
        body = render_to_string(f"archive/emails/{template}.txt", context)
    send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [user.email])
