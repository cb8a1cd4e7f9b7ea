from django.urls import path

from microcred.reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.platform, name="platform"),
    path("<slug:slug>/", views.dashboard, name="dashboard"),
    path("<slug:slug>/credentials/<int:credential_id>/", views.credential, name="credential"),
    path("<slug:slug>/awards.csv", views.awards_export, {"fmt": "csv"}, name="awards_csv"),
    path("<slug:slug>/awards.json", views.awards_export, {"fmt": "json"}, name="awards_json"),
]
