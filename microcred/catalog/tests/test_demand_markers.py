"""The "teaches in-demand skills" marker and the in-demand skills facet, from the skills domain's demand."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from microcred.accounts.permissions import SYSTEM
from microcred.audit.models import AuditEntry
from microcred.catalog import alignments, selectors
from microcred.catalog.demand_markers import refresh_demand_markers
from microcred.catalog.models import SearchDocument
from microcred.catalog.tests.conftest import draft, publish
from microcred.frameworks.models import Competency, Crosswalk, CrosswalkLink
from microcred.frameworks.samples import load_future_ready_talent
from microcred.skills import extraction, interfaces
from microcred.skills.models import JobPosting, PostingSkill
from microcred.skills.tests.demand_data import load_sample_framework, skill

A, B, C = "perform data analysis", "use databases", "design graphics"


def postings(label: str, n: int) -> None:
    for i in range(n):
        posting = JobPosting.objects.create(
            fingerprint=f"{label}{i}", title="t", text="x", region="ON", posted_on=dt.date(2026, 5, 1 + i),
            extracted_at=timezone.now(),
        )  # fmt: skip
        PostingSkill.objects.create(posting=posting, competency=skill(label), score=0.9, engine="lexical")


def build(admin, reviewer, provider):  # type: ignore[no-untyped-def]
    esco = load_sample_framework()
    other = load_future_ready_talent(actor=SYSTEM, organization=None)
    data = draft(admin, provider, "Data Literacy")
    for label in (A, C):
        alignments.align(actor=admin, credential=data, competency=skill(label))
    teamwork = draft(admin, provider, "Teamwork")
    own = Competency.objects.filter(framework=other).exclude(competency_type="group").first()
    alignments.align(actor=admin, credential=teamwork, competency=own)
    crosswalk = Crosswalk.objects.create(source_framework=other, target_framework=esco)
    CrosswalkLink.objects.create(
        crosswalk=crosswalk, source=own, target=skill(B), relation="exactMatch", status="confirmed"
    )
    # a suggested (unconfirmed) link, and a broader one, do not count
    CrosswalkLink.objects.create(crosswalk=crosswalk, source=own, target=skill(A), relation="closeMatch")
    CrosswalkLink.objects.create(
        crosswalk=crosswalk, source=own, target=skill(C), relation="broadMatch", status="confirmed"
    )
    return publish(admin, reviewer, data), publish(admin, reviewer, teamwork)


def test_marker_from_aligned_and_crosswalked_skills(db: None, admin, reviewer, provider) -> None:  # type: ignore[no-untyped-def]
    data, teamwork = build(admin, reviewer, provider)
    postings(A, 5)
    postings(B, 6)
    postings(C, 2)  # under the threshold: not in demand
    assert refresh_demand_markers() == 2
    data.refresh_from_db()
    teamwork.refresh_from_db()
    assert data.skills_demand == [A] and teamwork.skills_demand == [B]
    assert B in SearchDocument.objects.get(credential=teamwork).body  # re-indexed
    assert AuditEntry.objects.filter(action="catalog.record_skills_demand").count() == 2
    assert refresh_demand_markers() == 0  # nothing changed, nothing written

    found = selectors.search_catalog(selectors.parse_query({"in_demand": "1"}))
    assert found.total == 2
    facet = next(f for f in found.facets if f.name == "demand_skill")
    assert [(v.label, v.count) for v in facet.values] == [(A, 1), (B, 1)]
    found = selectors.search_catalog(selectors.parse_query({"demand_skill": B}))
    assert [c.title for c in found.results] == ["Teamwork"]
    facet = next(f for f in found.facets if f.name == "demand_skill")
    assert [(v.label, v.selected) for v in facet.values] == [(A, False), (B, True)]
    assert "demand_skill=use+databases" in found.query.permalink()


def test_demand_changes_refresh_the_markers(
    db: None, admin, reviewer, provider, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    assert refresh_demand_markers in interfaces.DEMAND_CHANGED
    data, _teamwork = build(admin, reviewer, provider)
    for i in range(5):
        JobPosting.objects.create(
            fingerprint=str(i), title="Data analyst", text="Perform data analysis.", posted_on=dt.date(2026, 5, 1)
        )
    with django_capture_on_commit_callbacks(execute=True):
        extraction.extract_pending()
    data.refresh_from_db()
    assert A in data.skills_demand


def test_a_credential_published_after_demand_is_marked_at_publication(db: None, admin, reviewer, provider) -> None:  # type: ignore[no-untyped-def]
    load_sample_framework()
    postings(A, 5)  # the demand is already there, and does not change again
    later = draft(admin, provider, "Analytics Now")
    alignments.align(actor=admin, credential=later, competency=skill(A))
    alignments.align(actor=admin, credential=later, competency=skill(C))  # aligned, not in demand
    later = publish(admin, reviewer, later)
    later.refresh_from_db()
    assert later.skills_demand == [A]
    assert [c.title for c in selectors.search_catalog(selectors.parse_query({"in_demand": "1"})).results] == [
        "Analytics Now"
    ]
    entry = AuditEntry.objects.filter(action="catalog.publish").latest("pk")
    assert entry.after["skills_demand"] == [A]
    assert refresh_demand_markers() == 0  # already right
