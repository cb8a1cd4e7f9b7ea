from django.urls import path

from microcred.wallet import views

app_name = "wallet"

urlpatterns = [
    path("", views.home, name="home"),
    path("credentials/<str:public_id>/", views.credential, name="credential"),
    path("credentials/<str:public_id>/download.<str:kind>", views.download, name="download"),
    path("import/", views.import_new, name="import_new"),
    path("imports/<str:public_id>/", views.imported, name="import"),
    path("imports/<str:public_id>/verify/", views.import_verify, name="import_verify"),
    path("imports/<str:public_id>/delete/", views.import_delete, name="import_delete"),
    path("shares/", views.shares, name="shares"),
    path("shares/new/", views.share_new, name="share_new"),
    path("shares/<str:public_id>/revoke/", views.share_revoke, name="share_revoke"),
    path("record/", views.record, name="record"),
    path("record/clr.json", views.record_clr, name="record_clr"),
    path("pathways/", views.pathways, name="pathways"),
    path("s/<str:token>/", views.shared, name="shared"),
    path("s/<str:token>/qr.svg", views.shared_qr, name="shared_qr"),
    path("s/<str:token>/badge.png", views.shared_badge, name="shared_badge"),
]
