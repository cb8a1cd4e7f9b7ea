from django.urls import path

from microcred.europe import views

app_name = "europe"

urlpatterns = [
    path("import/<slug:provider>/", views.import_elm, name="import"),
    path("<slug:provider>/<slug:slug>/v<int:version>/", views.elements, name="elements"),
    path("<slug:provider>/<slug:slug>/v<int:version>/elm.json", views.elm, name="elm"),
]
