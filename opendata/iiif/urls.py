from django.urls import path

from opendata.iiif import views

# The names are the contract other modules link by (the OAI EDM record, the API, the item page).
app_name = "iiif"
urlpatterns = [
    path("collection", views.collection, name="collection"),
    path("collection/<str:code>", views.institution_collection, name="institution_collection"),
    path("<str:identifier>/manifest", views.manifest, name="manifest"),
    # Image API 3: the service's id is image/<image_id>; its info.json and the images below it.
    path("image/<int:image_id>", views.image_service, name="image_service"),
    path("image/<int:image_id>/info.json", views.image_info, name="image_info"),
    path(
        "image/<int:image_id>/<str:region>/<str:size>/<str:rotation>/<str:quality>.<str:fmt>",
        views.image,
        name="image",
    ),
]
