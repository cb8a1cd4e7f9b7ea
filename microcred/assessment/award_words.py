"""The award rule's decision for one learner, in words: what the enrolment page and its messages say (reads only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from microcred.assessment import award_rules, rule_builder, selectors
from microcred.assessment.models import Enrolment, EnrolmentStatus, RuleDecision

AWARDED, NO_RULE = "awarded", "no_rule"


@dataclass
class Verdict:
    outcome: str  # award_rules.MET, NOT_MET, UNDETERMINED, or AWARDED, NO_RULE
    headline: str
    combine: str = rule_builder.ALL
    conditions: list[rule_builder.Checked] | None = None  # None: the rule is not one the builder can read
    missing: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return self.outcome == award_rules.MET


def _headline(outcome: str, missing: list[str]) -> str:
    if outcome == award_rules.MET:
        return _("The award rule is met: the credential can be awarded.")
    if outcome == award_rules.NOT_MET:
        return _("The award rule is not met: nothing can be awarded unless a result changes.")
    return _("Not decided yet: some results the rule needs are missing (%(missing)s).") % {
        "missing": ", ".join(missing)
    }


def verdict(enrolment: Enrolment) -> Verdict:
    """The rule decided now on the learner's counted results (nothing is stored)."""
    if enrolment.status == EnrolmentStatus.AWARDED:
        return Verdict(AWARDED, _("Awarded."))
    credential = enrolment.credential
    if not credential.award_rule.strip():
        return Verdict(NO_RULE, _("This credential has no award rule yet."))
    signature = selectors.signature_of(credential)
    try:
        compiled = award_rules.compile_rule(credential.award_rule, signature)
    except award_rules.RuleSyntaxError:
        return Verdict(NO_RULE, _("The award rule no longer fits the plan; the designer must correct it."))
    facts = selectors.facts_for(enrolment)
    decision = award_rules.evaluate(compiled, facts)
    explained = rule_builder.explain(credential.award_rule, signature, facts)
    combine, conditions = explained if explained is not None else (rule_builder.ALL, None)
    return Verdict(
        decision.outcome, _headline(decision.outcome, decision.missing), combine, conditions, decision.missing
    )


def after_result(enrolment: Enrolment) -> str:
    enrolment.refresh_from_db()
    found = verdict(enrolment)
    return _("The result was recorded. %(verdict)s") % {"verdict": found.headline}


def awarded(enrolment: Enrolment) -> str:
    return _("“%(title)s” was awarded to %(learner)s and issued to their wallet.") % {
        "title": enrolment.credential.title,
        "learner": enrolment.learner.display_name,
    }


def not_awarded(decision: RuleDecision | Any) -> str:
    outcome = getattr(decision, "outcome", award_rules.UNDETERMINED)
    return _("Nothing was awarded. %(verdict)s") % {
        "verdict": _headline(outcome, list(getattr(decision, "missing", [])))
    }
