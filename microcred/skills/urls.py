from django.urls import path

from microcred.skills import views

app_name = "skills"

urlpatterns = [
    path("demand/", views.demand_dashboard, name="demand"),
    path("occupations/", views.occupations, name="occupations"),
    path("occupations/<int:pk>/", views.occupation, name="occupation"),
    path("imports/", views.import_page, name="imports"),
    path("imports/<int:pk>/", views.import_job, name="import_job"),
    path("embeddings/", views.embeddings, name="embeddings"),
]
