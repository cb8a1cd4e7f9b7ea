"""F1 of issue 21: a draft's assessment plan is read only by those who design, review or assess it; a draft
another provider keeps is "not found", as in the catalog; a published version's plan is as public as its page."""

from __future__ import annotations

import pytest

from microcred.testing.assessment import as_draft
from microcred.testing.factories import make_member, make_organization, make_user

pytestmark = pytest.mark.django_db


def _plan(api_as, user, credential_id: int):
    return api_as(user).get(f"assessment/credentials/{credential_id}/plan")


def test_a_drafts_plan_is_read_by_its_designers_reviewers_and_assessors(wil, api_as) -> None:
    with as_draft(wil.credential):
        for person in (wil.admin, wil.reviewer, wil.assessor):
            response = _plan(api_as, person, wil.credential.pk)
            assert response.status_code == 200, response.json_body
            assert response.json_body["credential"] == wil.credential.pk


def test_another_providers_draft_plan_does_not_exist_for_a_stranger(wil, api_as) -> None:
    outsider_admin = make_member(make_organization("provider"), "admin")
    with as_draft(wil.credential):
        for person in (make_user(), outsider_admin):
            response = _plan(api_as, person, wil.credential.pk)
            assert response.status_code == 404, response.json_body
            assert response.json_body["code"] == "credential_not_found"


def test_a_member_without_the_permission_is_refused_a_drafts_plan(wil, api_as) -> None:
    with as_draft(wil.credential):
        response = _plan(api_as, make_member(wil.provider, "practitioner"), wil.credential.pk)
    assert (response.status_code, response.json_body["code"]) == (403, "permission_denied")


def test_a_published_versions_plan_is_read_by_anyone_signed_in_as_its_catalog_page_is(wil, api_as) -> None:
    assert _plan(api_as, make_user(), wil.credential.pk).status_code == 200


def test_anonymous_callers_are_asked_to_sign_in_and_bad_ids_are_not_found(wil, api_as) -> None:
    assert _plan(api_as, None, wil.credential.pk).status_code == 401
    assert _plan(api_as, wil.admin, 99999999).status_code == 404
