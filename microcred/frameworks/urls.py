from django.urls import path

from microcred.frameworks import views

app_name = "frameworks"

urlpatterns = [
    path("", views.framework_list, name="list"),
    path("uri/<str:identifier>", views.by_uri, name="uri"),
    path("imports/<int:job_id>/", views.import_job, name="import_job"),
    path("crosswalks/<int:crosswalk_id>/", views.crosswalk, name="crosswalk"),
    path("crosswalks/<int:crosswalk_id>/decide/", views.crosswalk_action, name="crosswalk_action"),
    path("manage/<slug:organization>/import/", views.start_import, name="import"),
    path("manage/<slug:organization>/new/", views.create_framework, name="create"),
    path("<slug:slug>/", views.framework, name="framework"),
    path("<slug:slug>/v/<str:version>/", views.framework_version, name="framework_version"),
    path("<slug:slug>/v/<str:version>/crosswalk/", views.create_crosswalk, name="create_crosswalk"),
    path("<slug:slug>/v/<str:version>/suggest-esco/", views.suggest_esco, name="suggest_esco"),
    path("<slug:slug>/v/<str:version>/edit/", views.edit, name="edit"),
    path("<slug:slug>/v/<str:version>/children/<str:identifier>/", views.children, name="children"),
    path("<slug:slug>/v/<str:version>/c/<str:identifier>/", views.competency, name="competency"),
]
