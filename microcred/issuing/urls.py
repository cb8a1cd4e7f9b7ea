"""Public issuer documents (at the paths did:web resolution and issued credentials point at); the verify page."""

from django.urls import path

from microcred.issuing import verify_views, views

app_name = "issuing"

urlpatterns = [
    path("organizations/<slug:slug>/did.json", views.did_document, name="did-document"),
    path("status/<uuid:public_id>", views.status_list_credential, name="status-list"),
    path("credentials/status/<uuid:public_id>", views.status_list_credential, name="vc-api-status-list"),
    path("credentials/<uuid:public_id>", views.credential_document, name="credential"),
    path("verify/", verify_views.verify_page, name="verify"),
]
