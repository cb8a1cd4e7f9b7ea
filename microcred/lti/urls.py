"""Routes of the LTI 1.3 tool and of a provider's LMS registrations. ``ACCESS`` declares who may call each;
``tests/test_urls.py`` fails for a route without a declaration."""

from __future__ import annotations

from django.urls import path

from microcred.accounts.route_access import RouteAccess, needs, own, public
from microcred.lti import platform_views, views

app_name = "lti"

urlpatterns = [
    path("lti/jwks", views.jwks, name="jwks"),
    path("lti/login", views.oidc_login, name="login"),
    path("lti/launch", views.launch, name="launch"),
    path("lti/confirm/", views.confirm, name="confirm"),
    path("lti/no-credential/", views.not_linked, name="not_linked"),
    path("lti/deep-link/<str:launch_id>/", views.deep_link, name="deep_link"),
    path("lti/courses/<int:course_id>/", views.course_page, name="course"),
    path("organizations/<slug:slug>/lti/", platform_views.platforms, name="platforms"),
    path("organizations/<slug:slug>/lti/<int:platform_id>/", platform_views.platform_detail, name="platform"),
]

ACCESS: dict[str, RouteAccess] = {
    "jwks": public("the tool's public keys: platforms fetch them to check what the tool signs"),
    "login": public("LTI 1.3 third-party login initiation: any registered platform's issuer, else refused"),
    "launch": public("an id_token signed by a registered platform, for the nonce and state of this browser's login"),
    "confirm": own("links the launch pending in the signed-in person's session to their own account only"),
    "not_linked": own("a signed-in learner's note that their course has no credential yet"),
    "deep_link": own("the deep-linking request the signed-in instructor launched (its id in their session)"),
    "course": own("an instructor of the course (a launch in this session) or the provider's assessors"),
    "platforms": needs("lti.manage_platforms"),
    "platform": needs("lti.manage_platforms"),
}
