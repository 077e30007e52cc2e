from django.utils.translation import gettext_lazy as _

from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from archive.models import Member, Trade


class LogoColumn(Column):
    """Shows the member's logo as a small thumbnail in the listing."""

    cell_template_name = "archive/admin/logo_cell.html"


class MemberViewSet(SnippetViewSet):
    model = Member
    icon = "group"
    menu_label = _("Members")
    list_display = [LogoColumn("logo", label=_("Logo")), "name", "kind", "commune", "region"]
    list_filter = ["kind", "country", "region"]
    search_fields = ["name", "commune", "region"]
    ordering = ["name"]


class TradeViewSet(SnippetViewSet):
    model = Trade
    icon = "tag"
    menu_label = _("Trades")
    list_display = ["name", "parent", "slug"]
    search_fields = ["name", "slug"]


class NetworkGroup(SnippetViewSetGroup):
    items = (MemberViewSet, TradeViewSet)
    menu_icon = "group"
    menu_label = _("Network")
    menu_name = "network"


register_snippet(NetworkGroup)
