from django.urls import path

from home import views

# Mounted inside i18n_patterns: /<lang>/registration/cancel/<token>/
urlpatterns = [
    path("registration/cancel/<str:token>/", views.registration_cancel, name="registration_cancel"),
]
