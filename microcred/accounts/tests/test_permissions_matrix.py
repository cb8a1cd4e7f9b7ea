"""Every role against every action, as one table: the permission rules in one place, checked whole."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

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
    "catalog.trust": ("A", "-"),
    "registry.configure": ("A", "-"),
    "lti.manage_platforms": ("A", "-"),
    "assessment.evaluate": ("AS", "AS"),
    "assessment.evaluate_workplace": ("-", "AS"),  # the employer's designated supervisor, never the provider's own
    "assessment.manage": ("A", "-"),
    "assessment.view_plan": ("ARS", "-"),
    "assessment.waive_gaps": ("R", "-"),
    "issuing.issue": ("A", "-"),
    "issuing.revoke": ("A", "-"),
    "issuing.manage_keys": ("A", "A"),
    "employers.view_shared": ("-", "AV"),
    "employers.endorse": ("-", "A"),
    "employers.codesign": ("-", "AV"),
    "employers.request_presentations": ("-", "AV"),
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
    assert mismatches == [], "\n".join(map(str, mismatches))


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


# ---------------------------------------------------------------- route × role
# Every API route that names only an organization (``{slug}``/``{provider}``) is called by each role of a provider
# and of an employer, by an admin of another organization and by a learner: those the table above grants every
# action the route declares (microcred/accounts/route_access.py) get past the permission check, and nobody else
# does (403, or 404 where existence is private). An empty body is enough: the check comes before the work.


def _organization_routes() -> list[tuple[str, str, tuple[str, ...]]]:
    from microcred.accounts.route_access import ROUTES

    found = []
    for key, access in ROUTES["api"].items():
        method, path = key.split(" ", 1)
        params = set(re.findall(r"\{([^}]+)\}", path))
        if access.kind == "permission" and params in ({"slug"}, {"provider"}):
            found.append((method, path, access.actions))
    return found


def _allowed(actions: tuple[str, ...], kind: str, letter: str) -> bool:
    column = 0 if kind == "provider" else 1
    return all(letter in EXPECTED[action][column] for action in actions)


# the smallest body that gets past the route's schema (django-ninja checks the shape before the handler runs)
BODIES = {
    "/organizations/{slug}/invitations": {"email": "someone.new@example.org", "role": "assessor"},
    "/catalog/providers/{provider}/import": [],
}


def _status(person: object, method: str, path: str, url: str) -> int:
    client = Client()
    client.force_login(person)
    body = json.dumps(BODIES.get(path, {}))
    return client.generic(method, f"/api/v1/{url.lstrip('/')}", data=body, content_type="application/json").status_code


@pytest.mark.parametrize("kind", ["provider", "employer"])
def test_route_by_role_matrix(kind: str) -> None:
    home = make_organization(kind)
    people = {letter: make_member(home, LETTERS[letter]) for letter in ROLES_OF_KIND[kind]}
    strangers = {"admin elsewhere": make_member(make_organization(kind), "admin"), "learner": make_user()}
    mismatches = []
    for method, path, actions in _organization_routes():
        url = path.replace("{slug}", home.slug).replace("{provider}", home.slug)
        callers = [(LETTERS[letter], person, _allowed(actions, kind, letter)) for letter, person in people.items()]
        callers += [(label, person, False) for label, person in strangers.items()]
        for label, person, allowed in callers:
            status = _status(person, method, path, url)
            refused = status in (401, 403, 404)
            if refused == allowed:
                mismatches.append((method, path, label, status, "allowed" if allowed else "refused"))
    assert mismatches == [], "\n".join(map(str, mismatches))
