"""The emails that tell a contributor about a moderator's decision on their item, in the
language the contributor chose for the admin. archive.services queues them (archive.mail) in the
decision's transaction; the task queue writes each from the item's id when it sends it."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from archive.mail import email_queue
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
    """Tell the item's creator about a moderation decision (queued with the decision)."""
    email_queue(renderer="archive.emails.item_creator_message", item_id=item_id, template=template)


def item_creator_message(*, item_id: int, template: str) -> EmailMessage | None:
    """The message `template` to the item's creator, in their language; None if the item or
    its creator's address is gone."""
    item = (
        ArchiveItem.objects.select_related("created_by", "institution__member")
        .filter(pk=item_id)
        .first()
    )
    user = item.created_by if item else None
    if user is None or not user.email:
        return None
    with translation.override(_preferred_language(user)):
        context = {
            "item": item,
            "user": user,
            "admin_url": _admin_url(item),
            "site_name": settings.WAGTAIL_SITE_NAME,
        }
        subject = render_to_string(f"archive/emails/{template}_subject.txt", context)
        body = render_to_string(f"archive/emails/{template}.txt", context)
    return EmailMessage(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [user.email])
