from django.urls import path

from microcred.assessment import plan_views, stacking_views, views

app_name = "assessment"

urlpatterns = [
    path("", views.my_assessments, name="mine"),
    path("queue/", views.work_queue, name="queue"),
    path("enrolments/<int:enrolment_id>/", views.enrolment_detail, name="enrolment"),
    path("credentials/<int:credential_id>/", views.credential_admin, name="credential"),
    path("credentials/<int:credential_id>/enrol/", views.enrol, name="enrol"),
    path("credentials/<int:credential_id>/plan/", plan_views.plan_design, name="plan"),
    path("supervise/", views.supervise, {"token": ""}, name="supervise_base"),
    path("supervise/<str:token>/", views.supervise, name="supervise"),
    path("evidence/<uuid:public_id>/", views.evidence_file, name="evidence"),
    path("providers/<slug:provider>/pathways/new/", stacking_views.pathway_editor, name="pathway_new"),
    path("providers/<slug:provider>/pathways/<slug:slug>/", stacking_views.pathway_editor, name="pathway_edit"),
    path("providers/<slug:provider>/trust/", stacking_views.trust, name="trust"),
]
