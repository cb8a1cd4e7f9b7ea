"""Assignment and Grade Services and Names and Role Provisioning, read with the tool's service token through
pylti1p3: the course's line items mapped to the plan's components (by tag, resource id or label = the component's
name), their results recorded as assessment results (``assessment.services.evaluations``, which runs the award rule
and awards), and the roster made enrolments. Calls to the platform happen outside transactions; every recorded
result or enrolment is its own transaction and audit entry, and a sync is audited once more with its counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException
from pylti1p3.lineitem import LineItem
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector

from microcred.accounts.models import User
from microcred.assessment.models import AssessmentComponent, EnrolmentStatus
from microcred.assessment.services.evaluations import record_evaluation
from microcred.audit.services import record
from microcred.errors import Conflict, DomainError
from microcred.lti.models import Course, LineItemMap, LtiUser, SyncedScore
from microcred.lti.services import AGS, NRPS, enrol_in_course, platform_actor, user_for
from microcred.lti.toolconf import registration_for

LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


@dataclass
class SyncReport:
    line_items: int = 0
    mapped: int = 0
    results: int = 0
    recorded: int = 0
    enrolled: int = 0
    problems: list[str] = field(default_factory=list)


def _connector(course: Course) -> ServiceConnector:
    return ServiceConnector(registration_for(course.platform))


def _check(course: Course, claim: str) -> dict[str, Any]:
    if course.credential_id is None:
        raise Conflict(_("Attach a micro-credential to this course first."), code="no_credential")
    data = (course.last_launch or {}).get(claim)
    if not isinstance(data, dict):
        raise Conflict(_("The platform has not offered this service for this course."), code="service_unavailable")
    return data


def _component_for(item: dict[str, Any], components: list[AssessmentComponent]) -> AssessmentComponent | None:
    by_name = {" ".join(c.name.split()).casefold(): c for c in components}
    by_id = {f"component-{c.pk}": c for c in components}
    for key in ("tag", "resourceId", "label"):
        value = " ".join(str(item.get(key) or "").split())
        found = by_id.get(value) or by_name.get(value.casefold())
        if found is not None:
            return found
    return None


def _map_line_items(course: Course, items: list[dict[str, Any]]) -> list[LineItemMap]:
    components = list(AssessmentComponent.objects.filter(plan__credential_id=course.credential_id))
    mapped = []
    for item in items:
        line_item_id = str(item.get("id") or "")[:500]
        if not line_item_id:
            continue
        row, created = LineItemMap.objects.get_or_create(
            course=course, line_item_id=line_item_id, defaults={"label": str(item.get("label") or "")[:255]}
        )
        stale = row.component_id is not None and row.component.plan.credential_id != course.credential_id
        if created or stale:  # mapped by name once; an instructor's later choice (even "none") stays
            row.component = _component_for(item, components)
            row.save(update_fields=["component"])
        if row.component_id is not None:
            mapped.append(row)
    return mapped


def _score(result: dict[str, Any], component: AssessmentComponent) -> Decimal | None:
    try:
        given = Decimal(str(result.get("resultScore")))
        maximum = Decimal(str(result.get("resultMaximum") or 1))
    except (InvalidOperation, ValueError):
        return None
    if not given.is_finite() or not maximum.is_finite() or maximum <= 0:
        return None
    scale = component.max_score if component.max_score is not None else Decimal(100)
    return min(max(given / maximum * scale, Decimal(0)), scale).quantize(Decimal("0.01"))


def _record_result(course: Course, row: LineItemMap, result: dict[str, Any], report: SyncReport) -> None:
    link = (
        LtiUser.objects.select_related("user").filter(platform=course.platform, sub=str(result.get("userId"))).first()
    )
    if link is None:
        report.problems.append(_("A result for a person who never launched microcred was left out."))
        return
    assert row.component is not None
    score = _score(result, row.component)
    if score is None:
        return
    previous = SyncedScore.objects.filter(line_item=row, user=link.user).first()
    if previous is not None and previous.score == score:
        return
    with transaction.atomic():
        enrolment = enrol_in_course(course, link.user)
    if enrolment is None or enrolment.status == EnrolmentStatus.WITHDRAWN:
        return
    try:
        evaluation = record_evaluation(
            actor=platform_actor(course.platform),
            enrolment=enrolment,
            component=row.component,
            score=score,
            comment=_("From the LMS gradebook (%(label)s).") % {"label": row.label or row.line_item_id},
        )
    except DomainError as exc:
        report.problems.append(f"{link.user.email}: {exc}")
        return
    SyncedScore.objects.update_or_create(
        line_item=row,
        user=link.user,
        defaults={
            "score": score,
            "platform_timestamp": str(result.get("timestamp") or "")[:64],
            "evaluation": evaluation,
        },
    )
    report.recorded += 1


def sync_grades(*, course: Course) -> SyncReport:
    """Read the course's line items and results from the platform and record new scores as results."""
    claim = _check(course, AGS)
    report = SyncReport()
    try:
        ags = AssignmentsGradesService(_connector(course), claim)
        items = [dict(item) for item in ags.get_lineitems()]
        report.line_items = len(items)
        for row in _map_line_items(course, items):
            report.mapped += 1
            results = ags.get_grades(LineItem({"id": row.line_item_id}))
            report.results += len(results)
            for result in results:
                if isinstance(result, dict):
                    _record_result(course, row, result, report)
    except LtiException as exc:
        raise Conflict(_("The platform refused or failed: %(error)s") % {"error": exc}, code="platform_error") from exc
    _finish(course, "lti.sync_grades", report)
    return report


def sync_roster(*, course: Course) -> SyncReport:
    """The course's learners (NRPS) become enrolments in its credential, accounts made or matched by e-mail."""
    claim = _check(course, NRPS)
    report = SyncReport()
    try:
        members = NamesRolesProvisioningService(_connector(course), claim).get_members()
    except LtiException as exc:
        raise Conflict(_("The platform refused or failed: %(error)s") % {"error": exc}, code="platform_error") from exc
    for member in members:
        roles = member.get("roles") or []
        if member.get("status", "Active") != "Active" or not any(str(r).endswith("#Learner") for r in roles):
            continue
        try:
            with transaction.atomic():
                user, _created = user_for(
                    course.platform,
                    str(member.get("user_id"))[:255],
                    str(member.get("email") or ""),
                    str(member.get("name") or ""),
                )
                existed = user.enrolments.filter(credential_id=course.credential_id).exists()
                enrol_in_course(course, user)
        except DomainError as exc:
            report.problems.append(str(exc))
            continue
        report.enrolled += 0 if existed else 1
    _finish(course, "lti.sync_roster", report)
    return report


def map_line_item(*, course: Course, line_item: LineItemMap, component: AssessmentComponent | None) -> LineItemMap:
    """An instructor's choice of the plan component a gradebook column counts for (None: it counts for none)."""
    if line_item.course_id != course.pk:
        raise Conflict(_("This column is not in this course's gradebook."), code="other_course")
    if component is not None and component.plan.credential_id != course.credential_id:
        raise Conflict(_("Choose a component of this credential's plan."), code="other_plan")
    with transaction.atomic():
        before = line_item.component.name if line_item.component else None
        line_item.component = component
        line_item.save(update_fields=["component"])
        record(
            actor=platform_actor(course.platform),
            action="lti.map_line_item",
            target=course,
            organization=course.platform.provider,
            before={"line_item": line_item.line_item_id, "component": before},
            after={"line_item": line_item.line_item_id, "component": component.name if component else None},
        )
    return line_item


def _finish(course: Course, action: str, report: SyncReport) -> None:
    with transaction.atomic():
        Course.objects.filter(pk=course.pk).update(synced_at=timezone.now())
        record(
            actor=platform_actor(course.platform),
            action=action,
            target=course,
            organization=course.platform.provider,
            after={k: v for k, v in report.__dict__.items() if k != "problems"} | {"problems": len(report.problems)},
        )


@task()
def sync_course_task(course_id: int) -> dict[str, int]:
    """Background: the roster, then the grades, of one course."""
    course = Course.objects.select_related("platform__provider").get(pk=course_id)
    counts: dict[str, int] = {}
    if NRPS in (course.last_launch or {}):
        counts["enrolled"] = sync_roster(course=course).enrolled
    if AGS in (course.last_launch or {}):
        counts["recorded"] = sync_grades(course=course).recorded
    return counts


def learners_of(course: Course) -> list[User]:
    return list(User.objects.filter(enrolments__credential_id=course.credential_id).order_by("email"))
