"""ESCO skills suggested for each learning outcome of a design, and the provider's accept / reject decisions.

The ranking is the skills domain's (``skills.interfaces.link_text``); this module decides what is shown:
skills already aligned to the outcome (or to the whole micro-credential) and skills rejected for the
outcome are left out. Accepting makes an ordinary alignment through ``alignments.align``; rejecting is
remembered per outcome position, like alignments, and copied to the next version.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from microcred.accounts.permissions import require
from microcred.audit.services import record
from microcred.catalog.alignments import _require_editable, align
from microcred.catalog.models import Alignment, LearningOutcome, MicroCredential, RejectedSkillSuggestion
from microcred.errors import Conflict, ValidationFailed
from microcred.frameworks.models import Competency, Framework
from microcred.skills import interfaces as skills

PER_OUTCOME = 5
MAX_PER_OUTCOME = 20
MIN_SCORE = 0.05
MAX_TEXT = 2000  # characters of an outcome that are linked


@dataclass(frozen=True)
class Suggestion:
    competency_id: int
    uri: str
    label: str
    score: float
    engine: str


@dataclass
class OutcomeSuggestions:
    position: int
    text: str
    suggestions: list[Suggestion] = field(default_factory=list)


@dataclass
class Suggestions:
    framework: Framework | None  # the ESCO framework, None when none is loaded
    engine: str  # the engine that ranked (lexical, semantic, hybrid); "" when nothing was ranked
    outcomes: list[OutcomeSuggestions]
    note: str = ""  # why the semantic engine does not serve, when the skills domain says


def suggest(credential: MicroCredential, *, per_outcome: int = PER_OUTCOME) -> Suggestions:
    """The suggestions for each learning outcome of one version (reads only; callers check who may see them)."""
    per_outcome = max(1, min(int(per_outcome), MAX_PER_OUTCOME))
    framework = skills.skills_framework()
    outcomes = list(credential.outcomes.all())
    if framework is None:
        return Suggestions(None, "", [OutcomeSuggestions(o.position, o.text) for o in outcomes])
    excluded = _excluded(credential)
    skips = [excluded[outcome.position] | excluded[None] for outcome in outcomes]
    limit = min(per_outcome + max((len(skip) for skip in skips), default=0), 100)
    texts = [outcome.text[:MAX_TEXT] for outcome in outcomes]
    link_many = getattr(skills, "link_many", None)  # one embedding batch for all outcomes, where offered
    ranked = link_many(texts, limit=limit) if callable(link_many) else [skills.link_text(t, limit=limit) for t in texts]
    engines: list[str] = []
    result = []
    for outcome, skip, matches in zip(outcomes, skips, ranked, strict=True):
        engines.extend(match.engine for match in matches[:1])
        kept = [
            Suggestion(m.competency_id, m.uri, m.label, round(m.score, 4), m.engine)
            for m in matches
            if m.competency_id not in skip and m.score >= MIN_SCORE
        ]
        result.append(OutcomeSuggestions(outcome.position, outcome.text, kept[:per_outcome]))
    engine = engines[0] if engines else ""
    return Suggestions(framework, engine, result, _why_not_semantic() if engine == "lexical" else "")


def _why_not_semantic() -> str:
    status = getattr(skills, "engine_status", None)  # offered by newer skills interfaces
    return str(getattr(status(), "reason", "") or "") if callable(status) else ""


def _excluded(credential: MicroCredential) -> dict[int | None, set[int]]:
    """Competencies not to suggest, per outcome position (None: aligned to the whole micro-credential)."""
    excluded: dict[int | None, set[int]] = defaultdict(set)
    for position, competency in Alignment.objects.filter(credential=credential).values_list(
        "outcome_position", "competency_id"
    ):
        excluded[position].add(competency)
    for position, competency in RejectedSkillSuggestion.objects.filter(credential=credential).values_list(
        "outcome_position", "competency_id"
    ):
        excluded[position].add(competency)
    return excluded


def _outcome(credential: MicroCredential, position: Any) -> LearningOutcome:
    if isinstance(position, bool) or not isinstance(position, int | str):
        raise ValidationFailed.single("outcome", "invalid", _("Give the learning outcome's position (0, 1, …)."))
    if isinstance(position, str):
        if not (position.strip().isascii() and position.strip().isdigit()) or len(position) > 9:
            raise ValidationFailed.single("outcome", "invalid", _("Give the learning outcome's position (0, 1, …)."))
        position = int(position)
    found = credential.outcomes.filter(position=position).first() if 0 <= position < 2**31 else None
    if found is None:
        raise ValidationFailed.single("outcome", "not_found", _("This micro-credential has no such learning outcome."))
    return found


def esco_skill(key: Any) -> Competency:
    """An ESCO skill of the loaded framework, by its id or its concept URI."""
    framework = skills.skills_framework()
    if framework is None:
        raise ValidationFailed.single("competency", "no_framework", _("No ESCO skills are loaded on this platform."))
    rows = framework.competencies.select_related("framework")
    found = None
    if isinstance(key, int) and not isinstance(key, bool) and 0 < key < 2**63:
        found = rows.filter(pk=key).first()
    elif isinstance(key, str) and 0 < len(key) <= 500:
        found = (
            rows.filter(pk=int(key)).first()
            if key.isascii() and key.isdigit() and len(key) < 19
            else rows.filter(uri=key).first()
        )
    if found is None:
        raise ValidationFailed.single("competency", "not_found", _("This is not an ESCO skill on this platform."))
    return found


def accept(*, actor: Any, credential: MicroCredential, outcome: Any, competency: Any) -> Alignment:
    """Align the outcome to the suggested skill (the ordinary alignment: same permission, rules and audit)."""
    require(actor, "catalog.edit", credential)
    found = _outcome(credential, outcome)
    skill = esco_skill(competency)
    with transaction.atomic():
        alignment = align(actor=actor, credential=credential, competency=skill, outcome_position=found.position)
        RejectedSkillSuggestion.objects.filter(
            credential=credential, outcome_position=found.position, competency=skill
        ).delete()
    return alignment


def reject(*, actor: Any, credential: MicroCredential, outcome: Any, competency: Any) -> RejectedSkillSuggestion:
    """Remember that this skill does not fit this outcome; it is not suggested for it again."""
    require(actor, "catalog.edit", credential)
    found = _outcome(credential, outcome)
    skill = esco_skill(competency)
    with transaction.atomic():
        _require_editable(MicroCredential.objects.select_for_update().get(pk=credential.pk))
        try:
            with transaction.atomic():
                rejection = RejectedSkillSuggestion.objects.create(
                    credential=credential,
                    outcome_position=found.position,
                    competency=skill,
                    rejected_by=actor if getattr(actor, "pk", None) and hasattr(actor, "email") else None,
                )
        except IntegrityError as exc:
            raise Conflict(_("This suggestion was already rejected."), code="already_rejected") from exc
        record(
            actor=actor,
            action="catalog.reject_skill_suggestion",
            target=credential,
            organization=credential.provider,
            after={"competency": skill.pk, "uri": skill.uri, "outcome": found.position},
        )
    return rejection


def copy_rejections(previous: MicroCredential, new: MicroCredential) -> None:
    """A new version keeps the rejections of the one it was started from (registered in NEW_VERSION_COPIES)."""
    RejectedSkillSuggestion.objects.bulk_create(
        RejectedSkillSuggestion(
            credential=new,
            outcome_position=row.outcome_position,
            competency_id=row.competency_id,
            rejected_by_id=row.rejected_by_id,
        )
        for row in RejectedSkillSuggestion.objects.filter(credential=previous)
    )
