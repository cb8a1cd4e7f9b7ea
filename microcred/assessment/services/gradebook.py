"""Importing results from an LMS gradebook export (CSV): preview with row-level errors, then apply.

Columns: ``email`` and ``component`` (required), ``score``, ``passed`` (yes/no), ``comment``, and
one column per competency holding a level name. Applying is all-or-nothing unless the user asks
for the good rows only; either way every bad row is reported with its number and column.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts.permissions import require
from microcred.assessment import selectors
from microcred.assessment.models import (
    CompetencyRating,
    Enrolment,
    EnrolmentStatus,
    Evaluation,
    GradebookImport,
    ResultSource,
)
from microcred.assessment.services.enrolment import _read_csv
from microcred.assessment.services.evaluations import _score, resolve_ratings
from microcred.audit.services import record
from microcred.catalog.models import MicroCredential
from microcred.errors import Conflict, ErrorList, FieldError, ValidationFailed

KNOWN_COLUMNS = {"email", "component", "score", "passed", "comment", "name"}
TRUE, FALSE = {"yes", "y", "true", "1", "pass", "passed"}, {"no", "n", "false", "0", "fail", "failed"}
MAX_STORED_ERRORS = 5000


def preview_gradebook(*, actor: Any, credential: MicroCredential, data: bytes, filename: str = "") -> GradebookImport:
    """Parse and check every row; store the parsed good rows and the errors. Writes no result yet."""
    require(actor, "assessment.manage", credential)
    rows = _read_csv(data)
    if not rows:
        raise ValidationFailed.single("file", "empty", _("The file has no rows."))
    missing = {"email", "component"} - set(rows[0])
    if missing:
        raise ValidationFailed.single(
            "file", "missing_column", _("The file needs the columns: %(cols)s.") % {"cols": ", ".join(sorted(missing))}
        )
    components = {" ".join(c.name.split()).casefold(): c for c in selectors.components_of(credential)}
    enrolments = dict(
        Enrolment.objects.filter(credential=credential)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .values_list("learner__email", "pk")
    )
    enrolments = {email.lower(): pk for email, pk in enrolments.items()}
    competency_columns = [c for c in rows[0] if c not in KNOWN_COLUMNS]
    good: list[dict[str, Any]] = []
    problems: list[dict[str, Any]] = []
    names: dict[int, Any] = {}
    for number, row in enumerate(rows, start=2):
        errors = ErrorList()
        email = row.get("email", "").strip().lower()
        enrolment_id = enrolments.get(email)
        if enrolment_id is None:
            errors.add("email", "not_enrolled", _("No enrolled learner has this e-mail address."))
        component = components.get(" ".join(row.get("component", "").split()).casefold())
        if component is None:
            errors.add("component", "unknown_component", _("The plan has no such component."))
        parsed: dict[str, Any] = {}
        if component is not None:
            score = _score(errors, component, row.get("score", "").strip())
            passed_text = row.get("passed", "").strip().lower()
            passed = True if passed_text in TRUE else False if passed_text in FALSE else None
            if passed_text and passed is None:
                errors.add("passed", "invalid_choice", _("Write yes or no."))
            ratings = {c: row.get(c, "").strip() for c in competency_columns if row.get(c, "").strip()}
            resolved = resolve_ratings(errors, component, ratings, names)
            if score is None and passed is None and not resolved and not errors.errors:
                errors.add("score", "required", _("The row has no score, pass or level."))
            parsed = {
                "enrolment": enrolment_id,
                "component": component.pk,
                "score": None if score is None else str(score),
                "passed": passed,
                "ratings": [[c.pk, level.pk] for c, level in resolved],
                "comment": row.get("comment", "").strip()[:2000],
            }
        for error in errors.errors:
            column = error.field.split(".", 1)[-1] if error.field.startswith("ratings.") else error.field
            problems.append({"row": number, "column": column, "code": error.code, "message": str(error.message)})
        if not errors.errors:
            parsed["row"] = number
            good.append(parsed)
    with transaction.atomic():
        gradebook = GradebookImport.objects.create(
            credential=credential,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
            filename=str(filename or "")[:255],
            sha256=hashlib.sha256(data).hexdigest(),
            rows=good,
            errors=problems[:MAX_STORED_ERRORS],
            total_rows=len(rows),
        )
        record(
            actor=actor,
            action="assessment.preview_gradebook",
            target=gradebook,
            organization=credential.provider,
            after={"rows": len(rows), "good": len(good), "bad": len(problems), "sha256": gradebook.sha256},
        )
    return gradebook


def apply_gradebook(*, actor: Any, gradebook: GradebookImport, good_rows_only: bool = False) -> GradebookImport:
    """Write the previewed results. With bad rows and without ``good_rows_only``, nothing is written."""
    require(actor, "assessment.manage", gradebook)
    if gradebook.applied_at is not None:
        raise Conflict(_("This gradebook was already imported."), code="already_applied")
    if gradebook.errors and not good_rows_only:
        raise ValidationFailed(
            [FieldError(f"row {e['row']}.{e['column']}", e["code"], e["message"]) for e in gradebook.errors],
            _("%(n)d rows are not valid; nothing was imported. Fix them, or import the good rows only.")
            % {"n": len({e["row"] for e in gradebook.errors})},
        )
    label = getattr(actor, "display_name", "") or getattr(actor, "email", "") or str(actor)
    with transaction.atomic():
        gradebook = GradebookImport.objects.select_for_update().get(pk=gradebook.pk)
        if gradebook.applied_at is not None:
            raise Conflict(_("This gradebook was already imported."), code="already_applied")
        now = timezone.now()
        evaluations = [
            Evaluation(
                enrolment_id=row["enrolment"],
                component_id=row["component"],
                assessor=actor if getattr(actor, "pk", None) else None,
                assessor_name=label[:200],
                source=ResultSource.GRADEBOOK,
                score=None if row["score"] is None else Decimal(row["score"]),
                passed=row["passed"],
                comment=row["comment"],
                created_at=now,
            )
            for row in gradebook.rows
        ]
        created = Evaluation.objects.bulk_create(evaluations, batch_size=1000)
        ratings = [
            CompetencyRating(evaluation_id=evaluation.pk, competency_id=competency_id, level_id=level_id)
            for evaluation, row in zip(created, gradebook.rows, strict=True)
            for competency_id, level_id in row["ratings"]
        ]
        CompetencyRating.objects.bulk_create(ratings, batch_size=1000)
        Enrolment.objects.filter(
            pk__in={row["enrolment"] for row in gradebook.rows}, status=EnrolmentStatus.ENROLLED
        ).update(status=EnrolmentStatus.IN_PROGRESS)
        gradebook.applied_at = now
        gradebook.applied_rows = len(created)
        gradebook.save(update_fields=["applied_at", "applied_rows"])
        record(
            actor=actor,
            action="assessment.apply_gradebook",
            target=gradebook,
            organization=gradebook.credential.provider,
            after={
                "applied_rows": len(created),
                "skipped_rows": sorted({e["row"] for e in gradebook.errors}) if good_rows_only else [],
            },
        )
    return gradebook
