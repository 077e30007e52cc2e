"""Mounted inside i18n_patterns at newsletter/: /fr/newsletter/, /en/newsletter/ ..."""

from django.urls import path

from home.newsletter import views

app_name = "newsletter"

urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("check-your-inbox/", views.check_inbox, name="check_inbox"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path(
        "unsubscribe/<str:token>/one-click/",
        views.unsubscribe_one_click,
        name="unsubscribe_one_click",
    ),
]
