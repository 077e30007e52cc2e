from django.utils.translation import gettext_lazy as _

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from home.models import TrainingTopic


class TrainingTopicViewSet(SnippetViewSet):
    model = TrainingTopic
    icon = "folder-open-inverse"
    menu_label = _("Training topics")
    list_display = ["name", "locale"]
    search_fields = ["name"]


register_snippet(TrainingTopicViewSet)
