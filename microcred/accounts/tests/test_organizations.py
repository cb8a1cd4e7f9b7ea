"""Organizations, members, invitations and the audit trail they leave."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from microcred.accounts.models import Invitation, Membership, Organization
from microcred.accounts.services import (
    accept_invitation,
    create_organization,
    invite_member,
    remove_member,
    update_organization,
)
from microcred.audit.models import AuditEntry
from microcred.errors import Conflict, Gone, NotFound, PermissionDenied, ValidationFailed
from microcred.testing.factories import make_member, make_user

pytestmark = pytest.mark.django_db
BASE = "http://testserver/invitations/"


def test_the_creator_of_an_organization_becomes_its_admin() -> None:
    founder = make_user()
    org = create_organization(actor=founder, name="Maple College", kind="provider", provider_type="college")
    assert org.slug == "maple-college"
    assert Membership.objects.get(organization=org).role == "admin"
    entry = AuditEntry.objects.get(action="organization.create")
    assert entry.after["name"] == "Maple College" and entry.actor == founder


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"name": ""}, "name", "required"),
        ({"kind": "school"}, "kind", "invalid_choice"),
        ({"provider_type": "bakery"}, "provider_type", "invalid_choice"),
        ({"kind": "employer", "provider_type": "college"}, "provider_type", "not_applicable"),
        ({"name": "!!!"}, "slug", "invalid_slug"),
        ({"country": "CAN"}, "country", "invalid_country"),
    ],
)
def test_bad_organizations_are_refused_whole(fields: dict, field: str, code: str) -> None:
    data = {"name": "Maple College", "kind": "provider", "provider_type": "college"} | fields
    with pytest.raises(ValidationFailed) as caught:
        create_organization(actor=make_user(), **data)
    assert (field, code) in {(e.field, e.code) for e in caught.value.errors}
    assert not Organization.objects.exists() and not Membership.objects.exists()


def test_only_a_platform_admin_creates_a_platform_organization() -> None:
    with pytest.raises(PermissionDenied):
        create_organization(actor=make_user(), name="Another platform", kind="platform")


def test_invitation_round_trip_by_e_mail(provider, django_capture_on_commit_callbacks) -> None:
    admin = make_member(provider, "admin")
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = invite_member(
            actor=admin, organization=provider, email="Ada@Example.org", role="assessor", accept_url_base=BASE
        )
    assert invitation.token_hash != token  # only the hash is stored
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@example.org"] and f"{BASE}{token}/" in message.body

    ada = make_user(email="ada@example.org")
    membership = accept_invitation(user=ada, token=token)
    assert membership.role == "assessor" and membership.organization == provider
    with pytest.raises(Gone):
        accept_invitation(user=ada, token=token)
    assert list(AuditEntry.objects.filter(organization=provider).values_list("action", flat=True)) == [
        "organization.accept_invitation",
        "organization.invite_member",
        "organization.add_member",
        "organization.create",
    ]


def test_an_invitation_is_for_its_addressee_only_and_expires(provider) -> None:
    admin = make_member(provider, "admin")
    _invitation, token = invite_member(
        actor=admin, organization=provider, email="ada@example.org", role="reviewer", accept_url_base=BASE
    )
    with pytest.raises(ValidationFailed) as caught:
        accept_invitation(user=make_user(email="eve@example.org"), token=token)
    assert caught.value.errors[0].code == "invitation_email_mismatch"
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(Gone) as expired:
        accept_invitation(user=make_user(email="ada@example.org"), token=token)
    assert expired.value.code == "invitation_expired"
    with pytest.raises(NotFound):
        accept_invitation(user=admin, token="guessed-token")


def test_roles_must_fit_the_kind_of_organization(provider, employer) -> None:
    admin = make_member(employer, "admin")
    with pytest.raises(ValidationFailed) as caught:
        invite_member(actor=admin, organization=employer, email="a@example.org", role="reviewer", accept_url_base=BASE)
    assert caught.value.errors[0].code == "invalid_role"


def test_only_admins_invite_and_nobody_removes_the_last_admin(provider) -> None:
    admin = make_member(provider, "admin")
    assessor = make_member(provider, "assessor")
    with pytest.raises(PermissionDenied):
        invite_member(actor=assessor, organization=provider, email="x@example.org", role="admin", accept_url_base=BASE)
    with pytest.raises(Conflict) as caught:
        remove_member(actor=admin, membership=Membership.objects.get(user=admin))
    assert caught.value.code == "last_admin"
    remove_member(actor=admin, membership=Membership.objects.get(user=assessor))
    assert not Membership.objects.filter(user=assessor).exists()


def test_update_keeps_before_and_after_in_the_audit_log(provider) -> None:
    admin = make_member(provider, "admin")
    update_organization(actor=admin, organization=provider, name="Maple College of Applied Arts")
    entry = AuditEntry.objects.get(action="organization.update")
    assert entry.before == {"name": "Maple College"}
    assert entry.after == {"name": "Maple College of Applied Arts"}
    with pytest.raises(ValidationFailed):
        update_organization(actor=admin, organization=provider, kind="employer")


def test_organization_api(api_as) -> None:
    founder = make_user()
    api = api_as(founder)
    created = api.post("organizations", {"name": "Maple College", "kind": "provider", "provider_type": "college"})
    assert created.status_code == 201 and created.json_body["slug"] == "maple-college"
    bad = api.post("organizations", {"name": "", "kind": "provider", "provider_type": "college"})
    assert bad.status_code == 400 and bad.json_body["errors"][0]["field"] == "name"
    assert api.get("organizations").json_body[0]["name"] == "Maple College"
    invited = api.post("organizations/maple-college/invitations", {"email": "ada@example.org", "role": "assessor"})
    assert invited.status_code == 201
    members = api.get("organizations/maple-college/members").json_body
    assert [m["role"] for m in members] == ["admin"]
    audit = api.get("organizations/maple-college/audit").json_body
    assert [e["action"] for e in audit] == ["organization.invite_member", "organization.create"]
    assert api.get("organizations/nope").status_code == 404
    assert api.get("organizations/nope").json_body["code"] == "organization_not_found"


def test_api_refuses_strangers_and_anonymous_callers(api_as, provider) -> None:
    make_member(provider, "admin")
    stranger = api_as(make_user())
    response = stranger.post(f"organizations/{provider.slug}/invitations", {"email": "a@example.org", "role": "admin"})
    assert response.status_code == 403 and response.json_body["code"] == "permission_denied"
    assert stranger.get(f"organizations/{provider.slug}/audit").status_code == 403
    anonymous = api_as()
    response = anonymous.get("me")
    assert response.status_code == 401 and response.json_body["code"] == "not_authenticated"


def test_api_tokens_authenticate_until_revoked(api_as) -> None:
    user = make_user()
    token = api_as(user).post("tokens", {"name": "ci"}).json_body["token"]
    anonymous = api_as()
    assert anonymous.get("me", Authorization=f"Bearer {token}").json_body["email"] == user.email
    assert anonymous.get("me", Authorization="Bearer mc_wrong").status_code == 401
    user.api_tokens.update(revoked_at=timezone.now())
    assert anonymous.get("me", Authorization=f"Bearer {token}").status_code == 401


def test_session_api_calls_need_the_csrf_token(provider) -> None:
    from django.test import Client

    admin = make_member(provider, "admin")
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    response = client.post(
        f"/api/v1/organizations/{provider.slug}/invitations",
        data={"email": "a@example.org", "role": "assessor"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()
