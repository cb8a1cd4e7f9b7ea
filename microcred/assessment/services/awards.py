"""Award → issue: deciding the award rule for a learner, issuing the Open Badges 3.0 credential, revoking, re-issuing.

An award and the credential issued for it are written in one transaction: a crash between the two
leaves neither, and the one-award-per-enrolment constraint makes a second attempt a no-op. Every
evaluation of the rule is stored (rule text, inputs, outcome) so a decision can be explained later.
"""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred.accounts.permissions import SYSTEM, require
from microcred.assessment import award_rules, selectors
from microcred.assessment.models import (
    AssessmentComponent,
    Award,
    AwardStatus,
    Enrolment,
    EnrolmentStatus,
    Evaluation,
    Evidence,
    ResultSource,
    RuleDecision,
    plain_number,
)
from microcred.audit.services import record
from microcred.catalog import extensions
from microcred.catalog.models import MicroCredential
from microcred.errors import Conflict, ValidationFailed
from microcred.notifications.models import Kind
from microcred.notifications.services import notify

logger = logging.getLogger(__name__)


def _public_url() -> str:
    return getattr(settings, "PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def achievement_id(credential: MicroCredential) -> str:
    return f"{_public_url()}/catalog/{credential.provider.slug}/{credential.slug}/v{credential.version}/achievement"


def _fallback_achievement(credential: MicroCredential) -> dict[str, Any]:
    """Used only while the catalog's ``formats.to_achievement`` is not available."""
    return {
        "id": achievement_id(credential),
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": credential.title,
        "description": credential.summary or credential.title,
        "criteria": {"narrative": credential.award_criteria or credential.award_rule or credential.title},
        "creator": {
            "id": f"{_public_url()}/organizations/{credential.provider.slug}/",
            "type": ["Profile"],
            "name": credential.provider.name,
        },
        "version": str(credential.version),
    }


def achievement_for(credential: MicroCredential, components: list[AssessmentComponent]) -> dict[str, Any]:
    """The catalog's OB 3.0 Achievement for a version, plus a ``resultDescription`` per scored component and
    per rated competency (with the scale's levels), so that the credential's results can point at them."""
    try:
        from microcred.catalog.formats import to_achievement
    except ImportError:
        achievement = _fallback_achievement(credential)
    else:
        achievement = to_achievement(credential)
    # What other domains add to the version's Achievement (employers: their signed, not withdrawn, endorsements of
    # it and of its provider), computed once per version: every learner's credential embeds the same documents.
    extensions.extend_achievement(credential, achievement)
    achievement.pop("@context", None)  # embedded in the credential, whose context covers it
    identifier = achievement["id"]
    descriptions: list[dict[str, Any]] = list(achievement.get("resultDescription", []))
    seen: set[int] = set()
    for component in components:
        if component.scored:
            entry: dict[str, Any] = {
                "id": f"{identifier}#component-{component.pk}",
                "type": ["ResultDescription"],
                "name": component.name,
                "resultType": "Percent",
                "valueMin": "0",
                "valueMax": "100",
            }
            if component.pass_mark is not None:
                entry["requiredValue"] = plain_number(component.pass_mark)
            descriptions.append(entry)
        if component.scale is None:
            continue
        levels = selectors.scale_levels(component.scale)
        for competency in component.competencies.all():
            if competency.pk in seen:
                continue
            seen.add(competency.pk)
            descriptions.append(
                {
                    "id": f"{identifier}#competency-{competency.pk}",
                    "type": ["ResultDescription"],
                    "name": selectors.competency_name(competency),
                    "resultType": "RubricCriterionLevel",
                    "rubricCriterionLevel": [
                        {
                            "id": f"{identifier}#level-{level.pk}",
                            "type": ["RubricCriterionLevel"],
                            "name": selectors.level_name(level),
                        }
                        for level in levels
                    ],
                }
            )
    if descriptions:
        achievement["resultDescription"] = descriptions
    return achievement


@dataclass
class IssueContext:
    """What every credential of one version shares: computed once per bulk run, not once per learner."""

    credential: MicroCredential
    components: list[AssessmentComponent]
    achievement: dict[str, Any]
    levels: dict[int, dict[str, int]]  # scale id -> level name (normalized) -> level id
    compiled: award_rules.CompiledRule | None
    stacking: bool = True  # an award may complete a pathway or meet a holds() rule (checked after each award)


def issue_context(credential: MicroCredential) -> IssueContext:
    components = selectors.components_of(credential)
    levels: dict[int, dict[str, int]] = {}
    for component in components:
        if component.scale_id and component.scale_id not in levels:
            levels[component.scale_id] = {
                _norm(selectors.level_name(level)): level.pk for level in selectors.scale_levels(component.scale)
            }
    compiled = compiled_rule(credential, components=components)
    from microcred.assessment.services.stacks import stacking_in_use

    achievement = achievement_for(credential, components)
    return IssueContext(credential, components, achievement, levels, compiled, stacking_in_use())


def compiled_rule(
    credential: MicroCredential, *, components: list[AssessmentComponent] | None = None
) -> award_rules.CompiledRule | None:
    """The credential's award rule compiled against what its plan offers (the one place a rule is compiled for
    deciding); None when it has no rule. ``components``: the plan's components when the caller has read them."""
    rule = credential.award_rule.strip()
    if not rule:
        return None
    return award_rules.compile_rule(rule, selectors.signature_of(credential, components=components))


def _norm(name: str) -> str:
    return " ".join(name.split()).casefold()


def _results(context: IssueContext, facts: award_rules.Facts) -> list[dict[str, Any]]:
    identifier = context.achievement["id"]
    results: list[dict[str, Any]] = []
    rated: set[int] = set()
    for component in context.components:
        grade = facts.grades.get(_norm(component.name))
        if component.scored and grade is not None:
            results.append(
                {
                    "type": ["Result"],
                    "resultDescription": f"{identifier}#component-{component.pk}",
                    "value": plain_number(grade),
                    "status": "Completed",
                }
            )
        if component.scale_id is None:
            continue
        for competency in component.competencies.all():
            level = facts.levels.get(_norm(selectors.competency_name(competency)))
            level_id = context.levels[component.scale_id].get(_norm(level)) if level else None
            if level_id is None or competency.pk in rated:
                continue
            rated.add(competency.pk)
            results.append(
                {
                    "type": ["Result"],
                    "resultDescription": f"{identifier}#competency-{competency.pk}",
                    "achievedLevel": f"{identifier}#level-{level_id}",
                    "status": "Completed",
                }
            )
    return results


def _evidence(enrolment: Enrolment) -> list[dict[str, Any]]:
    items = []
    for evidence in Evidence.objects.filter(enrolment=enrolment, shareable=True).order_by("created_at"):
        entry: dict[str, Any] = {
            "id": f"{_public_url()}/assessment/evidence/{evidence.public_id}/",
            "type": ["Evidence"],
            "name": evidence.title,
        }
        if evidence.text:
            entry["narrative"] = evidence.text[:5000]
        if evidence.genre:
            entry["genre"] = evidence.genre
        items.append(entry)
    return items


def _attestations(enrolment: Enrolment) -> list[dict[str, Any]]:
    """The employers' signed attestations of this learner's counted results: per component, the latest evaluation
    (not a self-assessment), embedded when it carries one. Only work-integrated components have any."""
    latest: dict[int, Any] = {}
    evaluations = (
        Evaluation.objects.filter(enrolment=enrolment)
        .exclude(source=ResultSource.SELF)
        .order_by("component_id", "-created_at", "-pk")
        .values_list("component_id", "attestation_document")
    )
    for component_id, document in evaluations:
        latest.setdefault(component_id, document)
    return [document for document in latest.values() if document]


def decide(
    enrolment: Enrolment,
    *,
    facts: award_rules.Facts | None = None,
    compiled: award_rules.CompiledRule | None = None,
) -> RuleDecision:
    """Evaluate the credential's rule for one learner and store the decision with its inputs."""
    credential = enrolment.credential
    rule = credential.award_rule.strip()
    if not rule:
        return RuleDecision.objects.create(
            enrolment=enrolment, rule="", outcome=award_rules.UNDETERMINED, inputs={}, missing=["award rule"]
        )
    if compiled is None:
        compiled = award_rules.compile_rule(rule, selectors.signature_of(credential))
    decision = award_rules.evaluate(compiled, facts if facts is not None else selectors.facts_for(enrolment))
    return RuleDecision.objects.create(
        enrolment=enrolment, rule=rule, outcome=decision.outcome, inputs=decision.inputs, missing=decision.missing
    )


MOVABLE = (EnrolmentStatus.ENROLLED, EnrolmentStatus.IN_PROGRESS)


def next_status(current: str, outcome: str, inputs: dict[str, Any]) -> str | None:
    """Where an enrolment that was not awarded moves: some results in → in progress; every input the rule reads is
    in and the rule is not met → assessed (a new result or a correction is needed for an award). None: stay."""
    values = list(inputs.values())
    status = current
    if outcome == award_rules.NOT_MET and values and all(v is not None for v in values):
        status = EnrolmentStatus.ASSESSED
    elif any(v is not None for v in values):
        status = EnrolmentStatus.IN_PROGRESS
    return status if status != current and current in MOVABLE else None


def _follow(enrolment: Enrolment, decision: RuleDecision) -> None:
    status = next_status(enrolment.status, decision.outcome, decision.inputs)
    if status is not None:
        enrolment.status = status
        enrolment.save(update_fields=["status", "updated_at"])


def valid_until(credential: MicroCredential, issued_at: datetime) -> datetime | None:
    """The end of an award's validity: ``validity_months`` calendar months after it is issued (the 31st of a
    shorter month is its last day), or None for a micro-credential that does not expire."""
    months = credential.validity_months
    if not months:
        return None
    month_index = issued_at.month - 1 + months
    year, month = issued_at.year + month_index // 12, month_index % 12 + 1
    return issued_at.replace(year=year, month=month, day=min(issued_at.day, calendar.monthrange(year, month)[1]))


def _issue(*, actor: Any, enrolment: Enrolment, context: IssueContext, facts: award_rules.Facts) -> Any:
    from microcred.issuing.services import issue_credential

    return issue_credential(
        actor=actor,
        organization=enrolment.credential.provider,
        achievement=context.achievement,
        recipient=enrolment.learner,
        recipient_identifier=enrolment.learner.email,
        results=_results(context, facts),
        evidence=_evidence(enrolment),
        valid_until=valid_until(enrolment.credential, timezone.now()),
        endorsements=_attestations(enrolment),
    )


def award_if_earned(
    *,
    enrolment: Enrolment,
    actor: Any = SYSTEM,
    facts: award_rules.Facts | None = None,
    context: IssueContext | None = None,
) -> Award | None:
    """Award and issue when the rule is met; an undetermined or unmet rule awards nothing. Safe to call again."""
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        return None
    if Award.objects.filter(enrolment=enrolment).exists():
        return None
    credential = enrolment.credential
    compiled = context.compiled if context else None
    if context is None:  # one learner's new result: the components are read once for the facts and the rule
        components = selectors.components_of(credential)
        facts = facts if facts is not None else selectors.facts_for(enrolment, components=components)
        compiled = compiled_rule(credential, components=components)
    facts = facts if facts is not None else selectors.facts_for(enrolment)
    try:
        with transaction.atomic():
            decision = decide(enrolment, facts=facts, compiled=compiled)
            if decision.outcome != award_rules.MET:
                _follow(enrolment, decision)
                return None
            # The lock makes two concurrent calls for one learner wait for each other; the loser sees the award.
            Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
            if Award.objects.filter(enrolment=enrolment).exists():
                return None
            issued = _issue(actor=actor, enrolment=enrolment, context=context or issue_context(credential), facts=facts)
            award = Award.objects.create(enrolment=enrolment, decision=decision, issued_credential=issued)
            enrolment.status = EnrolmentStatus.AWARDED
            enrolment.save(update_fields=["status", "updated_at"])
            record(
                actor=actor,
                action="assessment.award",
                target=award,
                organization=credential.provider,
                after={
                    "learner": enrolment.learner.email,
                    "credential": credential.pk,
                    "decision": decision.pk,
                    "inputs": decision.inputs,
                    "issued_credential": str(issued.public_id),
                },
            )
            notify(
                recipient=enrolment.learner,
                kind=Kind.CREDENTIAL_AWARDED,
                title=gettext_lazy("You were awarded “%(title)s”"),
                body=gettext_lazy("%(provider)s awarded you this micro-credential. It is in your wallet."),
                url=reverse("wallet:credential", args=[str(issued.public_id)]),
                params={"title": credential.title, "provider": credential.provider.name},
            )
            if context is None or context.stacking:  # a bulk award asks once per run, not once per learner
                from microcred.assessment.services.stacks import check_after_commit

                check_after_commit(enrolment.learner_id)  # this award may complete a pathway
    except IntegrityError:  # another worker awarded this learner at the same moment
        return Award.objects.filter(enrolment=enrolment).first()
    return award


def award_after_result(enrolment: Enrolment) -> Award | None:
    """Called once a new result is committed: award if earned. A failure to issue never undoes the result (the
    award's own transaction is rolled back, nothing is half-written); it is logged, and the next result, a
    "decide now" or a bulk award tries again."""
    try:
        return award_if_earned(enrolment=enrolment)
    except Exception:
        logger.exception("Award of enrolment %s failed; its results stay recorded", enrolment.pk)
        return None


def evaluate_now(*, actor: Any, enrolment: Enrolment) -> tuple[RuleDecision | None, Award | None]:
    """An assessor or admin asks for the rule to be decided now (e.g. after an issue that failed): the latest
    decision and the award, if there is one. An award already made is returned, not made again."""
    require(actor, "assessment.evaluate", enrolment)
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        raise Conflict(_("This learner has withdrawn."), code="withdrawn")
    award = award_if_earned(enrolment=enrolment) or Award.objects.filter(enrolment=enrolment).first()
    return enrolment.decisions.order_by("-decided_at", "-pk").first(), award


def revoke_award(*, actor: Any, award: Award, reason: str) -> Award:
    """Revoke an award: the issued credential's status-list bit flips, and the learner's wallet shows it revoked."""
    require(actor, "assessment.manage", award)
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationFailed.single("reason", "required", _("Say why the award is revoked."))
    from microcred.issuing.services import revoke_credential

    with transaction.atomic():
        award = Award.objects.select_for_update().select_related("enrolment__credential__provider").get(pk=award.pk)
        if award.status == AwardStatus.REVOKED:
            raise Conflict(_("This award is already revoked."), code="already_revoked")
        if award.issued_credential is not None and award.issued_credential.revoked_at is None:
            revoke_credential(actor=actor, credential=award.issued_credential, reason=reason)
        award.status = AwardStatus.REVOKED
        award.revoked_at = timezone.now()
        award.revocation_reason = reason[:2000]
        award.save(update_fields=["status", "revoked_at", "revocation_reason"])
        enrolment = award.enrolment
        enrolment.status = EnrolmentStatus.ASSESSED
        enrolment.save(update_fields=["status", "updated_at"])
        record(
            actor=actor,
            action="assessment.revoke_award",
            target=award,
            organization=enrolment.credential.provider,
            after={"reason": award.revocation_reason},
        )
    return award


def reissue_award(*, actor: Any, award: Award, reason: str = "") -> Award:
    """Issue a fresh credential for an award (after a revocation, or to correct one); any live old one is revoked.

    The rule is decided again first: a re-issue never awards what the results no longer support.
    """
    require(actor, "assessment.manage", award)
    require(actor, "issuing.issue", award)
    from microcred.issuing.services import revoke_credential

    with transaction.atomic():
        award = Award.objects.select_for_update().select_related("enrolment__credential__provider").get(pk=award.pk)
        enrolment = award.enrolment
        facts = selectors.facts_for(enrolment)
        decision = decide(enrolment, facts=facts)
        if decision.outcome != award_rules.MET:
            raise Conflict(
                _("The results no longer meet the award rule (%(missing)s).")
                % {"missing": ", ".join(decision.missing) or decision.outcome},
                code="rule_not_met",
            )
        old = award.issued_credential
        if old is not None and old.revoked_at is None:
            revoke_credential(actor=actor, credential=old, reason=reason or "Re-issued")
        issued = _issue(actor=actor, enrolment=enrolment, context=issue_context(enrolment.credential), facts=facts)
        if old is not None:
            award.previous_credentials.add(old)
        award.issued_credential = issued
        award.decision = decision
        award.status = AwardStatus.ISSUED
        award.revoked_at = None
        award.revocation_reason = ""
        award.save()
        enrolment.status = EnrolmentStatus.AWARDED
        enrolment.save(update_fields=["status", "updated_at"])
        record(
            actor=actor,
            action="assessment.reissue_award",
            target=award,
            organization=enrolment.credential.provider,
            before={"issued_credential": str(old.public_id) if old else None},
            after={"issued_credential": str(issued.public_id), "reason": reason[:2000]},
        )
    return award
