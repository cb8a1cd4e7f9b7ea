"""The demo scenario loads once, completely, and a second run changes nothing."""

from __future__ import annotations

import pytest

from microcred.accounts.models import Organization, User
from microcred.assessment.models import Enrolment
from microcred.audit.models import AuditEntry
from microcred.catalog.models import MicroCredential, Pathway
from microcred.demo.loader import load_demo
from microcred.demo.scenario import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_demo_loads_the_seed_scenario_and_is_idempotent() -> None:
    first = load_demo()
    assert first.created
    counts = (Organization.objects.count(), User.objects.count(), MicroCredential.objects.count(),
              Enrolment.objects.count(), AuditEntry.objects.count())
    assert counts[0] == 5  # platform, university, college, two employers
    assert User.objects.filter(memberships__isnull=True).count() == 12  # a dozen learners
    wil = MicroCredential.objects.get(title="Communication and Collaboration in the Workplace")
    assert 'grade("PD course") >= 80' in wil.award_rule and '"superior"' in wil.award_rule
    assert [o.slug for o in wil.co_designed_with.all()] == ["power-sector-skills-council"]
    assert MicroCredential.objects.get(assessment_only=True).provider.provider_type == "college"
    certificate = Pathway.objects.get()
    assert certificate.members.count() == 3 and certificate.kind == "certificate"
    assert set(Enrolment.objects.values_list("status", flat=True)) >= {"enrolled", "in_progress", "awarded"}
    assert User.objects.get(email="amira.haddad@grandriver.example").check_password(DEMO_PASSWORD)

    second = load_demo()
    assert not second.created
    assert counts == (Organization.objects.count(), User.objects.count(), MicroCredential.objects.count(),
                      Enrolment.objects.count(), AuditEntry.objects.count())
