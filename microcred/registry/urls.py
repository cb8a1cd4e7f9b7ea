"""Pages of the registry domain. ``ACCESS`` declares who may open each."""

from __future__ import annotations

from django.urls import path

from microcred.accounts.route_access import RouteAccess, needs, public
from microcred.registry import views

app_name = "registry"

urlpatterns = [
    path("organizations/<slug:slug>/registry/", views.settings_page, name="settings"),
    path("organizations/<slug:slug>/registry/import/", views.import_page, name="import"),
    path("registry/publications/<int:publication_id>/retry/", views.retry, name="retry"),
    path("registry/<slug:provider>/<slug:slug>/v<int:version>/ctdl.json", views.ctdl_document, name="ctdl"),
    path("registry/<slug:provider>/<slug:slug>/v<int:version>/codes/", views.codes_page, name="codes"),
]

ACCESS: dict[str, RouteAccess] = {
    "settings": needs("registry.configure"),
    "import": needs("catalog.edit"),
    "retry": needs("registry.configure"),
    "codes": needs("catalog.edit"),
    "ctdl": public("published versions only; a draft's to those who may edit it"),
}
