"""Evaluations and attestations per component and competency, log-book sign-off, workplace supervisors' links.

Instructors and employer assessors act with their accounts; a workplace supervisor invited by
e-mail acts through a tokenized link instead (only its hash is stored). Self-assessment is kept
but never counts towards an award. Every recorded result may complete an award.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred.accounts.models import Organization, OrganizationKind
from microcred.accounts.permissions import can, require
from microcred.assessment import selectors
from microcred.assessment.models import (
    AssessmentComponent,
    CompetencyRating,
    ComponentKind,
    Enrolment,
    EnrolmentStatus,
    Evaluation,
    LogBookTask,
    ResultSource,
    SupervisorInvitation,
    TaskSignOff,
    plain_number,
)
from microcred.audit.services import record
from microcred.errors import Conflict, ErrorList, Gone, NotFound, PermissionDenied, ValidationFailed
from microcred.notifications.models import Kind
from microcred.notifications.services import notify

INVITATION_LIFETIME = timedelta(days=60)
MAX_COMMENT = 10_000


def hash_token(token: str) -> str:
    return hashlib.sha256(str(token).encode()).hexdigest()


def sign_attestation(payload: dict[str, Any]) -> str:
    """A tamper-evident seal over an attestation: HMAC-SHA256 with a key derived from the server's secret."""
    key = hashlib.sha256(f"microcred.assessment.attestation:{settings.SECRET_KEY}".encode()).digest()
    message = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def attestation_payload(evaluation: Evaluation) -> dict[str, Any]:
    return {
        "evaluation": evaluation.pk,
        "enrolment": evaluation.enrolment_id,
        "component": evaluation.component_id,
        "assessor": evaluation.assessor_name,
        "statement": evaluation.attestation,
        "score": None if evaluation.score is None else str(evaluation.score),
        "ratings": sorted((r.competency_id, r.level_id) for r in evaluation.ratings.all()),
    }


def attestation_is_intact(evaluation: Evaluation) -> bool:
    """Legacy check of an attestation sealed with the server's HMAC (rows recorded before attestations were signed
    by the employer); a signed attestation is checked by the verifier, in the credential that embeds it."""
    if not evaluation.attestation_signature:
        return False
    return hmac.compare_digest(evaluation.attestation_signature, sign_attestation(attestation_payload(evaluation)))


def attestation_statement(evaluation: Evaluation, resolved: list[tuple[Any, Any]], organization: Organization) -> str:
    """The attestation's ``endorsementComment``: the supervisor's words, the results in words, who attested."""
    lines = [evaluation.attestation]
    if evaluation.score is not None:
        component = evaluation.component
        percent = evaluation.score * 100 / component.max_score if component.max_score else evaluation.score
        lines.append(f"{component.name}: {plain_number(percent.quantize(Decimal('0.1')))} %")
    if evaluation.passed is not None:
        lines.append(f"{evaluation.component.name}: {'passed' if evaluation.passed else 'not passed'}")
    for competency, level in resolved:
        lines.append(f"{selectors.competency_name(competency)}: {selectors.level_name(level)}")
    via = " through an e-mailed link" if evaluation.source == ResultSource.SUPERVISOR_LINK else ""
    lines.append(f"Attested by {evaluation.assessor_name} on behalf of {organization.name}{via}.")
    return "\n".join(line for line in lines if line)


def sign_employer_attestation(
    evaluation: Evaluation, resolved: list[tuple[Any, Any]], organization: Organization
) -> dict[str, Any]:
    """The attestation as an OB 3.0 ``EndorsementCredential`` of the employer (its did:web, its own key) about the
    achievement the learner works toward, naming the learner, the assessor and the component. Call in a transaction."""
    from microcred.catalog import formats
    from microcred.issuing import identity
    from microcred.issuing.services import signing_key
    from microcred.vc import compose, data_integrity
    from microcred.vc.dates import format_date_time

    enrolment = evaluation.enrolment
    learner = enrolment.learner
    pair, key = signing_key(organization)
    unsigned = compose.endorsement_credential(
        id=f"urn:uuid:{uuid.uuid4()}",
        issuer=identity.issuer_profile(organization, key),
        subject_id=formats.achievement_url(enrolment.credential),
        name=f"{organization.name}: attestation of {learner.display_name or learner.email}, "
        f"“{evaluation.component.name}”"[:300],
        description=f"Workplace attestation for “{enrolment.credential.title}”.",
        valid_from=format_date_time(evaluation.created_at),
        comment=attestation_statement(evaluation, resolved, organization),
    )
    return data_integrity.sign(unsigned, pair, verification_method=identity.signing_method_id(organization, key))


@dataclass(frozen=True)
class Assessor:
    """Who is evaluating: a signed-in user, or a workplace supervisor through an invitation link."""

    user: Any = None
    invitation: SupervisorInvitation | None = None

    @property
    def name(self) -> str:
        if self.invitation is not None:
            return self.invitation.name or self.invitation.email
        return getattr(self.user, "display_name", "") or getattr(self.user, "email", "") or str(self.user)

    @property
    def audit_actor(self) -> Any:
        if self.invitation is not None:
            return f"supervisor:{self.invitation.email}"
        return self.user


def _employer_assessor(actor: Any, enrolment: Enrolment) -> Organization | None:
    """An assessor of an employer organization that was invited to evaluate this learner."""
    for invitation in SupervisorInvitation.objects.filter(enrolment=enrolment, revoked_at__isnull=True).select_related(
        "organization"
    ):
        if can(actor, "assessment.evaluate", invitation.organization):
            return invitation.organization
    return None


def _designated_supervisor(actor: Any, enrolment: Enrolment, component: AssessmentComponent) -> Organization:
    """The employer whose invitation covers this workplace evaluation and for which ``actor`` evaluates."""
    for invitation in SupervisorInvitation.objects.filter(
        enrolment=enrolment, revoked_at__isnull=True, components=component
    ).select_related("organization"):
        if can(actor, "assessment.evaluate_workplace", invitation.organization):
            return invitation.organization
    raise PermissionDenied(
        _("Only the workplace supervisor the provider designated records this evaluation."),
        code="not_designated_supervisor",
    )


def _authorize(assessor: Assessor, enrolment: Enrolment, component: AssessmentComponent) -> Organization | None:
    if assessor.invitation is not None:
        invitation = assessor.invitation
        if invitation.enrolment_id != enrolment.pk or not invitation.components.filter(pk=component.pk).exists():
            raise PermissionDenied(_("This link does not cover this evaluation."), code="permission_denied")
        return invitation.organization
    if component.kind == ComponentKind.WORKPLACE_EVALUATION:
        return _designated_supervisor(assessor.user, enrolment, component)
    if can(assessor.user, "assessment.evaluate", enrolment.credential.provider):
        return enrolment.credential.provider
    organization = _employer_assessor(assessor.user, enrolment)
    if organization is None:
        require(assessor.user, "assessment.evaluate", enrolment)  # raises PermissionDenied
    return organization


def _score(errors: ErrorList, component: AssessmentComponent, score: Any) -> Decimal | None:
    if score is None or score == "":
        return None
    if not component.scored:
        errors.add("score", "not_scored", _("This component has no score."))
        return None
    if isinstance(score, bool) or not isinstance(score, (int, float, str, Decimal)):
        errors.add("score", "not_a_number", _("Enter a number."))
        return None
    try:
        value = Decimal(str(score).strip().rstrip("%"))
    except (InvalidOperation, ValueError):
        errors.add("score", "not_a_number", _("Enter a number."))
        return None
    if not value.is_finite() or value < 0 or value > component.max_score:
        errors.add("score", "out_of_range", _("Enter a score from 0 to %(max)s.") % {"max": component.max_score})
        return None
    return value.quantize(Decimal("0.01"))


def _names(component: AssessmentComponent) -> tuple[dict[str, Any], dict[str, Any]]:
    """The component's competencies and its scale's levels, by id and by name (any case or spacing)."""
    competencies = {}
    for competency in component.competencies.all():
        competencies[str(competency.pk)] = competency
        competencies[" ".join(selectors.competency_name(competency).split()).casefold()] = competency
    levels = {}
    if component.scale is not None:
        for level in selectors.scale_levels(component.scale):
            levels[" ".join(selectors.level_name(level).split()).casefold()] = level
            levels[str(level.pk)] = level
    return competencies, levels


def resolve_ratings(
    errors: ErrorList, component: AssessmentComponent, ratings: Any, cache: dict[int, Any] | None = None
) -> list[tuple[Any, Any]]:
    """``{competency name or id: level name}`` → [(Competency, ProficiencyLevel)] on the component's scale.

    ``cache`` keeps each component's names across the rows of one import."""
    if ratings in (None, ""):
        return []
    if not isinstance(ratings, dict):
        errors.add("ratings", "invalid_type", _("Send ratings as competency → level."))
        return []
    if cache is None:
        competencies, levels = _names(component)
    else:
        if component.pk not in cache:
            cache[component.pk] = _names(component)
        competencies, levels = cache[component.pk]
    resolved = []
    for key, value in list(ratings.items())[:100]:
        if value in (None, ""):
            continue
        competency = competencies.get(" ".join(str(key).split()).casefold())
        if competency is None:
            errors.add(f"ratings.{str(key)[:60]}", "unknown_competency", _("This component does not assess it."))
            continue
        level = levels.get(" ".join(str(value).split()).casefold()) if isinstance(value, (str, int)) else None
        if level is None:
            errors.add(
                f"ratings.{str(key)[:60]}",
                "unknown_level",
                _("Choose a level of the scale: %(levels)s.")
                % {"levels": ", ".join(sorted(set(selectors.level_name(lv) for lv in levels.values())))},
            )
            continue
        resolved.append((competency, level))
    return resolved


def record_evaluation(
    *,
    actor: Any,
    enrolment: Enrolment,
    component: AssessmentComponent,
    score: Any = None,
    passed: bool | None = None,
    ratings: dict[str, str] | None = None,
    comment: str = "",
    attestation: str = "",
    self_assessment: bool = False,
    invitation: SupervisorInvitation | None = None,
    award: bool = True,
) -> Evaluation:
    """Record a result; if it completes the award rule, the credential is awarded and issued in the same step, or,
    with ``award=False`` (the pages' explicit award step), the rule is decided and an assessor awards."""
    if component.plan.credential_id != enrolment.credential_id:
        raise ValidationFailed.single("component", "other_plan", _("Choose a component of this credential's plan."))
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        raise Conflict(_("This learner has withdrawn."), code="withdrawn")
    assessor = Assessor(user=actor if invitation is None else None, invitation=invitation)
    if self_assessment:
        if actor != enrolment.learner:
            raise PermissionDenied(_("Only the learner assesses themselves."), code="permission_denied")
        organization = None
        source = ResultSource.SELF
    else:
        organization = _authorize(assessor, enrolment, component)
        source = ResultSource.SUPERVISOR_LINK if invitation is not None else ResultSource.ASSESSOR
        if not selectors.is_unlocked(enrolment, component):
            raise Conflict(
                _("“%(name)s” opens once “%(before)s” is passed.")
                % {"name": component.name, "before": component.unlocked_by.name},
                code="locked",
            )
    errors = ErrorList()
    value = _score(errors, component, score)
    if passed is not None and not isinstance(passed, bool):
        errors.add("passed", "invalid_type", _("Passed is true or false."))
    resolved = resolve_ratings(errors, component, ratings)
    comment = str(comment or "").strip()
    attestation = str(attestation or "").strip()
    if len(comment) > MAX_COMMENT:
        errors.add("comment", "too_long", _("At most %(n)d characters.") % {"n": MAX_COMMENT})
    if len(attestation) > MAX_COMMENT:
        errors.add("attestation", "too_long", _("At most %(n)d characters.") % {"n": MAX_COMMENT})
    if value is None and passed is None and not resolved and not errors.errors:
        errors.add("score", "required", _("Enter a score, a pass or fail, or a level for a competency."))
    errors.raise_if_any()
    with transaction.atomic():
        evaluation = Evaluation.objects.create(
            enrolment=enrolment,
            component=component,
            assessor=assessor.user if getattr(assessor.user, "pk", None) else None,
            assessor_name=assessor.name[:200],
            assessor_organization=organization,
            source=source,
            score=value,
            passed=passed,
            comment=comment,
            attestation=attestation,
        )
        CompetencyRating.objects.bulk_create(
            CompetencyRating(evaluation=evaluation, competency=c, level=level) for c, level in resolved
        )
        signed_by = None
        if attestation and organization is not None and organization.kind == OrganizationKind.EMPLOYER:
            # The employer's own signature: a supervisor acting through an e-mailed link signs on its behalf.
            evaluation.attestation_document = sign_employer_attestation(evaluation, resolved, organization)
            evaluation.save(update_fields=["attestation_document"])
            signed_by = organization
        elif attestation:
            evaluation.attestation_signature = sign_attestation(attestation_payload(evaluation))
            evaluation.save(update_fields=["attestation_signature"])
        if enrolment.status == EnrolmentStatus.ENROLLED and source != ResultSource.SELF:
            enrolment.status = EnrolmentStatus.IN_PROGRESS
            enrolment.save(update_fields=["status", "updated_at"])
        record(
            actor=assessor.audit_actor if not self_assessment else actor,
            action="assessment.self_assess" if self_assessment else "assessment.record_evaluation",
            target=evaluation,
            organization=enrolment.credential.provider,
            after={
                "component": component.name,
                "score": None if value is None else str(value),
                "passed": passed,
                "ratings": {selectors.competency_name(c): selectors.level_name(lv) for c, lv in resolved},
                "attested": bool(attestation),
                "source": source,
            },
        )
        if signed_by is not None:
            assert evaluation.attestation_document is not None
            record(
                actor=assessor.audit_actor,
                action="assessment.sign_attestation",
                target=evaluation,
                organization=signed_by,
                after={
                    "attestation": evaluation.attestation_document["id"],
                    "signed_by": assessor.name,
                    "on_behalf_of": signed_by.slug,
                    "via": "e-mailed link" if invitation is not None else "account",
                    "issuer": evaluation.attestation_document["issuer"]["id"],
                },
            )
        if not self_assessment:
            notify(
                recipient=enrolment.learner,
                kind=Kind.EVIDENCE_REVIEWED,
                title=gettext_lazy("Your result for “%(component)s” is recorded"),
                body=gettext_lazy("%(assessor)s assessed your work for “%(title)s”."),
                url=reverse("assessment:enrolment", args=[enrolment.pk]),
                params={"component": component.name, "assessor": assessor.name, "title": enrolment.credential.title},
            )
    if source != ResultSource.SELF and award:
        from microcred.assessment.services.awards import award_after_result

        award_after_result(enrolment)
    elif source != ResultSource.SELF:
        from microcred.assessment.services.award_step import decide_and_follow

        decide_and_follow(enrolment)
    return evaluation


def sign_off_task(
    *,
    actor: Any,
    enrolment: Enrolment,
    task: LogBookTask,
    comment: str = "",
    invitation: SupervisorInvitation | None = None,
) -> TaskSignOff:
    component = task.component
    if component.kind != ComponentKind.LOG_BOOK or component.plan.credential_id != enrolment.credential_id:
        raise ValidationFailed.single("task", "other_plan", _("Choose a task of this credential's log book."))
    assessor = Assessor(user=actor if invitation is None else None, invitation=invitation)
    _authorize(assessor, enrolment, component)
    with transaction.atomic():
        if TaskSignOff.objects.filter(enrolment=enrolment, task=task).exists():
            raise Conflict(_("This task is already signed off."), code="already_signed")
        sign_off = TaskSignOff.objects.create(
            enrolment=enrolment,
            task=task,
            assessor=assessor.user if getattr(assessor.user, "pk", None) else None,
            assessor_name=assessor.name[:200],
            comment=str(comment or "")[:MAX_COMMENT],
        )
        record(
            actor=assessor.audit_actor,
            action="assessment.sign_off_task",
            target=sign_off,
            organization=enrolment.credential.provider,
            after={"task": task.title, "component": component.name},
        )
    from microcred.assessment.services.awards import award_after_result

    award_after_result(enrolment)
    return sign_off


def invite_supervisor(
    *,
    actor: Any,
    enrolment: Enrolment,
    organization: Organization,
    email: str,
    name: str = "",
    components: list[AssessmentComponent],
    link_base: str,
    notify: bool = True,
) -> tuple[SupervisorInvitation, str]:
    """E-mail a workplace supervisor a link to evaluate one learner on some components. Returns the token once.

    ``notify=False`` sends no e-mail (the demo loader, or an admin who passes the link on another way)."""
    require(actor, "assessment.manage", enrolment)
    errors = ErrorList()
    email = str(email or "").strip().lower()
    try:
        validate_email(email)
    except DjangoValidationError:
        errors.add("email", "invalid_email", _("Enter a valid e-mail address."))
    if organization.kind != OrganizationKind.EMPLOYER:
        errors.add("organization", "not_an_employer", _("Workplace supervisors come from an employer."))
    components = list(components)
    if not components:
        errors.add("components", "required", _("Choose what the supervisor evaluates."))
    if any(c.plan.credential_id != enrolment.credential_id for c in components):
        errors.add("components", "other_plan", _("Choose components of this credential's plan."))
    errors.raise_if_any()
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = SupervisorInvitation.objects.create(
            enrolment=enrolment,
            organization=organization,
            email=email,
            name=" ".join(str(name or "").split())[:200],
            token_hash=hash_token(token),
            invited_by=actor if getattr(actor, "pk", None) else None,
            expires_at=timezone.now() + INVITATION_LIFETIME,
        )
        invitation.components.set(components)
        record(
            actor=actor,
            action="assessment.invite_supervisor",
            target=invitation,
            organization=enrolment.credential.provider,
            after={"email": email, "employer": organization.slug, "components": [c.name for c in components]},
        )
        link = f"{link_base.rstrip('/')}/{token}/"
        learner = enrolment.learner.display_name or enrolment.learner.email
        credential = enrolment.credential.title
        if not notify:
            return invitation, token
        transaction.on_commit(
            lambda: send_mail(
                subject=_("Please evaluate %(learner)s for “%(credential)s”")
                % {"learner": learner, "credential": credential},
                message=_(
                    "%(learner)s asked you, as their workplace supervisor, to evaluate their work for the "
                    "micro-credential “%(credential)s”. No account is needed; open this link:\n\n%(link)s\n"
                )
                % {"learner": learner, "credential": credential, "link": link},
                from_email=None,
                recipient_list=[email],
            )
        )
    return invitation, token


def invitation_for_token(token: str) -> SupervisorInvitation:
    invitation = (
        SupervisorInvitation.objects.select_related(
            "enrolment__learner", "enrolment__credential__provider", "organization"
        )
        .filter(token_hash=hash_token(token or ""))
        .first()
    )
    if invitation is None:
        raise NotFound(_("This link is not valid."), code="invitation_not_found")
    if invitation.revoked_at is not None:
        raise Gone(_("This link was withdrawn."), code="invitation_revoked")
    if invitation.expires_at < timezone.now():
        raise Gone(_("This link has expired."), code="invitation_expired")
    return invitation
