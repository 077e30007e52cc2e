from django.urls import path

from search import views

# Mounted inside i18n_patterns: /<lang>/search/...
app_name = "search"
urlpatterns = [
    path("", views.search, name="search"),
    path("suggest/", views.suggest, name="suggest"),
]
