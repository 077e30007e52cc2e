from django.urls import path

from archive.views import public

# Mounted inside i18n_patterns: /<lang>/archive/...
app_name = "archive"
urlpatterns = [
    path("", public.item_list, name="list"),
    path("<str:identifier>/", public.item_detail, name="detail"),
    path("<str:identifier>/media/", public.item_media, name="media"),
    path("<str:identifier>/steps/<int:step_id>/media/", public.item_media, name="step_media"),
    path("<str:identifier>/captions.vtt", public.item_captions, name="captions"),
]
