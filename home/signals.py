"""Signal wiring for home: cached navigation is forgotten whenever what it shows may change."""

from django.db.models.signals import post_delete, post_save

from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from home import navigation


def connect() -> None:
    from home.models import NavigationSettings

    post_save.connect(navigation.invalidate, sender=NavigationSettings, dispatch_uid="nav-save")
    for signal, uid in (
        (page_published, "nav-published"),
        (page_unpublished, "nav-unpublished"),
        (page_slug_changed, "nav-slug"),
        (post_page_move, "nav-move"),
    ):
        signal.connect(navigation.invalidate, dispatch_uid=uid)
    from wagtail.models import Page

    post_delete.connect(navigation.invalidate, sender=Page, dispatch_uid="nav-delete")
