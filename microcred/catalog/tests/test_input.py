"""Bad input: clear field errors, sanitized HTML, checked images — never a 500 or a half-written record."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from microcred.audit.models import AuditEntry
from microcred.catalog import services, transfer
from microcred.catalog.models import LearningOutcome, MicroCredential
from microcred.catalog.tests.conftest import draft
from microcred.errors import ValidationFailed
from microcred.testing.factories import make_member, make_organization

pytestmark = pytest.mark.django_db


def codes(error: ValidationFailed) -> dict[str, str]:
    return {e.field: e.code for e in error.errors}


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"cost": "-1"}, "cost", "negative"),
        ({"workload_hours": "-0.5"}, "workload_hours", "negative"),
        ({"cost": "Infinity"}, "cost", "not_a_number"),
        ({"cost": {"$gt": 0}}, "cost", "not_a_number"),
        ({"cost": True}, "cost", "not_a_number"),
        ({"workload_hours": "1e400"}, "workload_hours", "too_large"),
        ({"delivery_mode": "telepathy"}, "delivery_mode", "invalid_choice"),
        ({"pace": ["cohort"]}, "pace", "invalid_choice"),
        ({"language": "klingon"}, "language", "invalid_choice"),
        ({"title": "x" * 201}, "title", "too_long"),
        ({"title": "   "}, "title", "required"),
        ({"title": 42}, "title", "invalid_type"),
        ({"region": "ZZ"}, "region", "invalid_choice"),
        ({"country": "Canada"}, "country", "invalid_country"),
        ({"currency": "dollars"}, "currency", "invalid_currency"),
        ({"start_dates": ["2026-13-01"]}, "start_dates", "invalid_date"),
        ({"start_dates": {"a": {"b": {"c": []}}}}, "start_dates", "invalid_type"),
        ({"learning_outcomes": ["ok", 5]}, "learning_outcomes", "invalid_type"),
        ({"learning_outcomes": ["x"] * 51}, "learning_outcomes", "too_many"),
        ({"validity_months": "-3"}, "validity_months", "negative"),
        ({"time_to_complete_weeks": "soon"}, "time_to_complete_weeks", "not_a_number"),
        ({"credit_type": "credit"}, "credit_value", "required"),
        ({"assessment_only": "yes"}, "assessment_only", "invalid_type"),
        ({"is_superuser": True}, "is_superuser", "unknown_field"),
        ({"status": "published"}, "status", "unknown_field"),
    ],
)
def test_bad_fields_are_named_and_nothing_is_written(admin, provider, fields, field, code) -> None:
    before = (MicroCredential.objects.count(), AuditEntry.objects.count())
    values = {"title": "Data Literacy", "delivery_mode": "online", "workload_hours": "10", **fields}
    with pytest.raises(ValidationFailed) as caught:
        services.create_draft(actor=admin, provider=provider, **values)
    assert codes(caught.value)[field] == code
    assert (MicroCredential.objects.count(), AuditEntry.objects.count()) == before


def test_a_bad_edit_changes_nothing(admin, provider) -> None:
    credential = draft(admin, provider, learning_outcomes=["Read a chart"])
    with pytest.raises(ValidationFailed):
        services.update_draft(
            actor=admin,
            credential=credential,
            changes={"title": "New title", "learning_outcomes": ["A", "B"], "cost": "-5"},
        )
    credential.refresh_from_db()
    assert credential.title == "Data Literacy"
    assert list(LearningOutcome.objects.filter(credential=credential).values_list("text", flat=True)) == [
        "Read a chart"
    ]


def test_html_in_descriptions_is_sanitized(admin, provider) -> None:
    credential = draft(
        admin,
        provider,
        description='<p onclick="steal()">Hello <script>alert(1)</script><a href="javascript:alert(1)">x</a>'
        '<img src=x onerror=alert(1)><a href="https://ok.example">ok</a><style>*{}</style></p>',
    )
    html = credential.description
    for bad in ("<script", "onclick", "javascript:", "<img", "onerror", "<style"):
        assert bad not in html
    assert '<a href="https://ok.example" rel="noopener noreferrer nofollow">ok</a>' in html


def _image(kind: str = "PNG", size: tuple[int, int] = (128, 128)) -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 90, 170)).save(out, kind)
    out.seek(0)
    out.name = "badge.png"
    return out


def test_a_good_image_is_stored(admin, provider) -> None:
    credential = draft(admin, provider)
    services.set_image(actor=admin, credential=credential, upload=_image("JPEG"))
    assert credential.image.name.endswith(".jpg")  # the type comes from the content, not the name


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (
            lambda: io.BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
            "not_an_image",
        ),
        (lambda: io.BytesIO(b"GIF89a" + b"\x00" * 20), "not_an_image"),
        (lambda: _image("GIF"), "unsupported_type"),
        (lambda: _image(size=(10, 10)), "bad_dimensions"),
        (lambda: _image(size=(4000, 100)), "bad_dimensions"),
        (lambda: io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * (1024 * 1024 + 1)), "too_large"),
        (lambda: io.BytesIO(b""), "empty"),
    ],
)
def test_bad_images_are_refused(admin, provider, upload, code) -> None:
    credential = draft(admin, provider)
    with pytest.raises(ValidationFailed) as caught:
        services.set_image(actor=admin, credential=credential, upload=upload())
    assert codes(caught.value) == {"image": code}
    credential.refresh_from_db()
    assert not credential.image


def test_bulk_import_is_all_or_nothing_and_names_the_row(admin, provider) -> None:
    text = (
        "title,delivery_mode,workload_hours,cost,learning_outcomes,region\n"
        'Good One,online,10,0,"Outcome A\nOutcome B",ON\n'
        "Bad One,online,-4,0,,ON\n"
    )
    with pytest.raises(ValidationFailed) as caught:
        services.bulk_import(actor=admin, provider=provider, rows=transfer.rows_from_csv(text))
    assert codes(caught.value) == {"rows.2.workload_hours": "negative"}
    assert MicroCredential.objects.count() == 0


def test_csv_and_json_round_trip(admin, provider, published) -> None:
    published(
        "Data Literacy",
        learning_outcomes=["Read a chart", "Question a chart"],
        region="ON",
        start_dates=["2027-01-10", "2027-05-01"],
        industry_partners=["Grid Power"],
        validity_months=24,
    )
    exported = transfer.export_csv(MicroCredential.objects.all())
    json_export = transfer.export_json(MicroCredential.objects.all())
    other = make_organization("provider")
    other_admin = make_member(other, "admin")
    from_csv = services.bulk_import(actor=other_admin, provider=other, rows=transfer.rows_from_csv(exported))[0]
    assert transfer.record_of(from_csv) | {"provider": "", "status": ""} == transfer.record_of(
        MicroCredential.objects.get(provider=provider)
    ) | {"provider": "", "status": ""}
    rows = transfer.rows_from_json(json_export)
    assert rows[0]["learning_outcomes"] == ["Read a chart", "Question a chart"]


@pytest.mark.parametrize(
    ("reader", "text", "code"),
    [
        (transfer.rows_from_json, "{", "malformed_json"),
        (transfer.rows_from_json, "[" * 100_000 + "]" * 100_000, "malformed_json"),
        (transfer.rows_from_json, '{"microCredentials": 5}', "invalid_shape"),
        (transfer.rows_from_json, "[]", "empty"),
        (transfer.rows_from_csv, b"\xff\xfe\x00", "invalid_encoding"),
        (transfer.rows_from_csv, "title\na,b,c\n", "malformed_csv"),
        (transfer.rows_from_csv, "x" * (3 * 1024 * 1024), "too_large"),
    ],
)
def test_broken_files_are_errors(reader, text, code) -> None:
    with pytest.raises(ValidationFailed) as caught:
        reader(text)
    assert codes(caught.value) == {"file": code}
