from django.urls import path

from microcred.employers import views

app_name = "employers"

urlpatterns = [
    path("endorse/<slug:provider>/<slug:slug>/v<int:version>/", views.endorse, name="endorse"),
    path("endorsements/<uuid:public_id>", views.endorsement_document, name="endorsement"),
    path("endorsements/<uuid:public_id>/withdraw/", views.withdraw, name="withdraw"),
    path("codesign/invite/<slug:provider>/<slug:slug>/v<int:version>/", views.invite, name="invite"),
    path("codesign/<int:invitation_id>/", views.invitation, name="invitation"),
    path("<slug:slug>/", views.dashboard, name="dashboard"),
]
