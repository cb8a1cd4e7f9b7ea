"""Enrolment: a learner enrols, an admin enrols someone, or a whole cohort arrives from a CSV file."""

from __future__ import annotations

import pytest

from microcred.accounts.models import User
from microcred.assessment.models import Enrolment, EnrolmentStatus, Route
from microcred.assessment.services import enrolment
from microcred.catalog.models import MicroCredential, Status
from microcred.errors import Conflict, PermissionDenied, ValidationFailed
from microcred.testing.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_learner_enrols_once(wil) -> None:
    learner = make_user()
    created = enrolment.enrol(actor=learner, learner=learner, credential=wil.credential)
    assert created.status == EnrolmentStatus.ENROLLED and created.route == Route.STANDARD
    assert created.provider == wil.provider
    with pytest.raises(Conflict) as caught:
        enrolment.enrol(actor=learner, learner=learner, credential=wil.credential)
    assert caught.value.code == "already_enrolled"


def test_enrolling_someone_else_needs_the_providers_admin(wil) -> None:
    learner = make_user()
    for person in (make_user(), wil.assessor, wil.supervisor):
        with pytest.raises(PermissionDenied):
            enrolment.enrol(actor=person, learner=learner, credential=wil.credential)
    assert enrolment.enrol(actor=wil.admin, learner=learner, credential=wil.credential).learner == learner


def test_only_a_published_version_takes_enrolments(wil) -> None:
    MicroCredential.objects.filter(pk=wil.credential.pk).update(status=Status.DRAFT)
    wil.credential.refresh_from_db()
    learner = make_user()
    with pytest.raises(Conflict) as caught:
        enrolment.enrol(actor=learner, learner=learner, credential=wil.credential)
    assert caught.value.code == "not_published"


def test_the_assessment_only_route_needs_a_credential_that_offers_it(wil) -> None:
    learner = make_user()
    with pytest.raises(ValidationFailed) as caught:
        enrolment.enrol(actor=learner, learner=learner, credential=wil.credential, route=Route.ASSESSMENT_ONLY)
    assert caught.value.errors[0].code == "no_assessment_only"
    with pytest.raises(ValidationFailed) as caught:
        enrolment.enrol(actor=learner, learner=learner, credential=wil.credential, route="vip")
    assert caught.value.errors[0].code == "invalid_choice"
    assert not Enrolment.objects.filter(learner=learner).exists()


def test_withdrawal(wil) -> None:
    created = wil.enrol()
    with pytest.raises(PermissionDenied):
        enrolment.withdraw(actor=make_user(), enrolment=created)
    assert enrolment.withdraw(actor=created.learner, enrolment=created).status == EnrolmentStatus.WITHDRAWN


COHORT = b"email,name,route\nada@example.org,Ada Lovelace,\nALAN@example.org,Alan Turing,standard\n"


def test_a_cohort_is_enrolled_from_csv_and_accounts_are_created(wil) -> None:
    existing = make_user(email="alan@example.org")
    result = enrolment.enrol_from_csv(actor=wil.admin, credential=wil.credential, data=COHORT)
    assert (result.enrolled, result.already_enrolled, result.accounts_created, result.errors) == (2, 0, 1, [])
    ada = User.objects.get(email="ada@example.org")
    assert ada.display_name == "Ada Lovelace" and not ada.has_usable_password()
    assert set(Enrolment.objects.filter(credential=wil.credential).values_list("learner", flat=True)) == {
        ada.pk,
        existing.pk,
    }
    again = enrolment.enrol_from_csv(actor=wil.admin, credential=wil.credential, data=COHORT)
    assert (again.enrolled, again.already_enrolled, again.accounts_created) == (0, 2, 0)


BAD_COHORT = (
    "\ufeffEmail,Name,Route\n"  # a BOM and capitalised headers, as spreadsheets write them
    "good@example.org,Good,\n"
    "not-an-address,Bad,\n"
    "good@example.org,Twice,\n"
    "other@example.org,Other,assessment_only\n"
    "fine@example.org,Fine,teleport\n"
).encode()


def test_bad_rows_are_all_reported_and_nothing_is_written(wil) -> None:
    users = User.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        enrolment.enrol_from_csv(actor=wil.admin, credential=wil.credential, data=BAD_COHORT)
    assert [(e.field, e.code) for e in caught.value.errors] == [
        ("row 3.email", "invalid_email"),
        ("row 4.email", "duplicate"),
        ("row 5.route", "no_assessment_only"),
        ("row 6.route", "invalid_choice"),
    ]
    assert User.objects.count() == users and not Enrolment.objects.filter(credential=wil.credential).exists()


def test_good_rows_only_when_asked(wil) -> None:
    result = enrolment.enrol_from_csv(actor=wil.admin, credential=wil.credential, data=BAD_COHORT, good_rows_only=True)
    assert result.enrolled == 1 and [e["row"] for e in result.errors] == [3, 4, 5, 6]
    assert Enrolment.objects.get(credential=wil.credential).learner.email == "good@example.org"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"name\nAda\n", "missing_column"),
        (b"email\n\xff\xfe\x00a@b.c\n", "invalid_encoding"),
        (b"email\na@example.org\x00\n", "not_csv"),
        (b'email\n"unclosed@example.org\n', "malformed_csv"),
        (b'email\n"a@example.org"x\n', "malformed_csv"),
        (("x" * (10 * 1024 * 1024 + 1)).encode(), "too_large"),
        (("email\n" + "a@example.org\n" * 50_001).encode(), "too_many_rows"),
    ],
)
def test_hostile_files_are_refused_whole(wil, data, code) -> None:
    with pytest.raises(ValidationFailed) as caught:
        enrolment.enrol_from_csv(actor=wil.admin, credential=wil.credential, data=data)
    assert caught.value.errors[0].code == code
    assert not Enrolment.objects.filter(credential=wil.credential).exists()


def test_csv_enrolment_needs_the_providers_admin(wil) -> None:
    with pytest.raises(PermissionDenied):
        enrolment.enrol_from_csv(actor=wil.assessor, credential=wil.credential, data=COHORT)
