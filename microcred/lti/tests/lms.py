"""A real LTI 1.3 platform (an LMS) for the tests, built on ``lti1p3platform`` from PyPI and served on loopback by
``wsgiref`` in a thread: OIDC authorization endpoint (it answers the tool's login redirect with a signed id_token in
an auto-posting form), token endpoint (client-credentials with the tool's signed JWT, checked against the tool's
JWKS), its own JWKS, the deep-linking return endpoint, AGS line items and results, and the NRPS roster.

The test walks the browser's part with ``requests`` (it reads and posts the forms a browser would auto-submit)."""

from __future__ import annotations

import json
import re
import threading
import typing as t
import uuid
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.membership import Context
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request, TRequest
from lti1p3platform.service_connector import AssignmentsGradesService, NamesRoleProvisioningService, TPage

CLIENT_ID = "microcred-tool"
DEPLOYMENT_ID = "deployment-1"
CONTEXT_ID = "course-101"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


def rsa_pem() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


@dataclass
class Person:
    user_id: str
    email: str
    name: str
    roles: list[str]


@dataclass
class Course:
    """What the LMS holds for one course: its people, gradebook columns and results."""

    people: dict[str, Person] = field(default_factory=dict)
    line_items: list[dict[str, t.Any]] = field(default_factory=list)
    results: dict[str, dict[str, float]] = field(default_factory=dict)  # line item id → user id → score
    deep_linked: list[dict[str, t.Any]] = field(default_factory=list)  # content items the tool returned


class WsgiRequest(Request):
    def build_metadata(self, request: t.Any) -> TRequest:
        environ = request
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        content_type = environ.get("CONTENT_TYPE", "")
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()} if "form" in content_type else {}
        headers = {k[5:].replace("_", "-").title(): v for k, v in environ.items() if k.startswith("HTTP_")}
        return {
            "method": environ["REQUEST_METHOD"],
            "form_data": form,
            "get_data": {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()},
            "headers": headers,
            "content_type": content_type,
            "path": environ["PATH_INFO"],
            "json": json.loads(body) if body and "json" in content_type else None,
        }


class Platform:
    """The LMS. ``tool`` is microcred's base URL (its live server)."""

    def __init__(self, tool: str, host: str = "127.0.0.1") -> None:
        self.tool = tool.rstrip("/")
        self.host = host  # "localhost" beside a tool on localhost: same site for the browser's cookies
        self.private_key, self.public_key = rsa_pem()
        self.course = Course()
        self.server: WSGIServer | None = None
        self.url = ""

    # the registration of microcred in this LMS
    def registration(self) -> Registration:
        registration = Registration()
        registration.set_iss(self.url).set_client_id(CLIENT_ID).set_deployment_id(DEPLOYMENT_ID)
        registration.set_oidc_login_url(f"{self.tool}/lti/login").set_launch_url(f"{self.tool}/lti/launch")
        registration.set_deeplink_launch_url(f"{self.tool}/lti/launch")
        registration.set_tool_key_set_url(f"{self.tool}/lti/jwks")
        registration.set_platform_public_key(self.public_key).set_platform_private_key(self.private_key)
        return registration

    def conf(self) -> LTI1P3PlatformConfAbstract:
        platform = self

        class Conf(LTI1P3PlatformConfAbstract):
            def init_platform_config(self, **kwargs: t.Any) -> None:
                pass

            def get_registration_by_params(self, **kwargs: t.Any) -> Registration:
                return platform.registration()

        conf = Conf()
        conf.get_registration()
        return conf

    def jwks(self) -> dict[str, t.Any]:
        return {"keys": self.registration().get_jwks()}

    def settings(self) -> dict[str, t.Any]:
        """What the provider's admin enters in microcred for this LMS."""
        return {
            "name": "Test LMS",
            "issuer": self.url,
            "client_id": CLIENT_ID,
            "deployment_ids": DEPLOYMENT_ID,
            "auth_login_url": f"{self.url}/auth",
            "auth_token_url": f"{self.url}/token",
            "key_set_url": f"{self.url}/jwks",
        }

    # the start of a launch: the URL the LMS sends the browser to (third-party login initiation)
    def login_url(self, user_id: str, message: str = "resource") -> str:
        class Login(OIDCLoginAbstract):
            def set_lti_message_hint(self, **kwargs: t.Any) -> None:
                self._lti_message_hint = kwargs["hint"]

            def get_redirect(self, url: str) -> str:
                return url

        login = Login(None, self.conf())
        login.set_lti_message_hint(hint=f"{message}:{user_id}")
        return login.initiate_login(user_id)

    # --- the HTTP side
    def _auth(self, request: WsgiRequest) -> tuple[int, str, str]:
        platform = self
        message, user_id = request.get_data.get("lti_message_hint", ":").split(":", 1)
        person = self.course.people[user_id]

        class Launch(LTIAdvantageMessageLaunchAbstract):
            def prepare_launch(self, preflight_response: dict[str, t.Any]) -> None:
                self.set_user_data(person.user_id, person.roles, person.name, person.email)
                self.set_launch_context_claim(CONTEXT_ID, context_title="Power Systems 101", context_label="PS101")
                self.set_resource_link_claim("link-1", title="microcred")
                self.set_ags(f"{platform.url}/lineitems", allow_creating_lineitems=False)
                self.set_nrps(f"{platform.url}/memberships")
                if message == "deeplink":
                    self.set_dl(f"{platform.url}/deep-link-return", title="Attach a credential")

            def render_launch_form(self, launch_data: dict[str, t.Any], **kwargs: t.Any) -> str:
                return (
                    f'<form method="post" action="{launch_data["launch_url"]}">'
                    f'<input type="hidden" name="id_token" value="{launch_data["id_token"]}">'
                    f'<input type="hidden" name="state" value="{launch_data["state"]}"></form>'
                    "<script>document.forms[0].submit()</script>"
                )

        return 200, "text/html", Launch(request, self.conf()).lti_launch()

    def _services(self, request: WsgiRequest) -> t.Any:
        platform = self

        class Ags(AssignmentsGradesService):
            def find_lineitems(self, page: int = 1, limit: int | None = None, **kwargs: t.Any) -> TPage:
                return {"content": platform.course.line_items, "has_next": False, "next": None}

            def find_lineitem(self, line_item_id: str) -> t.Any:
                return next(i for i in platform.course.line_items if i["id"].endswith(line_item_id))

            def get_results(self, line_item_id: str, page: int = 1, limit: int | None = None, **kw: t.Any) -> TPage:
                item = f"{platform.url}/lineitems/{line_item_id}"
                scores = platform.course.results.get(item, {})
                content = [
                    {"id": f"{item}/results/{u}", "scoreOf": item, "userId": u, "resultScore": s, "resultMaximum": 100}
                    for u, s in scores.items()
                ]
                return {"content": content, "has_next": False, "next": None}

            def create_lineitem(self, lineitem: t.Any) -> t.Any:
                raise NotImplementedError  # the tool only reads (scopes lineitem.readonly, result.readonly)

            update_lineitem = delete_lineitem = update_score = create_lineitem

        class Nrps(NamesRoleProvisioningService):
            def get_member_data_page(self, page: int = 1, limit: int | None = None, **kwargs: t.Any) -> TPage:
                members = [
                    {"user_id": p.user_id, "roles": p.roles, "email": p.email, "name": p.name, "status": "Active"}
                    for p in platform.course.people.values()
                ]
                return {"content": members, "has_next": False, "next": None}

            def get_context_by_id(self) -> Context:
                return Context(id=CONTEXT_ID, label="PS101", title="Power Systems 101")

        conf = self.conf()
        return (
            Ags(request, conf, f"{self.url}/lineitems", allow_creating_lineitems=False),
            Nrps(request, conf, f"{self.url}/memberships"),
        )

    def app(self, environ: dict[str, t.Any], start_response: t.Callable[..., t.Any]) -> list[bytes]:
        request = WsgiRequest(environ)
        path = request.path
        try:
            status, media, body = self._route(request, path)
        except Exception as exc:  # the platform refuses: its answer is what the tool sees
            status, media, body = 400, "application/json", json.dumps({"error": str(exc)})
        start_response(f"{status} X", [("Content-Type", media)])
        return [body.encode()]

    def _route(self, request: WsgiRequest, path: str) -> tuple[int, str, str]:
        if path == "/auth":
            return self._auth(request)
        if path == "/jwks":
            return 200, "application/json", json.dumps(self.jwks())
        if path == "/token":
            return 200, "application/json", json.dumps(self.conf().get_access_token(request.form_data))
        if path == "/deep-link-return":
            self.course.deep_linked.extend(self.conf().validate_deeplinking_resp(request.form_data))
            return 200, "text/html", "<p>Saved</p>"
        ags, nrps = self._services(request)
        if path == "/lineitems":
            response = ags.handle_resp(ags.handle_get_lineitems)
        elif path.startswith("/lineitems/") and path.endswith("/results"):
            response = ags.handle_resp(ags.handle_get_results, line_item_id=path.split("/")[2])
        elif path == "/memberships":
            response = nrps.handle_resp(nrps.handle_get_members)
        else:
            return 404, "text/plain", "not found"
        result = response.result
        body = result["content"] if isinstance(result, dict) and "content" in result else result
        if response.code >= 300:
            body = {"error": response.message}
        return response.code, response.media_type, json.dumps(body)

    def start(self) -> Platform:
        class Quiet(WSGIRequestHandler):
            def log_message(self, *args: t.Any) -> None:
                pass

        self.server = make_server("127.0.0.1", 0, self.app, handler_class=Quiet)
        self.url = f"http://{self.host}:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def add_line_item(self, label: str, tag: str = "") -> str:
        item_id = f"{self.url}/lineitems/{uuid.uuid4().hex[:8]}"
        self.course.line_items.append({"id": item_id, "label": label, "tag": tag, "scoreMaximum": 100})
        return item_id


def auto_form(html: str) -> tuple[str, dict[str, str]]:
    """The action and hidden fields of the form a page auto-submits (what a browser would post)."""
    action = unescape(re.search(r'<form[^>]*action="([^"]+)"', html).group(1))  # type: ignore[union-attr]
    fields = {
        unescape(name): unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
    }
    return action, fields
