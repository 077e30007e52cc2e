"""Signal wiring for home: cached navigation is forgotten whenever what it shows may change,
and a published programme or event fills its new seats from the waiting lists."""

from django.db.models.signals import post_delete, post_save

from wagtail.models import Page
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from home import navigation, services
from home.models import EventPage, NavigationSettings, ProgrammePage, Slot


def promote_after_publish(sender, instance, **kwargs) -> None:
    """A published programme or event may have more seats than before: fill them from the
    waiting lists."""
    page = instance.specific
    if isinstance(page, ProgrammePage):
        rows = page.sessions.all()
    elif isinstance(page, EventPage):
        rows = page.sites.all()
    else:
        return
    for row in rows:
        if row.capacity:
            services.waiting_list_refresh(slot=Slot(row))


def connect() -> None:
    post_save.connect(navigation.invalidate, sender=NavigationSettings, dispatch_uid="nav-save")
    for signal, uid in (
        (page_published, "nav-published"),
        (page_unpublished, "nav-unpublished"),
        (page_slug_changed, "nav-slug"),
        (post_page_move, "nav-move"),
    ):
        signal.connect(navigation.invalidate, dispatch_uid=uid)
    post_delete.connect(navigation.invalidate, sender=Page, dispatch_uid="nav-delete")
    page_published.connect(promote_after_publish, dispatch_uid="registrations-promote")
