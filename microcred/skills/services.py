"""Writes of the skills domain that several entry points share: postings, the platform organization."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from microcred.accounts.models import Organization, OrganizationKind
from microcred.skills.models import JobPosting, SkillsImport
from microcred.skills.postings import parse_postings
from microcred.skills.tabular import Progress

BATCH = 500


def platform_organization() -> Organization | None:
    """The organization whose admins manage labour-market data (None before the platform is set up)."""
    return Organization.objects.filter(kind=OrganizationKind.PLATFORM).order_by("pk").first()


@dataclass
class PostingsResult:
    rows: int
    created: int


def import_postings(
    data: bytes, *, filename: str = "", job: SkillsImport | None = None, progress: Progress | None = None
) -> PostingsResult:
    """Every row checked first (a bad row refuses the whole file); then the new postings written at once.

    A posting already imported (same fingerprint), or twice in the file, is added once.
    """
    rows = parse_postings(data, filename=filename)
    unique = {row.fingerprint: row for row in rows}
    fingerprints = list(unique)
    known: set[str] = set()
    for start in range(0, len(fingerprints), BATCH):
        chunk = fingerprints[start : start + BATCH]
        known.update(JobPosting.objects.filter(fingerprint__in=chunk).values_list("fingerprint", flat=True))
    new = [
        JobPosting(
            source_import=job,
            fingerprint=fingerprint,
            title=row.title,
            text=row.text,
            location=row.location,
            region=row.region,
            posted_on=row.posted_on,
            employer=row.employer,
        )
        for fingerprint, row in unique.items()
        if fingerprint not in known
    ]
    if progress:
        progress(0, len(new))
    with transaction.atomic():  # all or nothing: progress inside would not be seen before the commit anyway
        for start in range(0, len(new), BATCH):
            JobPosting.objects.bulk_create(new[start : start + BATCH])
    if progress:
        progress(len(new), len(new))
    return PostingsResult(rows=len(rows), created=len(new))
