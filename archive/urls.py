from django.urls import path

from archive import views

# Mounted inside i18n_patterns: /<lang>/archive/...
app_name = "archive"
urlpatterns = [
    path("", views.item_list, name="list"),
    path("<str:identifier>/", views.item_detail, name="detail"),
    path("<str:identifier>/media/", views.item_media, name="media"),
    path("<str:identifier>/steps/<int:step_id>/media/", views.item_media, name="step_media"),
    path("<str:identifier>/captions.vtt", views.item_captions, name="captions"),
]
