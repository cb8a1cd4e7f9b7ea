from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.generic import TemplateView

from microcred.api import api, vc_api


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico whatever the page says; they get the SVG icon the pages link to."""
    return HttpResponseRedirect(static_url("microcred/favicon.svg"))


urlpatterns = [
    # First: no other pattern starts with api/, and the resolver tries each in turn (the verify API is the busiest).
    path("api/v1/", api.urls),
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("favicon.ico", favicon, name="favicon"),
    path("", include("microcred.operations.urls")),  # /healthz, /readyz, /metrics, /media/ (public uploads)
    path("", include("microcred.accounts.urls")),
    path("", include("microcred.oauth.urls")),  # the authorization server: /oauth/…, "Connected applications"
    path("", include("microcred.delivery.urls")),  # OID4VCI: /.well-known/…, /oid4vci/…, "Add to a wallet"
    path("", include("microcred.obapi.urls")),  # 1EdTech Open Badges 3.0 API: /ims/ob/v3p0/…
    path("", include("microcred.lti.urls")),  # LTI 1.3 tool: /lti/login, /lti/launch, /lti/jwks, platforms
    path("", include("microcred.registry.urls")),  # Credential Registry: settings, CTDL import, complete CTDL
    path("wallet/", include("microcred.wallet.urls")),
    path("catalog/", include("microcred.catalog.urls")),
    path("europe/", include("microcred.europe.urls")),
    path("frameworks/", include("microcred.frameworks.urls")),
    path("assessment/", include("microcred.assessment.urls")),
    path("employers/", include("microcred.employers.urls")),
    path("careers/", include("microcred.careers.urls")),
    path("skills/", include("microcred.skills.urls")),
    path("reporting/", include("microcred.reporting.urls")),
    path("notifications/", include("microcred.notifications.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", vc_api.urls),  # W3C VC-API: credentials/issue, credentials/verify, presentations/verify
    path("", include("microcred.issuing.urls")),  # DID documents, status lists, issued credentials
    path("admin/", admin.site.urls),
]

# Below /api/ these answer with the API's JSON error body; elsewhere with Django's pages.
handler400 = "microcred.api.bad_request"
handler403 = "microcred.api.permission_denied"
handler404 = "microcred.api.not_found"
handler500 = "microcred.api.server_error"
