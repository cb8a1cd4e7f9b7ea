"""Every role against every action, as one table: the permission rules in one place, checked whole."""

from __future__ import annotations

import pytest

from microcred.accounts.permissions import ACTIONS, can
from microcred.testing.factories import make_member, make_organization, make_user

pytestmark = pytest.mark.django_db

# Who may do what on their own organization. A: admin, R: reviewer, S: assessor, V: verifier,
# P: practitioner. Providers (p) and employers (e) differ; "-" means nobody of that kind.
EXPECTED = {
    #  action                           provider   employer
    "organization.view": ("ARSP", "ASV"),
    "organization.edit": ("A", "A"),
    "organization.manage_members": ("A", "A"),
    "organization.view_audit": ("A", "A"),
    "frameworks.edit": ("A", "A"),
    "catalog.edit": ("A", "-"),
    "catalog.review": ("R", "-"),
    "catalog.publish": ("A", "-"),
    "assessment.evaluate": ("AS", "AS"),
    "assessment.manage": ("A", "-"),
    "assessment.view_plan": ("ARS", "-"),
    "assessment.waive_gaps": ("R", "-"),
    "issuing.issue": ("A", "-"),
    "issuing.revoke": ("A", "-"),
    "issuing.manage_keys": ("A", "A"),
    "employers.view_shared": ("-", "AV"),
    "employers.endorse": ("-", "A"),
    "employers.codesign": ("-", "AV"),
    "reporting.view": ("AR", "-"),
    "skills.advise_clients": ("P", "-"),
    "skills.manage": ("-", "-"),
    "platform.administer": ("-", "-"),
}
LETTERS = {"A": "admin", "R": "reviewer", "S": "assessor", "V": "verifier", "P": "practitioner"}
ROLES_OF_KIND = {"provider": "ARSP", "employer": "ASV"}


def test_the_table_covers_every_action() -> None:
    assert set(EXPECTED) == set(ACTIONS)


@pytest.mark.parametrize("kind", ["provider", "employer"])
def test_role_by_action_matrix(kind: str) -> None:
    home = make_organization(kind)
    elsewhere = make_organization(kind)
    people = {letter: make_member(home, LETTERS[letter]) for letter in ROLES_OF_KIND[kind]}
    outsider_admin = make_member(elsewhere, "admin")
    learner = make_user()
    column = 0 if kind == "provider" else 1
    mismatches = []
    for action, allowed in EXPECTED.items():
        for letter, person in people.items():
            expected = letter in allowed[column]
            if can(person, action, home) != expected:
                mismatches.append((action, LETTERS[letter], expected))
        for stranger in (outsider_admin, learner):
            if can(stranger, action, home):
                mismatches.append((action, f"stranger {stranger.email}", False))
    assert mismatches == []


def test_anonymous_and_deactivated_users_may_do_nothing() -> None:
    from django.contrib.auth.models import AnonymousUser

    org = make_organization("provider")
    admin = make_member(org, "admin")
    admin.is_active = False
    for action in ACTIONS:
        assert not can(AnonymousUser(), action, org)
        assert not can(admin, action, org)


def test_platform_admins_administer_the_platform() -> None:
    platform = make_organization("platform", name="Platform", provider_type="")
    admin = make_member(platform, "admin")
    assert can(admin, "platform.administer")
    assert can(admin, "skills.manage", platform)
    assert not can(make_member(platform, "practitioner"), "skills.manage", platform)
    assert not can(make_user(), "platform.administer")


def test_an_unknown_action_is_a_bug_not_a_refusal() -> None:
    with pytest.raises(LookupError):
        can(make_user(), "catalog.pubish", None)
