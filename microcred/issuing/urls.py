"""Public issuer documents, at the paths that did:web resolution and the issued credentials point at."""

from django.urls import path

from microcred.issuing import views

app_name = "issuing"

urlpatterns = [
    path("organizations/<slug:slug>/did.json", views.did_document, name="did-document"),
    path("status/<uuid:public_id>", views.status_list_credential, name="status-list"),
    path("credentials/status/<uuid:public_id>", views.status_list_credential, name="vc-api-status-list"),
    path("credentials/<uuid:public_id>", views.credential_document, name="credential"),
]
