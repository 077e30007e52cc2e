app_name = "iiif"
urlpatterns: list = []
