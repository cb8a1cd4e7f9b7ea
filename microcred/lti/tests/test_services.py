"""Platform registrations (who may, what is checked, the audit) and the tool's keys (encrypted at rest, published,
rotated with the previous key still published until it is retired)."""

from __future__ import annotations

import pytest
from django.test import Client

from microcred.accounts.permissions import CLI
from microcred.assessment.services import plans
from microcred.audit.models import AuditEntry
from microcred.errors import Conflict, PermissionDenied, ValidationFailed
from microcred.lti import keys, services, sync
from microcred.lti.models import Course, LineItemMap, Platform, ToolKey
from microcred.lti.tests.conftest import ISSUER, School, Signer
from microcred.testing.assessment import as_draft, make_published_credential
from microcred.testing.factories import make_member

pytestmark = pytest.mark.django_db


def _data(signer: Signer, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Lakes LMS",
        "issuer": ISSUER,
        "client_id": "client-1",
        "deployment_ids": "d1\nd2, d1",
        "auth_login_url": f"{ISSUER}/auth",
        "auth_token_url": f"{ISSUER}/token",
        "key_set": signer.jwks(),
    }
    data.update(changes)
    return data


def test_an_admin_registers_edits_and_removes_a_platform(school: School, signer: Signer) -> None:
    platform = services.register_platform(actor=school.admin, provider=school.provider, data=_data(signer))
    assert platform.deployment_ids == ["d1", "d2"]
    services.update_platform(actor=school.admin, platform=platform, data=_data(signer, name="Lakes Moodle"))
    assert Platform.objects.get(pk=platform.pk).name == "Lakes Moodle"
    services.remove_platform(actor=school.admin, platform=platform)
    assert not Platform.objects.exists()
    actions = list(AuditEntry.objects.filter(action__startswith="lti.").values_list("action", flat=True))
    assert sorted(actions) == ["lti.register_platform", "lti.remove_platform", "lti.update_platform"]


def test_only_the_providers_admins_register(school: School, signer: Signer) -> None:
    assessor = make_member(school.provider, "assessor")
    with pytest.raises(PermissionDenied):
        services.register_platform(actor=assessor, provider=school.provider, data=_data(signer))
    assert not Platform.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"issuer": ""}, "issuer", "required"),
        ({"deployment_ids": ""}, "deployment_ids", "required"),
        ({"auth_login_url": "http://lms.example.edu/auth"}, "auth_login_url", "not_https"),
        ({"auth_token_url": "javascript:alert(1)"}, "auth_token_url", "not_https"),
        ({"key_set": None}, "key_set_url", "required"),
        ({"key_set": {"keys": "no"}}, "key_set", "invalid_jwks"),
    ],
)
def test_bad_registrations_are_refused_field_by_field(
    school: School, signer: Signer, changes: dict[str, object], field: str, code: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.register_platform(actor=school.admin, provider=school.provider, data=_data(signer, **changes))
    assert (field, code) in {(e.field, e.code) for e in caught.value.errors}
    assert not Platform.objects.exists()


def test_the_same_issuer_and_client_id_twice_is_refused(school: School, signer: Signer) -> None:
    services.register_platform(actor=school.admin, provider=school.provider, data=_data(signer))
    with pytest.raises(ValidationFailed):
        services.register_platform(actor=school.admin, provider=school.provider, data=_data(signer, name="Again"))


def test_the_tool_key_is_encrypted_at_rest_and_rotates(db: None) -> None:
    first = keys.signing_key()
    assert b"PRIVATE KEY" not in bytes(first.private_key)
    assert keys.private_pem(first).startswith("-----BEGIN PRIVATE KEY-----")
    assert [k["kid"] for k in keys.jwks()["keys"]] == [first.kid]
    second = keys.rotate(actor=CLI)
    assert keys.signing_key() == second
    assert [k["kid"] for k in keys.jwks()["keys"]] == [second.kid, first.kid]  # the old key is still published
    with pytest.raises(Conflict):
        keys.retire(actor=CLI, kid=second.kid)  # the signing key
    keys.retire(actor=CLI, kid=first.kid)
    assert [k["kid"] for k in keys.jwks()["keys"]] == [second.kid]
    assert ToolKey.objects.count() == 2


def test_an_assessor_maps_a_gradebook_column_on_the_course_page(school: School, signer: Signer) -> None:
    platform = services.register_platform(actor=school.admin, provider=school.provider, data=_data(signer))
    course = Course.objects.create(platform=platform, context_id="c1", credential=school.credential)
    column = LineItemMap.objects.create(course=course, line_item_id="https://lms.example.edu/li/1", label="Quiz")
    other = make_published_credential(school.provider)
    with as_draft(other):
        foreign = plans.add_component(
            actor=school.admin, credential=other, name="Quiz", kind="course_grade", max_score=10
        )
    with pytest.raises(Conflict):
        sync.map_line_item(course=course, line_item=column, component=foreign)
    client = Client()
    client.force_login(school.admin)
    page = f"/lti/courses/{course.pk}/"
    response = client.post(page, {"action": "map", "line_item": column.pk, "component": school.exam.pk})
    assert response.status_code == 302
    assert LineItemMap.objects.get(pk=column.pk).component == school.exam
    assert AuditEntry.objects.filter(action="lti.map_line_item").count() == 1
    assert client.post(page, {"action": "map", "line_item": 999, "component": ""}).status_code == 404
    assert Client().post(page, {"action": "map"}).status_code == 302  # anonymous: to the login page
