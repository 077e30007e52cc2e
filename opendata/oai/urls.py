app_name = "oai"
urlpatterns: list = []
