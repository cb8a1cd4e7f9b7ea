from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from microcred.accounts import organization_profile_views, profile_views, views

app_name = "accounts"

urlpatterns = [
    path("accounts/signup/", views.sign_up, name="sign_up"),
    path("accounts/signup/sent/", views.sign_up_sent, name="sign_up_sent"),
    path("accounts/signup/confirm/", views.sign_up_confirm, {"token": ""}, name="sign_up_confirm_base"),
    path("accounts/signup/confirm/<str:token>/", views.sign_up_confirm, name="sign_up_confirm"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password-reset/",
        views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            email_template_name="accounts/email/password_reset.txt",
            subject_template_name="accounts/email/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("accounts/", views.home, name="home"),
    path("home/", views.start, name="start"),
    path("accounts/settings/", profile_views.settings_page, name="settings"),
    path("accounts/tokens/", views.api_tokens, name="api_tokens"),
    path("accounts/tokens/<int:token_id>/revoke/", views.revoke_api_token, name="revoke_api_token"),
    path("organizations/new/", views.organization_create, name="organization_create"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization"),
    path(
        "organizations/<slug:slug>/profile/",
        organization_profile_views.organization_profile,
        name="organization_profile",
    ),
    path("organizations/<slug:slug>/members/<int:member_id>/remove/", views.remove_member, name="remove_member"),
    path("invitations/", views.invitation, {"token": ""}, name="invitation_base"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
]
