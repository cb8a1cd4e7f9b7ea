"""Enrolling learners: one at a time (themselves, or by the provider) or in bulk from a CSV file."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from microcred.accounts.models import User
from microcred.accounts.permissions import require
from microcred.assessment.models import Enrolment, EnrolmentStatus, Route
from microcred.audit.services import record
from microcred.catalog.models import MicroCredential, Status
from microcred.errors import Conflict, ErrorList, FieldError, ValidationFailed

MAX_CSV_BYTES = 10 * 1024 * 1024
MAX_CSV_ROWS = 50_000


def _check_open(credential: MicroCredential) -> None:
    if credential.status != Status.PUBLISHED:
        raise Conflict(_("Only a published micro-credential takes enrolments."), code="not_published")


def _route(credential: MicroCredential, route: str) -> str:
    if route not in Route.values:
        raise ValidationFailed.single("route", "invalid_choice", _("Choose a route."))
    if route == Route.ASSESSMENT_ONLY and not credential.assessment_only:
        raise ValidationFailed.single("route", "no_assessment_only", _("This credential has no assessment-only route."))
    return route


def enrol(*, actor: Any, learner: User, credential: MicroCredential, route: str = Route.STANDARD) -> Enrolment:
    """A learner enrols themselves, or a provider admin enrols them."""
    if actor != learner:
        require(actor, "assessment.manage", credential)
    _check_open(credential)
    route = _route(credential, route)
    with transaction.atomic():
        if Enrolment.objects.filter(learner=learner, credential=credential).exists():
            raise Conflict(_("Already enrolled in this micro-credential."), code="already_enrolled")
        enrolment = Enrolment.objects.create(learner=learner, credential=credential, route=route)
        record(
            actor=actor,
            action="assessment.enrol",
            target=enrolment,
            organization=credential.provider,
            after={"learner": learner.email, "credential": credential.pk, "route": route},
        )
    return enrolment


def withdraw(*, actor: Any, enrolment: Enrolment) -> Enrolment:
    if actor != enrolment.learner:
        require(actor, "assessment.manage", enrolment)
    if enrolment.status == EnrolmentStatus.AWARDED:
        raise Conflict(_("An awarded enrolment cannot be withdrawn; revoke the award instead."), code="awarded")
    with transaction.atomic():
        before = enrolment.status
        enrolment.status = EnrolmentStatus.WITHDRAWN
        enrolment.save(update_fields=["status", "updated_at"])
        record(
            actor=actor,
            action="assessment.withdraw",
            target=enrolment,
            organization=enrolment.credential.provider,
            before={"status": before},
            after={"status": enrolment.status},
        )
    return enrolment


@dataclass
class BulkEnrolment:
    enrolled: int = 0
    already_enrolled: int = 0
    accounts_created: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


def _read_csv(data: bytes) -> list[dict[str, str]]:
    if not isinstance(data, bytes):
        raise ValidationFailed.single("file", "invalid_type", _("Upload a CSV file."))
    if len(data) > MAX_CSV_BYTES:
        raise ValidationFailed.single("file", "too_large", _("The file is larger than 10 MB."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed.single("file", "invalid_encoding", _("Save the CSV file as UTF-8.")) from exc
    if "\x00" in text:
        raise ValidationFailed.single("file", "not_csv", _("This is not a CSV file."))
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
        reader.fieldnames = header
        rows = []
        for row in reader:
            if len(rows) >= MAX_CSV_ROWS:
                raise ValidationFailed.single(
                    "file", "too_many_rows", _("At most %(n)d rows per file.") % {"n": MAX_CSV_ROWS}
                )
            rows.append({k: (v if isinstance(v, str) else "") for k, v in row.items() if k})
    except csv.Error as exc:
        raise ValidationFailed.single(
            "file", "malformed_csv", _("The CSV file is malformed: %(e)s") % {"e": exc}
        ) from exc
    return rows


def enrol_from_csv(
    *, actor: Any, credential: MicroCredential, data: bytes, create_accounts: bool = True, good_rows_only: bool = False
) -> BulkEnrolment:
    """Columns ``email`` (required), ``name``, ``route``. Every bad row is reported; unless
    ``good_rows_only``, one bad row means nothing is written."""
    require(actor, "assessment.manage", credential)
    _check_open(credential)
    rows = _read_csv(data)
    if rows and "email" not in rows[0]:
        raise ValidationFailed.single("file", "missing_column", _("The file needs an “email” column."))
    result = BulkEnrolment()
    good: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        email = row.get("email", "").strip().lower()
        errors = ErrorList()
        try:
            validate_email(email)
        except DjangoValidationError:
            errors.add("email", "invalid_email", _("Not a valid e-mail address."))
        if email in seen:
            errors.add("email", "duplicate", _("This e-mail address is on an earlier row."))
        route = row.get("route", "").strip() or Route.STANDARD
        try:
            _route(credential, route)
        except ValidationFailed as error:
            errors.errors.extend(error.errors)
        for error in errors.errors:
            result.errors.append({"row": number, "column": error.field, "code": error.code, "message": error.message})
        if not errors.errors:
            seen.add(email)
            good.append((email, row.get("name", "").strip()[:150], route))
    if result.errors and not good_rows_only:
        raise ValidationFailed(
            [FieldError(f"row {e['row']}.{e['column']}", e["code"], e["message"]) for e in result.errors],
            _("Some rows are not valid; nothing was imported."),
        )
    with transaction.atomic():
        existing = {u.email.lower(): u for u in User.objects.filter(email__in=[e for e, _n, _r in good])}
        if not create_accounts:
            missing = [(i, e) for i, (e, _n, _r) in enumerate(good) if e not in existing]
            if missing and not good_rows_only:
                raise ValidationFailed.single("email", "no_account", _("Some people have no account yet."))
            good = [g for g in good if g[0] in existing]
        for email, name, _route_name in good:
            if email not in existing:
                existing[email] = User.objects.create_user(email=email, password=None, display_name=name or email)
                result.accounts_created += 1
        enrolled = set(
            Enrolment.objects.filter(credential=credential, learner__in=existing.values()).values_list(
                "learner__email", flat=True
            )
        )
        new = [
            Enrolment(learner=existing[email], credential=credential, route=route)
            for email, _name, route in good
            if email not in enrolled
        ]
        Enrolment.objects.bulk_create(new, batch_size=1000)
        result.enrolled = len(new)
        result.already_enrolled = len(good) - len(new)
        record(
            actor=actor,
            action="assessment.enrol_bulk",
            target=credential,
            organization=credential.provider,
            after={
                "enrolled": result.enrolled,
                "already_enrolled": result.already_enrolled,
                "accounts_created": result.accounts_created,
                "bad_rows": [e["row"] for e in result.errors],
            },
        )
    return result
