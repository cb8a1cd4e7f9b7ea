"""Reporting reads every domain and writes nothing: uptake, completion, pass rates, sharing, verifications.

Every figure is one aggregate query (grouped in the database, never a Python loop over rows); no learner's
name or e-mail is ever selected. Enrolment figures are about the cohort enrolled in the period; awards by
month count awards made in it; pass rates count the latest evaluation of each learner on each component.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts.models import Organization
from microcred.accounts.permissions import can, require
from microcred.assessment.models import AssessmentComponent, Award, Enrolment, Evaluation, PriorLearningRequest
from microcred.assessment.models.awards import AwardStatus
from microcred.assessment.models.enrolments import EnrolmentStatus
from microcred.assessment.models.results import ResultSource
from microcred.catalog.models import MicroCredential, Status
from microcred.employers.models import Verification
from microcred.errors import NotFound
from microcred.issuing.identity import organization_did
from microcred.issuing.models import IssuedCredential
from microcred.reporting.periods import Period
from microcred.wallet.models import ShareView

TYPOLOGY_FIELDS = (
    "level",
    "delivery_mode",
    "pace",
    "workload_hours",
    "language",
    "country",
    "region",
    "credit_type",
    "credit_value",
    "credit_unit",
    "assessment_method",
    "achievement_indicator",
    "accreditation_status",
    "accrediting_body",
)


@dataclass(frozen=True)
class Counts:
    enrolled: int = 0
    in_progress: int = 0
    awarded: int = 0
    revoked: int = 0

    @property
    def completion_rate(self) -> float | None:
        """Share of the cohort awarded (revoked awards included: they were earned), ``None`` for an empty cohort."""
        return self.awarded / self.enrolled if self.enrolled else None


@dataclass(frozen=True)
class Rate:
    label: str
    evaluated: int
    passed: int

    @property
    def rate(self) -> float | None:
        return self.passed / self.evaluated if self.evaluated else None


@dataclass
class Report:
    counts: Counts
    median_days_to_award: float | None
    awards_by_month: list[tuple[str, int]]
    component_pass_rates: list[Rate]
    competency_pass_rates: list[Rate]
    prior_learning: dict[str, int]
    share_views_by_domain: list[tuple[str, int]]
    verifications_by_employer: list[tuple[str, int]]
    per_credential: list[dict[str, Any]] = field(default_factory=list)


_COUNTS = {
    "enrolled": Count("pk"),
    "in_progress": Count("pk", filter=Q(status__in=[EnrolmentStatus.IN_PROGRESS, EnrolmentStatus.ASSESSED])),
    "awarded": Count("award"),
    "revoked": Count("award", filter=Q(award__status=AwardStatus.REVOKED)),
}


def provider_by_slug(actor: Any, slug: str) -> Organization:
    """The provider whose reports ``actor`` may read; a stranger learns nothing more than a missing one does."""
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None or not can(actor, "reporting.view", organization):
        raise NotFound(_("No such report."), code="report_not_found")
    return organization


def credential_of(organization: Organization, credential_id: int) -> MicroCredential:
    credential = MicroCredential.objects.filter(provider=organization, pk=credential_id).first()
    if credential is None:
        raise NotFound(_("No such micro-credential."), code="credential_not_found")
    return credential


def _cohort(credentials: QuerySet[MicroCredential], period: Period) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(period.q("enrolled_at"), credential__in=credentials)


def counts(credentials: QuerySet[MicroCredential], period: Period) -> Counts:
    return Counts(**_cohort(credentials, period).aggregate(**_COUNTS))


class DaysBetween(Func):
    """``end - start`` in days (a float), with each database's own date arithmetic: no per-row Python function."""

    output_field = FloatField()

    def __init__(self, start: str, end: str) -> None:
        super().__init__(F(end), F(start))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # PostgreSQL
        return super().as_sql(
            compiler,
            connection,
            template="CAST(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0 AS double precision)",
            arg_joiner=" - ",
            **extra,
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        end, start = self.get_source_expressions()
        sql_end, params_end = compiler.compile(end)
        sql_start, params_start = compiler.compile(start)
        return f"(julianday({sql_end}) - julianday({sql_start}))", (*params_end, *params_start)


def median_days_to_award(
    credentials: QuerySet[MicroCredential], period: Period, awarded: int | None = None
) -> float | None:
    """The median of award date minus enrolment date over the cohort, in days, ordered and picked in the database
    (portable: no percentile function, which SQLite lacks). ``awarded``: the cohort's awards, if already counted."""
    awards = Award.objects.filter(period.q("enrolment__enrolled_at"), enrolment__credential__in=credentials)
    n = awards.count() if awarded is None else awarded
    if not n:
        return None
    # Ordered by the value alone: rows that tie give the same number, so no tie-break is needed (it made the sort
    # compare a second column); the cohort is a join, not an ``IN`` over a subquery of enrolments.
    days = (
        awards.annotate(days=DaysBetween("enrolment__enrolled_at", "awarded_at"))
        .order_by("days")
        .values_list("days", flat=True)
    )
    middle = list(days[(n - 1) // 2 : n // 2 + 1])
    return round(sum(float(days) for days in middle) / len(middle), 1)


def _months(first: datetime, last: datetime) -> list[datetime]:
    zone = timezone.get_current_timezone()
    first, last = first.astimezone(zone), last.astimezone(zone)
    year, month = first.year, first.month
    months = []
    while (year, month) <= (last.year, last.month):
        months.append(datetime(year, month, 1, tzinfo=zone))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    months.append(datetime(year, month, 1, tzinfo=zone))
    return months


def _month_index(bounds: list[datetime], low: int, high: int) -> Any:
    """The index ``i`` of the month ``bounds[i] <= awarded_at < bounds[i + 1]``, as a balanced tree of CASEs: a few
    comparisons per row on every database (truncating each row's date is a per-row Python function on SQLite)."""
    if high - low == 1:
        return Value(low)
    middle = (low + high) // 2
    return Case(
        When(awarded_at__lt=bounds[middle], then=_month_index(bounds, low, middle)),
        default=_month_index(bounds, middle, high),
        output_field=IntegerField(),
    )


def awards_by_month(credentials: QuerySet[MicroCredential], period: Period) -> list[tuple[str, int]]:
    """Awards per calendar month (in the site's time zone) that has any."""
    awards = Award.objects.filter(period.q("awarded_at"), enrolment__credential__in=credentials)
    span = awards.aggregate(first=Min("awarded_at"), last=Max("awarded_at"))
    if span["first"] is None:
        return []
    bounds = _months(span["first"], span["last"])
    rows = (
        awards.annotate(month=_month_index(bounds, 0, len(bounds) - 1))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    return [(bounds[row["month"]].strftime("%Y-%m"), row["n"]) for row in rows]


def _latest_evaluations(credentials: QuerySet[MicroCredential], period: Period) -> QuerySet[Evaluation]:
    """The evaluation that counts for each learner and component: the latest one that is not a self-assessment."""
    newer = (
        Evaluation.objects.filter(enrolment=OuterRef("enrolment"), component=OuterRef("component"))
        .exclude(source=ResultSource.SELF)
        # The ``>=`` bound lets the database walk one index range (``evaluation_latest``) instead of two.
        .filter(created_at__gte=OuterRef("created_at"))
        .filter(Q(created_at__gt=OuterRef("created_at")) | Q(pk__gt=OuterRef("pk")))
    )
    scored = Q(score__isnull=False, component__pass_mark__isnull=False, component__max_score__gt=0)
    # As the award rule reads it: an explicit pass or fail, else the score against the pass mark (in percent).
    outcome = Case(
        When(passed__isnull=False, then=F("passed")),
        When(scored & Q(hundredfold__gte=F("pass_line")), then=Value(True)),
        When(scored, then=Value(False)),
        default=Value(None),
        output_field=BooleanField(),
    )
    # Reached from the credentials' components (an evaluation's component is in its enrolment's credential's plan):
    # the rows then come grouped by component from its index, with no sort of every evaluation.
    return (
        Evaluation.objects.filter(period.q("created_at"), component__plan__credential__in=credentials)
        .exclude(source=ResultSource.SELF)
        .filter(~Exists(newer))
        .annotate(
            hundredfold=ExpressionWrapper(F("score") * 100, output_field=DecimalField()),
            pass_line=ExpressionWrapper(
                F("component__pass_mark") * F("component__max_score"), output_field=DecimalField()
            ),
        )
        .annotate(outcome=outcome)
        .filter(outcome__isnull=False)
    )


_RATE = {"evaluated": Count("pk"), "passed_n": Count("pk", filter=Q(outcome=True))}


def pass_rates(credentials: QuerySet[MicroCredential], period: Period) -> tuple[list[Rate], list[Rate]]:
    """Pass rates per assessment component, and per competency (where learners struggle): the latest evaluations
    of the components that assess it. One grouped query per component; the competencies' figures are summed from
    those rows over the component-competency links (a few rows per component, not per learner)."""
    rows = (
        _latest_evaluations(credentials, period)
        .values("component_id", "component__name")
        .annotate(**_RATE)
        .order_by("component__name", "component_id")
    )
    by_component = [Rate(row["component__name"], row["evaluated"], row["passed_n"]) for row in rows]
    per_component = {row["component_id"]: (row["evaluated"], row["passed_n"]) for row in rows}
    links = AssessmentComponent.competencies.through.objects.filter(
        assessmentcomponent_id__in=list(per_component)
    ).values_list("assessmentcomponent_id", "competency_id", "competency__short_name")
    totals: dict[tuple[str, int], list[int]] = {}
    for component_id, competency_id, name in links:
        evaluated, passed = per_component[component_id]
        total = totals.setdefault((name, competency_id), [0, 0])
        total[0] += evaluated
        total[1] += passed
    by_competency = [Rate(name, evaluated, passed) for (name, _id), (evaluated, passed) in sorted(totals.items())]
    return by_component, by_competency


def prior_learning(credentials: QuerySet[MicroCredential], period: Period) -> dict[str, int]:
    rows = (
        PriorLearningRequest.objects.filter(period.q("created_at"), enrolment__credential__in=credentials)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by("status")
    )
    return {row["status"]: row["n"] for row in rows}


def share_views_by_domain(issued: QuerySet[IssuedCredential], period: Period) -> list[tuple[str, int]]:
    """Views of share links holding these credentials, by the referring site's domain only ("" when none)."""
    rows = (
        ShareView.objects.filter(period.q("viewed_at"), link__credentials__in=issued)
        .values("referrer_domain")
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n", "referrer_domain")
    )
    return [(row["referrer_domain"], row["n"]) for row in rows]


def verifications_by_employer(verifications: QuerySet[Verification], period: Period) -> list[tuple[str, int]]:
    """Signed-in employers' verifications, by employer organization (never by the person who verified)."""
    rows = (
        verifications.filter(period.q("created_at"))
        .values("employer__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "employer__name")
    )
    return [(row["employer__name"], row["n"]) for row in rows]


def per_credential(organization: Organization, period: Period) -> list[dict[str, Any]]:
    """One row per version of each micro-credential of the provider, with its cohort counts (one grouped query),
    the most enrolled first."""
    cohort_q = period.q("enrolments__enrolled_at")
    rows = (
        MicroCredential.objects.filter(provider=organization)
        .values("pk", "title", "version", "status")
        .annotate(
            enrolled=Count("enrolments", filter=cohort_q),
            in_progress=Count(
                "enrolments",
                filter=cohort_q
                & Q(enrolments__status__in=[EnrolmentStatus.IN_PROGRESS, EnrolmentStatus.ASSESSED]),
            ),
            awarded=Count("enrolments__award", filter=cohort_q),
            revoked=Count("enrolments__award", filter=cohort_q & Q(enrolments__award__status=AwardStatus.REVOKED)),
        )
        .order_by("-enrolled", "title", "version", "pk")
    )
    return [
        {**row, "completion_rate": row["awarded"] / row["enrolled"] if row["enrolled"] else None} for row in rows
    ]


def _report(credentials: QuerySet[MicroCredential], issued: QuerySet[IssuedCredential], verifications: Any,
            period: Period, cohort: Counts | None = None) -> Report:
    by_component, by_competency = pass_rates(credentials, period)
    cohort = cohort if cohort is not None else counts(credentials, period)
    return Report(
        counts=cohort,
        median_days_to_award=median_days_to_award(credentials, period, cohort.awarded),
        awards_by_month=awards_by_month(credentials, period),
        component_pass_rates=by_component,
        competency_pass_rates=by_competency,
        prior_learning=prior_learning(credentials, period),
        share_views_by_domain=share_views_by_domain(issued, period),
        verifications_by_employer=verifications_by_employer(verifications, period),
    )


def organization_report(actor: Any, organization: Organization, period: Period) -> Report:
    require(actor, "reporting.view", organization)
    credentials = MicroCredential.objects.filter(provider=organization)
    issued = IssuedCredential.objects.filter(organization=organization)
    verifications = Verification.objects.filter(issuer=organization_did(organization))
    rows = per_credential(organization, period)
    # The organization's cohort is the sum of its credentials' (one row per credential, not per learner).
    cohort = Counts(**{name: sum(row[name] for row in rows) for name in _COUNTS})
    report = _report(credentials, issued, verifications, period, cohort)
    report.per_credential = rows
    return report


def credential_report(actor: Any, credential: MicroCredential, period: Period) -> Report:
    require(actor, "reporting.view", credential.provider)
    credentials = MicroCredential.objects.filter(pk=credential.pk)
    issued = IssuedCredential.objects.filter(award__enrolment__credential=credential)
    ids = [f"urn:uuid:{public_id}" for public_id in issued.values_list("public_id", flat=True)]
    verifications = Verification.objects.filter(credential_id__in=ids)
    return _report(credentials, issued, verifications, period)


def platform_report(actor: Any) -> list[dict[str, Any]]:
    """Published micro-credentials counted by provider and by level (the catalog has no field of study yet)."""
    require(actor, "platform.administer")
    rows = (
        MicroCredential.objects.filter(status=Status.PUBLISHED)
        .values("provider__name", "level")
        .annotate(n=Count("pk"))
        .order_by("provider__name", "level")
    )
    return list(rows)


def award_rows(actor: Any, organization: Organization, period: Period) -> Iterator[dict[str, Any]]:
    """Every award of the provider in the period, with the credential's typology, streamed from the database.

    The learner is not named: an award is identified by its issued credential's id, which is what a ministry or a
    quality body can check. The permission is checked now, before the first row is read."""
    require(actor, "reporting.view", organization)
    return _award_rows(organization, period)


def _award_rows(organization: Organization, period: Period) -> Iterator[dict[str, Any]]:
    fields = ["awarded_at", "status", "revoked_at", "issued_credential__public_id", "enrolment__enrolled_at",
              "enrolment__route", "enrolment__credential__title", "enrolment__credential__version",
              "enrolment__credential__slug"]
    fields += [f"enrolment__credential__{name}" for name in TYPOLOGY_FIELDS]
    rows = (
        Award.objects.filter(period.q("awarded_at"), enrolment__credential__provider=organization)
        .order_by("awarded_at", "pk")
        .values_list(*fields)
        .iterator(chunk_size=2000)
    )
    names = ["awarded_at", "status", "revoked_at", "credential_id", "enrolled_at", "route", "title", "version",
             "slug", *TYPOLOGY_FIELDS]
    for values in rows:
        row = dict(zip(names, values, strict=True))
        row["credential_id"] = f"urn:uuid:{row['credential_id']}" if row["credential_id"] else ""
        yield row
