"""API handlers for assessment: plans and rules, enrolments, evidence, evaluations, gradebooks, awards. Thin."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from microcred.accounts.models import Organization, User
from microcred.accounts.permissions import can, require
from microcred.assessment import award_rules, selectors
from microcred.assessment.models import (
    Award,
    BulkAwardJob,
    Enrolment,
    Evidence,
    GradebookImport,
    LogBookTask,
    PriorLearningRequest,
)
from microcred.assessment.services import (
    awards,
    bulk,
    enrolment,
    evaluations,
    evidence,
    gradebook,
    plans,
    prior_learning,
)
from microcred.catalog.models import MicroCredential
from microcred.errors import NotFound, PermissionDenied
from microcred.frameworks.models import Competency, ProficiencyScale

router = Router(tags=["assessment"])

# An object's id in a list of them: outside the database's integer range it is refused as input (400), where a
# ``pk__in`` lookup would otherwise crash (SQLite cannot bind it).
DbId = Annotated[int, Field(ge=1, le=2**63 - 1)]


def _get(model: Any, pk: Any, code: str) -> Any:
    try:
        return model.objects.get(pk=int(pk))
    except (model.DoesNotExist, TypeError, ValueError, OverflowError) as exc:
        raise NotFound("Not found.", code=code) from exc


def _credential(pk: int) -> MicroCredential:
    return _get(MicroCredential, pk, "credential_not_found")


def _enrolment_for(request: HttpRequest, pk: int) -> Enrolment:
    found = _get(Enrolment, pk, "enrolment_not_found")
    user = request.user
    if user != found.learner and not can(user, "assessment.evaluate", found) and not _invited_employer(user, found):
        raise NotFound("Not found.", code="enrolment_not_found")  # do not reveal who is enrolled where
    return found


def _invited_employer(user: Any, found: Enrolment) -> bool:
    return any(
        can(user, "assessment.evaluate", invitation.organization)
        for invitation in found.supervisor_invitations.filter(revoked_at__isnull=True).select_related("organization")
    )


# ---------------------------------------------------------------- plans and rules


class ComponentIn(Schema):
    name: str = Field(max_length=120)
    kind: str = Field(max_length=24)
    competencies: list[DbId] = Field(default_factory=list, max_length=100)
    scale: int | None = None
    max_score: Decimal | None = None
    pass_mark: Decimal | None = None
    prior_learning_allowed: bool = False
    unlocked_by: int | None = None
    tasks: list[str] = Field(default_factory=list, max_length=200)
    description: str = Field("", max_length=5000)


class ComponentOut(Schema):
    id: int
    name: str
    kind: str
    max_score: str | None
    pass_mark: str | None
    scale: int | None
    competencies: list[str]
    prior_learning_allowed: bool
    unlocked_by: str | None
    tasks: list[str]


def _component_out(c: Any) -> ComponentOut:
    return ComponentOut(
        id=c.pk,
        name=c.name,
        kind=c.kind,
        max_score=None if c.max_score is None else str(c.max_score),
        pass_mark=None if c.pass_mark is None else str(c.pass_mark),
        scale=c.scale_id,
        competencies=[selectors.competency_name(x) for x in c.competencies.all()],
        prior_learning_allowed=c.prior_learning_allowed,
        unlocked_by=c.unlocked_by.name if c.unlocked_by else None,
        tasks=[t.title for t in c.tasks.all()],
    )


class PlanOut(Schema):
    credential: int
    award_rule: str
    components: list[ComponentOut]
    gaps: list[str]
    gaps_waived: bool
    conflicting_scales: list[str]


@router.get("assessment/credentials/{credential_id}/plan", response=PlanOut)
def plan_detail(request: HttpRequest, credential_id: int) -> PlanOut:
    credential = selectors.plan_for(request.user, credential_id)
    check = selectors.plan_check(credential)
    return PlanOut(
        credential=credential.pk,
        award_rule=credential.award_rule,
        components=[_component_out(c) for c in selectors.components_of(credential)],
        gaps=[selectors.competency_name(c) for c in check.gaps],
        gaps_waived=check.waived,
        conflicting_scales=[selectors.competency_name(c) for c in check.conflicting_scales],
    )


@router.post("assessment/credentials/{credential_id}/plan/components", response={201: ComponentOut})
def add_component(request: HttpRequest, credential_id: int, payload: ComponentIn) -> Status:
    credential = _credential(credential_id)
    require(request.user, "assessment.manage", credential)
    competencies = list(Competency.objects.filter(pk__in=payload.competencies))
    if len(competencies) != len(set(payload.competencies)):
        raise NotFound("Unknown competency.", code="competency_not_found")
    component = plans.add_component(
        actor=request.user,
        credential=credential,
        name=payload.name,
        kind=payload.kind,
        competencies=competencies,
        scale=_get(ProficiencyScale, payload.scale, "scale_not_found") if payload.scale is not None else None,
        max_score=payload.max_score,
        pass_mark=payload.pass_mark,
        prior_learning_allowed=payload.prior_learning_allowed,
        unlocked_by=(
            selectors.component_by_id(credential, payload.unlocked_by) if payload.unlocked_by is not None else None
        ),
        tasks=payload.tasks,
        description=payload.description,
    )
    return Status(201, _component_out(component))


class RuleIn(Schema):
    rule: str = Field(max_length=award_rules.MAX_RULE_LENGTH + 1)


class RuleOut(Schema):
    rule: str
    valid: bool


@router.post("assessment/credentials/{credential_id}/award-rule/check", response=RuleOut)
def check_rule(request: HttpRequest, credential_id: int, payload: RuleIn) -> RuleOut:
    credential = _credential(credential_id)
    require(request.user, "assessment.manage", credential)
    plans.check_award_rule(credential, payload.rule)
    return RuleOut(rule=payload.rule, valid=True)


@router.put("assessment/credentials/{credential_id}/award-rule", response=RuleOut)
def save_rule(request: HttpRequest, credential_id: int, payload: RuleIn) -> RuleOut:
    credential = plans.save_award_rule(actor=request.user, credential=_credential(credential_id), rule=payload.rule)
    return RuleOut(rule=credential.award_rule, valid=True)


class WaiverIn(Schema):
    reason: str = Field(max_length=2000)


@router.post("assessment/credentials/{credential_id}/plan/waiver", response=PlanOut)
def waive(request: HttpRequest, credential_id: int, payload: WaiverIn) -> PlanOut:
    plans.waive_plan_gaps(actor=request.user, credential=_credential(credential_id), reason=payload.reason)
    return plan_detail(request, credential_id)


# ---------------------------------------------------------------- enrolments


class EnrolIn(Schema):
    email: str = Field("", max_length=254)
    route: str = Field("standard", max_length=16)


class EnrolmentOut(Schema):
    id: int
    learner: str
    credential: int
    credential_title: str
    status: str
    route: str
    award: dict[str, Any] | None = None
    decision: dict[str, Any] | None = None


def _enrolment_out(e: Enrolment) -> EnrolmentOut:
    award = selectors.award_of(e)
    decision = e.decisions.order_by("-decided_at", "-pk").first()
    return EnrolmentOut(
        id=e.pk,
        learner=e.learner.email,
        credential=e.credential_id,
        credential_title=e.credential.title,
        status=e.status,
        route=e.route,
        award=(
            {
                "id": award.pk,
                "status": award.status,
                "credential": str(award.issued_credential.public_id) if award.issued_credential else None,
            }
            if award
            else None
        ),
        decision=(
            {"outcome": decision.outcome, "inputs": decision.inputs, "missing": decision.missing, "rule": decision.rule}
            if decision
            else None
        ),
    )


@router.post("assessment/credentials/{credential_id}/enrolments", response={201: EnrolmentOut})
def enrol(request: HttpRequest, credential_id: int, payload: EnrolIn) -> Status:
    credential = _credential(credential_id)
    learner = request.user
    if payload.email:
        require(request.user, "assessment.manage", credential)
        learner = User.objects.filter(email__iexact=payload.email.strip()).first()
        if learner is None:
            raise NotFound("No account has this e-mail address.", code="user_not_found")
    created = enrolment.enrol(actor=request.user, learner=learner, credential=credential, route=payload.route)
    return Status(201, _enrolment_out(created))


class CsvIn(Schema):
    csv: str = Field(max_length=10 * 1024 * 1024)
    filename: str = Field("", max_length=255)
    good_rows_only: bool = False


class BulkEnrolmentOut(Schema):
    enrolled: int
    already_enrolled: int
    accounts_created: int
    errors: list[dict[str, Any]]


@router.post("assessment/credentials/{credential_id}/enrolments/csv", response=BulkEnrolmentOut)
def enrol_csv(request: HttpRequest, credential_id: int, payload: CsvIn) -> BulkEnrolmentOut:
    result = enrolment.enrol_from_csv(
        actor=request.user,
        credential=_credential(credential_id),
        data=payload.csv.encode("utf-8"),
        good_rows_only=payload.good_rows_only,
    )
    return BulkEnrolmentOut(**result.__dict__)


@router.get("assessment/enrolments", response=list[EnrolmentOut])
def my_enrolments(request: HttpRequest) -> list[EnrolmentOut]:
    return [_enrolment_out(e) for e in selectors.enrolments_of_learner(request.user)]


@router.get("assessment/enrolments/{enrolment_id}", response=EnrolmentOut)
def enrolment_detail(request: HttpRequest, enrolment_id: int) -> EnrolmentOut:
    return _enrolment_out(_enrolment_for(request, enrolment_id))


@router.post("assessment/enrolments/{enrolment_id}/decide", response=EnrolmentOut)
def decide_now(request: HttpRequest, enrolment_id: int) -> EnrolmentOut:
    """Decide the award rule now, and award if it is met (after an issue that failed, for example)."""
    found = _enrolment_for(request, enrolment_id)
    awards.evaluate_now(actor=request.user, enrolment=found)
    found.refresh_from_db()
    return _enrolment_out(found)


# ---------------------------------------------------------------- evaluations


class EvaluationIn(Schema):
    component: int
    score: Decimal | None = None
    passed: bool | None = None
    ratings: dict[str, str] = Field(default_factory=dict)
    comment: str = Field("", max_length=10_000)
    attestation: str = Field("", max_length=10_000)
    self_assessment: bool = False


class EvaluationOut(Schema):
    id: int
    component: str
    score: str | None
    passed: bool | None
    ratings: dict[str, str]
    source: str
    attested: bool
    enrolment_status: str


def _evaluation_out(e: Any) -> EvaluationOut:
    e.enrolment.refresh_from_db(fields=["status"])
    return EvaluationOut(
        id=e.pk,
        component=e.component.name,
        score=None if e.score is None else str(e.score),
        passed=e.passed,
        ratings={selectors.competency_name(r.competency): selectors.level_name(r.level) for r in e.ratings.all()},
        source=e.source,
        attested=bool(e.attestation_signature or e.attestation_document),
        enrolment_status=e.enrolment.status,
    )


@router.post("assessment/enrolments/{enrolment_id}/evaluations", response={201: EvaluationOut})
def record_evaluation(request: HttpRequest, enrolment_id: int, payload: EvaluationIn) -> Status:
    found = _enrolment_for(request, enrolment_id)
    created = evaluations.record_evaluation(
        actor=request.user,
        enrolment=found,
        component=selectors.component_by_id(found.credential, payload.component),
        score=payload.score,
        passed=payload.passed,
        ratings=payload.ratings,
        comment=payload.comment,
        attestation=payload.attestation,
        self_assessment=payload.self_assessment,
    )
    return Status(201, _evaluation_out(created))


@router.post("assessment/supervise/{token}/evaluations", response={201: EvaluationOut}, auth=None)
def supervisor_evaluation(request: HttpRequest, token: str, payload: EvaluationIn) -> Status:
    invitation = evaluations.invitation_for_token(token)
    created = evaluations.record_evaluation(
        actor=None,
        enrolment=invitation.enrolment,
        component=selectors.component_by_id(invitation.enrolment.credential, payload.component),
        score=payload.score,
        passed=payload.passed,
        ratings=payload.ratings,
        comment=payload.comment,
        attestation=payload.attestation,
        invitation=invitation,
    )
    return Status(201, _evaluation_out(created))


class SignOffIn(Schema):
    comment: str = Field("", max_length=10_000)


@router.post("assessment/enrolments/{enrolment_id}/tasks/{task_id}/sign-off", response={201: dict[str, Any]})
def sign_off(request: HttpRequest, enrolment_id: int, task_id: int, payload: SignOffIn) -> Status:
    found = _enrolment_for(request, enrolment_id)
    task = _get(LogBookTask, task_id, "task_not_found")
    done = evaluations.sign_off_task(actor=request.user, enrolment=found, task=task, comment=payload.comment)
    return Status(201, {"id": done.pk, "task": task.title, "signed_at": done.signed_at.isoformat()})


class SupervisorIn(Schema):
    organization: str = Field(max_length=80)
    email: str = Field(max_length=254)
    name: str = Field("", max_length=200)
    components: list[DbId] = Field(max_length=50)


@router.post("assessment/enrolments/{enrolment_id}/supervisors", response={201: dict[str, Any]})
def invite_supervisor(request: HttpRequest, enrolment_id: int, payload: SupervisorIn) -> Status:
    found = _enrolment_for(request, enrolment_id)
    organization = Organization.objects.filter(slug=payload.organization).first()
    if organization is None:
        raise NotFound("No such organization.", code="organization_not_found")
    invitation, _token = evaluations.invite_supervisor(
        actor=request.user,
        enrolment=found,
        organization=organization,
        email=payload.email,
        name=payload.name,
        components=[selectors.component_by_id(found.credential, pk) for pk in payload.components],
        link_base=request.build_absolute_uri(reverse("assessment:supervise_base")),
    )
    return Status(
        201, {"id": invitation.pk, "email": invitation.email, "expires_at": invitation.expires_at.isoformat()}
    )


# ---------------------------------------------------------------- evidence


class EvidenceOut(Schema):
    id: str
    kind: str
    title: str
    content_type: str
    size: int
    sha256: str
    shareable: bool
    url: str


def _evidence_out(e: Evidence) -> EvidenceOut:
    return EvidenceOut(
        id=str(e.public_id),
        kind=e.kind,
        title=e.title,
        content_type=e.content_type,
        size=e.size,
        sha256=e.sha256,
        shareable=e.shareable,
        url=e.url or reverse("assessment:evidence", args=[e.public_id]),
    )


@router.post("assessment/enrolments/{enrolment_id}/evidence", response={201: EvidenceOut})
def submit_evidence(
    request: HttpRequest,
    enrolment_id: int,
    kind: Form[str],
    title: Form[str],
    url: Form[str] = "",
    text: Form[str] = "",
    genre: Form[str] = "",
    shareable: Form[bool] = False,
    components: Form[list[DbId]] = (),  # type: ignore[assignment]
    competencies: Form[list[DbId]] = (),  # type: ignore[assignment]
    file: File[UploadedFile] = None,  # type: ignore[assignment]
) -> Status:
    found = _enrolment_for(request, enrolment_id)
    wanted = set(competencies or [])
    linked = list(Competency.objects.filter(pk__in=wanted))
    if len(linked) != len(wanted):
        raise NotFound("Unknown competency.", code="competency_not_found")
    created = evidence.submit_evidence(
        actor=request.user,
        enrolment=found,
        kind=kind,
        title=title,
        upload=file,
        filename=getattr(file, "name", "") or "",
        url=url,
        text=text,
        genre=genre,
        shareable=shareable,
        components=[selectors.component_by_id(found.credential, pk) for pk in components or []],
        competencies=linked,
    )
    return Status(201, _evidence_out(created))


class ShareIn(Schema):
    shareable: bool


@router.patch("assessment/evidence/{public_id}", response=EvidenceOut)
def share_evidence(request: HttpRequest, public_id: str, payload: ShareIn) -> EvidenceOut:
    found = Evidence.objects.filter(public_id__in=_uuids([public_id])).select_related("enrolment").first()
    if found is None or found.enrolment.learner != request.user:
        raise NotFound("Not found.", code="evidence_not_found")
    shared = evidence.set_evidence_shareable(actor=request.user, evidence=found, shareable=payload.shareable)
    return _evidence_out(shared)


# ---------------------------------------------------------------- prior learning and the pre-test route


class RecognitionIn(Schema):
    component: int
    narrative: str = Field(max_length=20_000)
    evidence: list[str] = Field(default_factory=list, max_length=50)


@router.post("assessment/enrolments/{enrolment_id}/prior-learning", response={201: dict[str, Any]})
def request_recognition(request: HttpRequest, enrolment_id: int, payload: RecognitionIn) -> Status:
    found = _enrolment_for(request, enrolment_id)
    items = list(Evidence.objects.filter(public_id__in=_uuids(payload.evidence), enrolment=found))
    created = prior_learning.request_recognition(
        actor=request.user,
        enrolment=found,
        component=selectors.component_by_id(found.credential, payload.component),
        narrative=payload.narrative,
        evidence=items,
    )
    return Status(201, {"id": created.pk, "status": created.status})


def _uuids(values: list[str]) -> list[str]:
    import uuid

    found = []
    for value in values:
        try:
            found.append(str(uuid.UUID(str(value))))
        except ValueError:
            continue
    return found


class DecisionIn(Schema):
    recognized: bool
    comment: str = Field("", max_length=5000)


@router.post("assessment/prior-learning/{request_id}/decision", response=dict[str, Any])
def decide_recognition(request: HttpRequest, request_id: int, payload: DecisionIn) -> dict[str, Any]:
    found = _get(PriorLearningRequest, request_id, "request_not_found")
    decided = prior_learning.decide_recognition(
        actor=request.user, request=found, recognized=payload.recognized, comment=payload.comment
    )
    return {"id": decided.pk, "status": decided.status}


class GapOut(Schema):
    competencies: list[str]
    credentials: dict[str, list[dict[str, Any]]]


@router.get("assessment/enrolments/{enrolment_id}/gap-report", response=GapOut)
def gap_report(request: HttpRequest, enrolment_id: int, component: int) -> GapOut:
    found = _enrolment_for(request, enrolment_id)
    report = selectors.gap_report(found, selectors.component_by_id(found.credential, component))
    return GapOut(
        competencies=[selectors.competency_name(c) for c in report.competencies],
        credentials={
            selectors.competency_name(c): [
                {"id": m.pk, "title": m.title, "provider": m.provider.name} for m in report.credentials[c.pk]
            ]
            for c in report.competencies
        },
    )


# ---------------------------------------------------------------- gradebook import


class GradebookOut(Schema):
    id: int
    total_rows: int
    good_rows: int
    errors: list[dict[str, Any]]
    applied: bool
    applied_rows: int


def _gradebook_out(g: GradebookImport) -> GradebookOut:
    return GradebookOut(
        id=g.pk,
        total_rows=g.total_rows,
        good_rows=len(g.rows),
        errors=g.errors,
        applied=g.applied_at is not None,
        applied_rows=g.applied_rows,
    )


@router.post("assessment/credentials/{credential_id}/gradebook", response={201: GradebookOut})
def preview_gradebook(request: HttpRequest, credential_id: int, payload: CsvIn) -> Status:
    created = gradebook.preview_gradebook(
        actor=request.user,
        credential=_credential(credential_id),
        data=payload.csv.encode("utf-8"),
        filename=payload.filename,
    )
    return Status(201, _gradebook_out(created))


class ApplyIn(Schema):
    good_rows_only: bool = False


@router.post("assessment/gradebook/{import_id}/apply", response=GradebookOut)
def apply_gradebook(request: HttpRequest, import_id: int, payload: ApplyIn) -> GradebookOut:
    found = _get(GradebookImport, import_id, "import_not_found")
    return _gradebook_out(
        gradebook.apply_gradebook(actor=request.user, gradebook=found, good_rows_only=payload.good_rows_only)
    )


# ---------------------------------------------------------------- awards


class ReasonIn(Schema):
    reason: str = Field("", max_length=2000)


class AwardOut(Schema):
    id: int
    status: str
    credential: str | None
    previous_credentials: list[str]


def _award_out(a: Award) -> AwardOut:
    return AwardOut(
        id=a.pk,
        status=a.status,
        credential=str(a.issued_credential.public_id) if a.issued_credential else None,
        previous_credentials=[str(c.public_id) for c in a.previous_credentials.all()],
    )


@router.post("assessment/awards/{award_id}/revoke", response=AwardOut)
def revoke(request: HttpRequest, award_id: int, payload: ReasonIn) -> AwardOut:
    found = _get(Award, award_id, "award_not_found")
    return _award_out(awards.revoke_award(actor=request.user, award=found, reason=payload.reason))


@router.post("assessment/awards/{award_id}/reissue", response=AwardOut)
def reissue(request: HttpRequest, award_id: int, payload: ReasonIn) -> AwardOut:
    found = _get(Award, award_id, "award_not_found")
    return _award_out(awards.reissue_award(actor=request.user, award=found, reason=payload.reason))


class JobOut(Schema):
    id: int
    status: str
    total: int
    processed: int
    awarded: int
    not_met: int
    undetermined: int
    failed: int


def _job_out(j: BulkAwardJob) -> JobOut:
    return JobOut(
        id=j.pk,
        status=j.status,
        total=j.total,
        processed=j.processed,
        awarded=j.awarded,
        not_met=j.not_met,
        undetermined=j.undetermined,
        failed=j.failed,
    )


@router.post("assessment/credentials/{credential_id}/bulk-award", response={202: JobOut})
def start_bulk_award(request: HttpRequest, credential_id: int) -> Status:
    job = bulk.start_bulk_award(actor=request.user, credential=_credential(credential_id))
    return Status(202, _job_out(job))


@router.get("assessment/bulk-award/{job_id}", response=JobOut)
def bulk_award_progress(request: HttpRequest, job_id: int) -> JobOut:
    job = _get(BulkAwardJob, job_id, "job_not_found")
    if not can(request.user, "assessment.manage", job):
        raise PermissionDenied("You are not allowed to do this.")
    return _job_out(job)
