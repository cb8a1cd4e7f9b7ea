from django.urls import path

from microcred.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.my_assessments, name="mine"),
    path("enrolments/<int:enrolment_id>/", views.enrolment_detail, name="enrolment"),
    path("credentials/<int:credential_id>/", views.credential_admin, name="credential"),
    path("credentials/<int:credential_id>/enrol/", views.enrol, name="enrol"),
    path("credentials/<int:credential_id>/plan/", views.plan_design, name="plan"),
    path("supervise/", views.supervise, {"token": ""}, name="supervise_base"),
    path("supervise/<str:token>/", views.supervise, name="supervise"),
    path("evidence/<uuid:public_id>/", views.evidence_file, name="evidence"),
]
