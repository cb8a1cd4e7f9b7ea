from django.urls import path

from microcred.catalog import alignment_views, autosave_views, views

app_name = "catalog"

urlpatterns = [
    path("", views.search, name="search"),
    path("compare/", views.compare, name="compare"),
    path("pathways/", views.pathways, name="pathways"),
    path("pathways/<slug:slug>/", views.pathway, name="pathway"),
    path("manage/<slug:provider>/", views.workspace, name="workspace"),
    path("manage/<slug:provider>/new/", views.create, name="create"),
    path("manage/<slug:provider>/new/autosave/", autosave_views.autosave_new, name="autosave_new"),
    path("<slug:provider>/<slug:slug>/", views.credential, name="credential"),
    path("<slug:provider>/<slug:slug>/v<int:version>/", views.credential_version, name="credential_version"),
    path("<slug:provider>/<slug:slug>/v<int:version>/edit/", views.edit, name="edit"),
    path("<slug:provider>/<slug:slug>/v<int:version>/edit/autosave/", autosave_views.autosave, name="autosave"),
    path("<slug:provider>/<slug:slug>/v<int:version>/align/", alignment_views.align, name="align"),
    path(
        "<slug:provider>/<slug:slug>/v<int:version>/align/suggestions/",
        alignment_views.suggestion,
        name="align_suggestion",
    ),
    path(
        "<slug:provider>/<slug:slug>/v<int:version>/<slug:action>/",
        views.transition,
        name="transition",
    ),
    path("<slug:provider>/<slug:slug>/v<int:version>/achievement.json", views.achievement, name="achievement"),
    path("<slug:provider>/<slug:slug>/v<int:version>/ctdl.json", views.ctdl, name="ctdl"),
]
