"""The member directory: a list and a map of the network's institutions."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.search import index

from archive import selectors as archive_selectors
from archive.models import Member
from home.maps import map_context


class MemberDirectoryPage(Page):
    """Lists member institutions (snippets), filterable by kind and region, on a map."""

    intro = models.TextField(
        _("introduction"), blank=True, help_text=_("Shown above the map and the list.")
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("member directory")
        verbose_name_plural = _("member directories")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        kind = request.GET.get("kind", "")
        if kind not in Member.Kind.values:
            kind = ""
        regions = archive_selectors.member_regions()
        region = request.GET.get("region", "")
        if region not in regions:
            region = ""
        members = list(
            archive_selectors.members_for_directory(
                kind=kind, region=region, locale_id=self.locale_id
            )
        )
        context.update(
            members=members,
            kinds=Member.Kind.choices,
            regions=regions,
            active_kind=kind,
            active_region=region,
            **map_context(members, anchor_prefix="member-"),
        )
        return context
