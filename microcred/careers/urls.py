from django.urls import path

from microcred.careers import views

app_name = "careers"

urlpatterns = [
    path("", views.learner_gap, name="gap"),
    path("clients/", views.client_list, name="clients"),
    path("clients/new/", views.new_client, name="new_client"),
    path("clients/<int:client_id>/", views.client_page, name="client"),
    path("clients/<int:client_id>/target/", views.client_target, name="client_target"),
    path("clients/<int:client_id>/skills/", views.client_skills, name="client_skills"),
    path("clients/<int:client_id>/credentials/", views.client_credentials, name="client_credentials"),
    path("clients/<int:client_id>/shortlist/", views.shortlist_add, name="shortlist_add"),
    path("clients/<int:client_id>/shortlist/<int:item_id>/", views.shortlist_item, name="shortlist_item"),
]
