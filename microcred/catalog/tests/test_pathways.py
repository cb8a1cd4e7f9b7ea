"""Stacking: all of a set, N of a set, a minimum credit sum — counted by design, whatever the version."""

from __future__ import annotations

from decimal import Decimal

import pytest

from microcred.catalog import services, stacking
from microcred.errors import ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(published):  # type: ignore[no-untyped-def]
    return [
        published(title, credit_type="credit", credit_value=credits, credit_unit="course_credits")
        for title, credits in (("Marketing", "3"), ("Web Design", "3"), ("E-commerce", "1.5"))
    ]


def make(admin, provider, members, rule, **kwargs):  # type: ignore[no-untyped-def]
    return services.create_pathway(
        actor=admin,
        provider=provider,
        title=f"Pathway {rule}",
        kind="certificate",
        members=members,
        rule=rule,
        **kwargs,
    )


def test_all_of_a_set(admin, provider, three) -> None:
    pathway = make(admin, provider, three, "all")
    progress = stacking.evaluate(pathway, three[:2])
    assert (progress.complete, progress.still_needed, [m.title for m in progress.missing]) == (False, 1, ["E-commerce"])
    assert stacking.evaluate(pathway, three).complete


def test_n_of_a_set(admin, provider, three) -> None:
    pathway = make(admin, provider, three, "n_of", required_count=2)
    assert not stacking.evaluate(pathway, three[:1]).complete
    assert stacking.evaluate(pathway, [three[0], three[2]]).complete


def test_minimum_credits(admin, provider, three) -> None:
    pathway = make(admin, provider, three, "min_credits", min_credits="6")
    short = stacking.evaluate(pathway, [three[0], three[2]])
    assert (short.complete, short.credits, short.credits_needed) == (False, Decimal("4.50"), Decimal("1.50"))
    assert stacking.evaluate(pathway, three[:2]).complete


def test_a_newer_version_still_counts_what_was_earned(admin, reviewer, provider, three) -> None:
    from microcred.catalog.tests.conftest import publish

    pathway = make(admin, provider, three, "all")
    earned_v1 = list(three)
    v2 = services.start_new_version(actor=admin, credential=three[0])
    publish(admin, reviewer, v2)
    assert v2 in pathway.members.all() and three[0] not in pathway.members.all()
    assert stacking.evaluate(pathway, earned_v1).complete


@pytest.mark.parametrize(
    ("rule", "kwargs", "field"),
    [
        ("n_of", {"required_count": 5}, "required_count"),
        ("n_of", {"required_count": "2"}, "required_count"),
        ("min_credits", {"min_credits": "-1"}, "min_credits"),
        ("sometimes", {}, "rule"),
    ],
)
def test_bad_rules_are_refused(admin, provider, three, rule, kwargs, field) -> None:
    with pytest.raises(ValidationFailed) as caught:
        make(admin, provider, three, rule, **kwargs)
    assert field in {e.field for e in caught.value.errors}
