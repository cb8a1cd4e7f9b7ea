"""Who may call each API route: every route of ``/api/v1/`` and of the VC-API declares it here.

A route is one of:

- ``needs("x.y", ...)``: a signed-in caller who holds each named action of the permission table
  (:mod:`microcred.accounts.permissions`) on the object the route names; the handler's selector or service
  checks it with ``require``. ``note`` says what else lets someone in (the learner of their own enrolment…).
- ``own("why")``: any signed-in caller, acting only on their own things (their wallet, their tokens…).
- ``public("why")``: anyone, anonymous callers included; what a member sees more is decided by the handler.

``tests/test_route_access.py`` fails for a route that is missing here, for a name here that is no route,
for an action that is not in the permission table, and for a route whose authentication disagrees with its
declaration (a public route must let anonymous callers in; every other route answers 401 to them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

Kind = Literal["public", "own", "permission"]


@dataclass(frozen=True)
class RouteAccess:
    kind: Kind
    actions: tuple[str, ...] = ()
    note: str = ""

    def __str__(self) -> str:
        if self.kind == "permission":
            return " + ".join(self.actions) + (f" ({self.note})" if self.note else "")
        return f"{self.kind}: {self.note}"


def needs(*actions: str, note: str = "") -> RouteAccess:
    return RouteAccess("permission", tuple(actions), note)


def own(note: str) -> RouteAccess:
    return RouteAccess("own", (), note)


def public(note: str) -> RouteAccess:
    return RouteAccess("public", (), note)


PUBLISHED_OR_MEMBER = "published things for everyone; drafts only for the owner's members (else 404)"

# ``"METHOD /path"`` as django-ninja declares it, per API.
ROUTES: dict[str, dict[str, RouteAccess]] = {
    "api": {
        # accounts
        "POST /accounts": public("sign-up; throttled, and it does not tell whether an e-mail is registered"),
        "GET /me": own("the caller's own profile"),
        "GET /tokens": own("the caller's own API tokens (never their secrets)"),
        "POST /tokens": own("a token for the caller; from a token, only with the admin scope and its scopes at most"),
        "DELETE /tokens/{token_id}": own("one of the caller's own API tokens; from a token, only with the admin scope"),
        "GET /organizations": own("the organizations the caller belongs to"),
        "POST /organizations": own(
            "anyone may create a provider or employer and becomes its admin; "
            "a platform organization needs platform.administer"
        ),
        "GET /organizations/{slug}": public("an organization's public profile"),
        "PATCH /organizations/{slug}": needs("organization.edit"),
        "GET /organizations/{slug}/members": needs("organization.view"),
        "DELETE /organizations/{slug}/members/{member_id}": needs("organization.manage_members"),
        "POST /organizations/{slug}/invitations": needs("organization.manage_members"),
        "POST /invitations/{token}/accept": own("the holder of the e-mailed token, signed in with that e-mail"),
        "GET /organizations/{slug}/audit": needs("organization.view_audit"),
        # catalog
        "GET /catalog/credentials": public(PUBLISHED_OR_MEMBER),
        "GET /catalog/credentials/{provider}/{slug}": public(PUBLISHED_OR_MEMBER),
        "GET /catalog/credentials/{provider}/{slug}/versions/{version}": public(PUBLISHED_OR_MEMBER),
        "PATCH /catalog/credentials/{provider}/{slug}/versions/{version}": needs("catalog.edit"),
        "GET /catalog/credentials/{provider}/{slug}/versions/{version}/achievement": public("published versions only"),
        "GET /catalog/credentials/{provider}/{slug}/versions/{version}/ctdl": public("published versions only"),
        # europe: the European standard elements, ELM 3
        "GET /europe/credentials/{provider}/{slug}/versions/{version}/elements": needs("organization.view"),
        "PATCH /europe/credentials/{provider}/{slug}/versions/{version}/details": needs("catalog.edit"),
        "GET /europe/credentials/{provider}/{slug}/versions/{version}/elm": public(PUBLISHED_OR_MEMBER),
        "POST /europe/providers/{provider}/elm-imports": needs("catalog.edit"),
        # registry: the Credential Registry (CTDL, CTIDs, publishing)
        "PUT /registry/providers/{provider}/settings": needs("registry.configure"),
        "GET /registry/credentials/{provider}/{slug}/versions/{version}/publications": needs("registry.configure"),
        "POST /registry/providers/{provider}/ctdl-imports": needs("catalog.edit"),
        "GET /catalog/compare": public(PUBLISHED_OR_MEMBER),
        "GET /catalog/pathways": public("published pathways"),
        "GET /catalog/pathways/{slug}": public("published pathways"),
        "GET /catalog/export": public("the published catalog"),
        "POST /catalog/providers/{provider}/credentials": needs("catalog.edit"),
        "POST /catalog/credentials/{provider}/{slug}/versions": needs("catalog.edit"),
        "POST /catalog/credentials/{provider}/{slug}/versions/{version}/submit": needs("catalog.edit"),
        "POST /catalog/credentials/{provider}/{slug}/versions/{version}/review": needs("catalog.review"),
        "POST /catalog/credentials/{provider}/{slug}/versions/{version}/publish": needs("catalog.publish"),
        "POST /catalog/credentials/{provider}/{slug}/versions/{version}/retire": needs("catalog.publish"),
        "PUT /catalog/providers/{provider}/checklist": needs("catalog.edit"),
        # stacking across providers (assessment/stacking_api.py)
        "GET /catalog/providers/{provider}/trust": needs("catalog.trust"),
        "POST /catalog/providers/{provider}/trust": needs("catalog.trust"),
        "DELETE /catalog/providers/{provider}/trust/{entry_id}": needs("catalog.trust"),
        "GET /catalog/providers/{provider}/agreements": needs("catalog.trust"),
        "POST /catalog/providers/{provider}/agreements": needs("catalog.trust", note="proposed by a party"),
        "POST /catalog/providers/{provider}/agreements/{agreement_id}/{action}": needs(
            "catalog.trust", note="approve, reject or withdraw, as one party"
        ),
        "PUT /catalog/providers/{provider}/pathways/{slug}": needs("catalog.edit"),
        "GET /catalog/pathways/{slug}/standing": own("the caller's own credit ladder on a pathway"),
        "GET /catalog/pathways/{pathway}/preview": needs("catalog.edit", note="counts only, no learner named"),
        "POST /catalog/providers/{provider}/import/badge": needs("catalog.edit"),
        "POST /catalog/providers/{provider}/import": needs("catalog.edit"),
        "GET /catalog/providers/{provider}/export": needs("organization.view"),
        "POST /catalog/providers/{provider}/pathways": needs("catalog.edit"),
        "GET /catalog/credentials/{provider}/{slug}/versions/{version}/skill-suggestions": needs("catalog.edit"),
        "POST /catalog/credentials/{provider}/{slug}/versions/{version}/skill-suggestions/accept": needs(
            "catalog.edit"
        ),
        "POST /catalog/credentials/{provider}/{slug}/versions/{version}/skill-suggestions/reject": needs(
            "catalog.edit"
        ),
        # assessment
        "GET /assessment/credentials/{credential_id}/plan": needs(
            "assessment.view_plan", note="a draft's; a published version's plan is read by anyone signed in"
        ),
        "POST /assessment/credentials/{credential_id}/plan/components": needs("assessment.manage"),
        "POST /assessment/credentials/{credential_id}/award-rule/check": needs("assessment.manage"),
        "PUT /assessment/credentials/{credential_id}/award-rule": needs("assessment.manage"),
        "POST /assessment/credentials/{credential_id}/plan/waiver": needs("assessment.waive_gaps"),
        "POST /assessment/credentials/{credential_id}/enrolments": needs(
            "assessment.manage", note="or a learner enrolling themselves in a published credential"
        ),
        "POST /assessment/credentials/{credential_id}/enrolments/csv": needs("assessment.manage"),
        "GET /assessment/enrolments": own("the caller's own enrolments"),
        "GET /assessment/enrolments/{enrolment_id}": needs(
            "assessment.evaluate", note="or the enrolment's learner, or an invited employer's assessor"
        ),
        "POST /assessment/enrolments/{enrolment_id}/decide": needs("assessment.evaluate"),
        "POST /assessment/enrolments/{enrolment_id}/evaluations": needs("assessment.evaluate"),
        "POST /assessment/supervise/{token}/evaluations": public("the holder of a workplace supervisor's token"),
        "POST /assessment/enrolments/{enrolment_id}/tasks/{task_id}/sign-off": needs("assessment.evaluate"),
        "POST /assessment/enrolments/{enrolment_id}/supervisors": needs("assessment.manage"),
        "POST /assessment/enrolments/{enrolment_id}/evidence": own("the enrolment's learner"),
        "PATCH /assessment/evidence/{public_id}": own("the evidence's learner"),
        "POST /assessment/enrolments/{enrolment_id}/prior-learning": own("the enrolment's learner"),
        "POST /assessment/prior-learning/{request_id}/decision": needs("assessment.evaluate"),
        "GET /assessment/enrolments/{enrolment_id}/gap-report": needs(
            "assessment.evaluate", note="or the enrolment's learner"
        ),
        "POST /assessment/credentials/{credential_id}/gradebook": needs("assessment.manage"),
        "POST /assessment/gradebook/{import_id}/apply": needs("assessment.manage"),
        "POST /assessment/awards/{award_id}/revoke": needs("assessment.manage"),
        "POST /assessment/awards/{award_id}/reissue": needs("assessment.manage", "issuing.issue"),
        "POST /assessment/credentials/{credential_id}/bulk-award": needs("assessment.manage", "issuing.issue"),
        "GET /assessment/bulk-award/{job_id}": needs("assessment.manage"),
        # frameworks
        "GET /frameworks": public(PUBLISHED_OR_MEMBER),
        "POST /frameworks": needs("frameworks.edit"),
        "GET /frameworks/{slug}": public(PUBLISHED_OR_MEMBER),
        "GET /frameworks/{slug}/versions/{version}": public(PUBLISHED_OR_MEMBER),
        "PATCH /frameworks/{slug}/versions/{version}": needs("frameworks.edit"),
        "GET /frameworks/{slug}/versions/{version}/competencies": public(PUBLISHED_OR_MEMBER),
        "POST /frameworks/{slug}/versions/{version}/competencies": needs("frameworks.edit"),
        "GET /frameworks/{slug}/versions/{version}/competencies/{identifier}": public(PUBLISHED_OR_MEMBER),
        "PATCH /frameworks/{slug}/versions/{version}/competencies/{identifier}": needs("frameworks.edit"),
        "DELETE /frameworks/{slug}/versions/{version}/competencies/{identifier}": needs("frameworks.edit"),
        "GET /frameworks/{slug}/versions/{version}/suggestions": public(PUBLISHED_OR_MEMBER),
        "GET /frameworks/{slug}/versions/{version}/case.json": public(PUBLISHED_OR_MEMBER),
        "GET /frameworks/{slug}/versions/{version}/competencies.csv": public(PUBLISHED_OR_MEMBER),
        "POST /frameworks/{slug}/versions/{version}/publish": needs("frameworks.edit"),
        "POST /frameworks/{slug}/versions/{version}/new-version": needs("frameworks.edit"),
        "POST /frameworks/{slug}/versions/{version}/competencies/{identifier}/move": needs("frameworks.edit"),
        "POST /frameworks/{slug}/versions/{version}/scales": needs("frameworks.edit"),
        "POST /framework-imports": needs("frameworks.edit"),
        "POST /framework-imports/upload": needs("frameworks.edit"),
        "GET /framework-imports/{job_id}": needs("organization.view"),
        "POST /crosswalks": needs("frameworks.edit"),
        "GET /crosswalks/{crosswalk_id}": needs("organization.view"),
        "POST /crosswalks/{crosswalk_id}/suggest": needs("frameworks.edit"),
        "POST /crosswalks/{crosswalk_id}/links/{link_id}/decision": needs("frameworks.edit"),
        "GET /crosswalks/{crosswalk_id}/links.csv": needs("organization.view"),
        "GET /crosswalks/{crosswalk_id}/case.json": needs("organization.view"),
        # issuing
        "POST /organizations/{slug}/credentials": needs("issuing.issue"),
        "POST /credentials/{public_id}/revoke": needs("issuing.revoke"),
        "POST /credentials/{public_id}/suspend": needs("issuing.revoke"),
        "POST /credentials/{public_id}/unsuspend": needs("issuing.revoke"),
        "GET /organizations/{slug}/keys": needs("issuing.manage_keys"),
        "POST /organizations/{slug}/keys/rotate": needs("issuing.manage_keys"),
        "POST /organizations/{slug}/keys/{public_key_multibase}/withdraw": needs("issuing.manage_keys"),
        "POST /verify": public("the public verifier; throttled per address"),
        # wallet
        "GET /wallet/credentials": own("the caller's wallet"),
        "GET /wallet/credentials/{public_id}/bundle": own("the caller's credential"),
        "POST /wallet/imports": own("into the caller's wallet"),
        "GET /wallet/imports/{public_id}": own("the caller's imported credential"),
        "DELETE /wallet/imports/{public_id}": own("the caller's imported credential"),
        "POST /wallet/imports/{public_id}/verify": own("the caller's imported credential"),
        "GET /wallet/shares": own("the caller's share links"),
        "POST /wallet/shares": own("a share link of the caller's credentials"),
        "POST /wallet/shares/{public_id}/revoke": own("the caller's share link"),
        "POST /wallet/clr": own("the caller's comprehensive learner record"),
        "GET /wallet/pathways": own("the caller's pathway progress"),
        # employers
        "GET /employers/{slug}/dashboard": needs("employers.view_shared"),
        "GET /employers/{slug}/endorsements": public("an employer's active endorsements"),
        "POST /employers/{slug}/endorsements": needs("employers.endorse"),
        "POST /employers/endorsements/{public_id}/withdraw": needs("employers.endorse"),
        "POST /employers/codesign/invitations": needs("catalog.edit"),
        "GET /employers/codesign/invitations/{invitation_id}": needs(
            "catalog.edit", note="or employers.codesign of the invited employer"
        ),
        "POST /employers/codesign/invitations/{invitation_id}/comments": needs(
            "catalog.edit", note="or employers.codesign of the invited employer"
        ),
        "POST /employers/codesign/invitations/{invitation_id}/approve": needs("employers.codesign"),
        # careers
        "GET /careers/gap": own("the caller's own gap analysis"),
        "GET /careers/clients": needs("skills.advise_clients"),
        "POST /careers/clients": needs("skills.advise_clients"),
        "GET /careers/clients/{client_id}": needs("skills.advise_clients"),
        "PUT /careers/clients/{client_id}/target": needs("skills.advise_clients"),
        "GET /careers/clients/{client_id}/gap": needs("skills.advise_clients"),
        "GET /careers/clients/{client_id}/shortlist": needs("skills.advise_clients"),
        "POST /careers/clients/{client_id}/shortlist": needs("skills.advise_clients"),
        "DELETE /careers/clients/{client_id}/shortlist/{item_id}": needs("skills.advise_clients"),
        # skills
        "GET /skills/demand": public("aggregate labour-market figures"),
        "GET /skills/occupations": public("the occupation taxonomy"),
        "GET /skills/occupations/{pk}": public("the occupation taxonomy"),
        "POST /skills/imports": needs("skills.manage"),
        "GET /skills/imports/{pk}": needs("skills.manage"),
        # reporting
        "GET /reporting/{slug}": needs("reporting.view"),
        "GET /reporting/{slug}/credentials/{credential_id}": needs("reporting.view"),
        "GET /reporting/{slug}/awards": needs("reporting.view"),
        # notifications
        "GET /notifications": own("the caller's notifications"),
        "GET /notifications/preferences": own("the caller's preferences"),
        "PUT /notifications/preferences": own("the caller's preferences"),
        "POST /notifications/read-all": own("the caller's notifications"),
        "POST /notifications/{notification_id}/read": own("the caller's notification"),
    },
    "vc-api": {
        "POST /credentials/issue": needs(
            "issuing.issue", note="anonymous callers only in test mode (VC_API_TEST_MODE)"
        ),
        "POST /credentials/verify": public("the W3C VC-API verifier"),
        "POST /presentations/verify": public("the W3C VC-API verifier"),
        "POST /credentials/status": needs("issuing.revoke", note="anonymous callers only in test mode"),
    },
}


def access_of(api_name: str, method: str, path: str) -> RouteAccess | None:
    """The declared access of a route, or None if it declares none."""
    return ROUTES.get(api_name, {}).get(f"{method.upper()} /{path.lstrip('/')}")


# ---------------------------------------------------------------- what an API token's scopes let it call

# A route that manages people, keys, tokens or the platform needs ``admin``; one that issues, revokes or suspends
# credentials needs ``issue``; any other route ``write`` for an unsafe method and ``read`` for a safe one.
ADMIN_ACTIONS = frozenset(
    {
        "organization.edit",
        "organization.manage_members",
        "issuing.manage_keys",
        "skills.manage",
        "platform.administer",
        "registry.configure",  # names the API key the provider publishes with
    }
)
ISSUE_ACTIONS = frozenset({"issuing.issue", "issuing.revoke"})
ADMIN_ROUTES = frozenset({"POST /tokens", "DELETE /tokens/{token_id}"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def scope_of_route(api_name: str, key: str) -> str:
    """The scope a token needs for the declared route ``"METHOD /path"``."""
    method = key.split(" ", 1)[0]
    access = ROUTES[api_name][key]
    if key in ADMIN_ROUTES or ADMIN_ACTIONS & set(access.actions):
        return "admin"
    if ISSUE_ACTIONS & set(access.actions):
        return "issue"
    return "read" if method in SAFE_METHODS else "write"


@cache
def _patterns(api_name: str) -> list[tuple[str, re.Pattern[str], str]]:
    """(method, regex of the path, route key), literal routes before those with more parameters."""
    found = []
    for key in ROUTES.get(api_name, {}):
        method, path = key.split(" ", 1)
        regex = "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in re.split(r"(\{[^}]+\})", path))
        found.append((path.count("{"), method, re.compile(regex + "/?"), key))
    found.sort(key=lambda item: item[0])
    return [(method, pattern, key) for _count, method, pattern, key in found]


def route_of(api_name: str, method: str, path: str) -> str | None:
    """The declared route ``"METHOD /path"`` a request's path (below the API's root) falls on, or None."""
    path = "/" + path.lstrip("/")
    for route_method, pattern, key in _patterns(api_name):
        if route_method == method.upper() and pattern.fullmatch(path):
            return key
    return None


def scope_needed(api_name: str, method: str, path: str) -> str:
    """The scope a token needs for a request (``admin`` for a path that is no declared route: refuse the unknown)."""
    key = route_of(api_name, method, path)
    if key is None:
        return "read" if method.upper() in SAFE_METHODS else "admin"
    return scope_of_route(api_name, key)


def scopes_cover(scopes: list[str] | tuple[str, ...], needed: str) -> bool:
    """``admin`` covers everything and ``write`` covers ``read``; otherwise a token has the scope or not."""
    held = set(scopes)
    return "admin" in held or needed in held or (needed == "read" and "write" in held)
