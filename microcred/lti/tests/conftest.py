"""Fixtures of the LTI tests: a provider with an admin and a published credential whose plan has one scored
component and an award rule; a platform registered with its keys pasted (no network), and a helper that walks the
OIDC login and signs id_tokens as that platform (or as an impostor)."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from django.test import Client
from lti1p3platform.registration import Registration

from microcred.accounts.models import Organization, User
from microcred.assessment.models import AssessmentComponent
from microcred.assessment.services import plans
from microcred.catalog.models import MicroCredential
from microcred.lti import services
from microcred.lti.models import Platform
from microcred.lti.tests.lms import CLIENT_ID, DEPLOYMENT_ID, INSTRUCTOR, LEARNER, rsa_pem
from microcred.testing.assessment import as_draft, make_published_credential
from microcred.testing.factories import make_member, make_organization

ISSUER = "https://lms.example.edu"


@dataclass
class School:
    provider: Organization
    admin: User
    credential: MicroCredential
    exam: AssessmentComponent


@pytest.fixture
def school(db: None) -> School:
    provider = make_organization("provider", name="Northern Lakes College")
    admin = make_member(provider, "admin")
    credential = make_published_credential(provider, title="Grid Safety Essentials")
    with as_draft(credential):
        exam = plans.add_component(
            actor=admin, credential=credential, name="Final exam", kind="course_grade", max_score=100, pass_mark=60
        )
        plans.save_award_rule(actor=admin, credential=credential, rule='grade("Final exam") >= 60')
    credential.refresh_from_db()
    return School(provider, admin, credential, exam)


class Signer:
    """The platform's side of a launch, for hostile tests: its keys, and id_tokens it (or an impostor) signs."""

    def __init__(self) -> None:
        self.private, self.public = rsa_pem()
        self.registration = Registration().set_platform_public_key(self.public).set_platform_private_key(self.private)
        self.kid = self.registration.get_kid()

    def jwks(self) -> dict[str, Any]:
        return {"keys": self.registration.get_jwks()}

    def login(self, client: Client, iss: str = ISSUER) -> tuple[Any, str, str]:
        response = client.get(
            "/lti/login",
            {
                "iss": iss,
                "login_hint": "s1",
                "target_link_uri": "http://testserver/lti/launch",
                "lti_message_hint": "resource",
                "client_id": CLIENT_ID,
            },
        )
        if response.status_code != 302:
            return response, "", ""
        query = parse_qs(urlsplit(response["Location"]).query)
        return response, query["state"][0], query["nonce"][0]

    def claims(self, issued_nonce: str, /, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "azp": CLIENT_ID,
            "sub": "s1",
            "email": "sam@example.edu",
            "name": "Sam Student",
            "iat": now,
            "exp": now + 300,
            "nonce": issued_nonce,
            "https://purl.imsglobal.org/spec/lti/claim/message_type": "LtiResourceLinkRequest",
            "https://purl.imsglobal.org/spec/lti/claim/version": "1.3.0",
            "https://purl.imsglobal.org/spec/lti/claim/deployment_id": DEPLOYMENT_ID,
            "https://purl.imsglobal.org/spec/lti/claim/target_link_uri": "http://testserver/lti/launch",
            "https://purl.imsglobal.org/spec/lti/claim/resource_link": {"id": "link-1"},
            "https://purl.imsglobal.org/spec/lti/claim/roles": [LEARNER],
            "https://purl.imsglobal.org/spec/lti/claim/context": {"id": "course-101", "title": "Power Systems 101"},
        }
        claims.update(overrides)
        return claims

    def sign(self, claims: dict[str, Any], private: str | None = None, alg: str = "RS256") -> str:
        key = None if alg == "none" else (private or self.private)
        return jwt.encode(claims, key, algorithm=alg, headers={"kid": self.kid})


@pytest.fixture
def signer() -> Signer:
    return Signer()


@pytest.fixture
def platform(school: School, signer: Signer) -> Platform:
    return services.register_platform(
        actor=school.admin,
        provider=school.provider,
        data={
            "name": "Lakes LMS",
            "issuer": ISSUER,
            "client_id": CLIENT_ID,
            "deployment_ids": DEPLOYMENT_ID,
            "auth_login_url": f"{ISSUER}/auth",
            "auth_token_url": f"{ISSUER}/token",
            "key_set": signer.jwks(),
        },
    )


def new_id() -> str:
    return uuid.uuid4().hex


__all__ = ["INSTRUCTOR", "LEARNER", "School", "Signer", "new_id"]
