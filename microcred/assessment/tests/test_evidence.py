"""Evidence: files judged by their bytes (never their names), checksums, size limits, links, reflections, and
how stored files are served: only through the permission check, never as a page a browser would run."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from microcred.assessment.models import Evidence
from microcred.assessment.services import evidence
from microcred.errors import PermissionDenied, ValidationFailed
from microcred.testing.assessment import as_draft, make_published_credential
from microcred.testing.factories import make_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + b"x" * 5000
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def submit(wil_enrolment, data: bytes, name: str = "file.pdf", **kwargs):
    fields = {"kind": "file", "title": "My work", "upload": io.BytesIO(data), "filename": name}
    fields.update(kwargs)
    return evidence.submit_evidence(actor=wil_enrolment.learner, enrolment=wil_enrolment, **fields)


def field_codes(error: ValidationFailed) -> list[tuple[str, str]]:
    return [(e.field, e.code) for e in error.errors]


def test_a_file_is_typed_by_its_bytes_hashed_and_stored_privately(wil, evidence_root: Path) -> None:
    enrolment = wil.enrol()
    item = submit(enrolment, PDF, name="report.exe", components=[wil.workplace], competencies=[wil.communication])
    assert item.content_type == "application/pdf"  # the bytes decide, not the name
    assert item.sha256 == hashlib.sha256(PDF).hexdigest() and item.size == len(PDF)
    assert item.original_name == "report.exe"
    stored = evidence_root / item.file.name
    assert stored.read_bytes() == PDF
    assert Path(settings.MEDIA_ROOT) not in stored.parents  # nothing under MEDIA_URL serves it
    assert "report" not in item.file.name and "." not in Path(item.file.name).name
    assert list(item.components.all()) == [wil.workplace] and list(item.competencies.all()) == [wil.communication]


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 50, "image/jpeg"),
        (b"GIF89a" + b"\x00" * 50, "image/gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 50, "image/webp"),
        (b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 50, "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  " + b"\x00" * 50, "video/quicktime"),
        (b"\x1a\x45\xdf\xa3" + b"\x00" * 50, "video/webm"),
        (b"PK\x03\x04" + b"\x00" * 26 + b"[Content_Types].xml", "application/vnd.openxmlformats-officedocument"),
        ("Mes réflexions sur le stage, en texte brut.\n".encode(), "text/plain"),
    ],
)
def test_documents_images_and_videos_are_recognized(wil, data, content_type) -> None:
    assert submit(wil.enrol(), data).content_type == content_type


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"MZ\x90\x00" + b"\x00" * 60, "cv.pdf", "refused_type"),  # a Windows program named like a document
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 60, "photo.png", "refused_type"),
        (b"#!/bin/sh\nrm -rf /\n", "notes.txt", "refused_type"),
        (b"<html><body><script>alert(document.cookie)</script>", "cv.pdf", "refused_type"),
        (b"   \n<!DOCTYPE html><p>hi</p>", "page.txt", "refused_type"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "logo.png", "refused_type"),
        (b'<?xml version="1.0"?><svg/>', "drawing.jpg", "refused_type"),
        (b"Just notes, then <script>fetch('/api/v1/')</script>", "notes.txt", "refused_type"),
        (b"PK\x03\x04" + b"\x00" * 40 + b"payload.exe", "archive.docx", "unsupported_type"),  # a plain zip
        (bytes(range(256)) * 4, "data.bin", "unsupported_type"),
        (b"", "empty.pdf", "empty"),
    ],
)
def test_hostile_and_unknown_files_are_refused_and_nothing_is_kept(wil, evidence_root, data, name, code) -> None:
    enrolment = wil.enrol()
    with pytest.raises(ValidationFailed) as caught:
        submit(enrolment, data, name=name)
    assert ("file", code) in field_codes(caught.value)
    assert not Evidence.objects.exists()
    assert not evidence_root.exists() or not any(p.is_file() for p in evidence_root.rglob("*"))


def test_a_file_over_the_size_limit_is_refused(wil, settings, evidence_root) -> None:
    settings.MICROCRED_EVIDENCE_MAX_BYTES = 4096 * 3
    enrolment = wil.enrol()
    with pytest.raises(ValidationFailed) as caught:
        submit(enrolment, b"%PDF-1.7\n" + b"x" * (4096 * 3))
    assert field_codes(caught.value) == [("file", "too_large")]
    assert not Evidence.objects.exists()
    assert submit(enrolment, b"%PDF-1.7\n" + b"x" * 4000).size == 4009


def test_a_file_kind_needs_a_file(wil) -> None:
    with pytest.raises(ValidationFailed) as caught:
        evidence.submit_evidence(actor=(e := wil.enrol()).learner, enrolment=e, kind="file", title="Nothing")
    assert field_codes(caught.value) == [("file", "required")]


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "ftp://example.org/file", "https://", "http://[::1", "data:text/html,<b>x</b>", "x" * 3000],
)
def test_links_must_be_web_addresses(wil, url) -> None:
    enrolment = wil.enrol()
    with pytest.raises(ValidationFailed) as caught:
        evidence.submit_evidence(actor=enrolment.learner, enrolment=enrolment, kind="link", title="Link", url=url)
    assert field_codes(caught.value) == [("url", "invalid_url")]


def test_links_and_reflections(wil) -> None:
    enrolment = wil.enrol()
    link = evidence.submit_evidence(
        actor=enrolment.learner, enrolment=enrolment, kind="link", title="Portfolio", url=" https://example.org/me "
    )
    assert link.url == "https://example.org/me" and link.file.name == ""
    reflection = evidence.submit_evidence(
        actor=enrolment.learner, enrolment=enrolment, kind="reflection", title="What I learned", text="A lot.\n"
    )
    assert reflection.text == "A lot."
    for text, code in (("   ", "required"), ("x" * 20_001, "too_long")):
        with pytest.raises(ValidationFailed) as caught:
            evidence.submit_evidence(
                actor=enrolment.learner, enrolment=enrolment, kind="reflection", title="Empty", text=text
            )
        assert field_codes(caught.value) == [("text", code)]


def test_titles_kinds_and_links_to_the_plan_are_checked(wil) -> None:
    enrolment = wil.enrol()
    other = make_published_credential(wil.provider)
    from microcred.assessment.services import plans
    from microcred.testing.assessment import make_scale_with_competencies

    with as_draft(other):
        foreign = plans.add_component(actor=wil.admin, credential=other, name="Exam", kind="exam", max_score=10)
    _scale, (unrelated,) = make_scale_with_competencies(wil.provider, ["unrelated"])
    with pytest.raises(ValidationFailed) as caught:
        evidence.submit_evidence(
            actor=enrolment.learner,
            enrolment=enrolment,
            kind="video",
            title=" ",
            components=[foreign],
            competencies=[unrelated],
        )
    assert sorted(field_codes(caught.value)) == [
        ("competencies", "not_assessed"),
        ("components", "other_plan"),
        ("kind", "invalid_choice"),
        ("title", "required"),
    ]


def test_the_learner_and_the_providers_assessors_add_evidence_and_only_the_learner_shares_it(wil) -> None:
    enrolment = wil.enrol()
    for person in (make_user(), wil.supervisor, wil.reviewer):
        with pytest.raises(PermissionDenied):
            evidence.submit_evidence(actor=person, enrolment=enrolment, kind="reflection", title="T", text="x")
    # issue 18: the assessor adds evidence they observed; sharing it with employers stays the learner's choice
    observed = evidence.submit_evidence(
        actor=wil.assessor, enrolment=enrolment, kind="reflection", title="Observed", text="x", shareable=True
    )
    assert not observed.shareable
    item = submit(enrolment, PDF)
    for person in (wil.admin, wil.assessor):
        with pytest.raises(PermissionDenied):
            evidence.set_evidence_shareable(actor=person, evidence=item, shareable=True)
    assert evidence.set_evidence_shareable(actor=enrolment.learner, evidence=item, shareable=True).shareable


def _get(client: Client, item: Evidence):
    return client.get(f"/assessment/evidence/{item.public_id}/")


def test_files_are_served_to_the_learner_and_assessors_and_never_run_in_the_page(wil) -> None:
    enrolment = wil.enrol()
    pdf, png = submit(enrolment, PDF, name='cv".html'), submit(enrolment, PNG, name="me.png")
    learner = Client()
    learner.force_login(enrolment.learner)
    response = _get(learner, pdf)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]
    response = _get(learner, png)
    assert response["Content-Type"] == "image/png" and response["Content-Disposition"].startswith("inline")
    assessor = Client()
    assessor.force_login(wil.assessor)
    assert _get(assessor, pdf).status_code == 200
    for stranger in (Client(), Client()):
        stranger.force_login(make_user())
        assert _get(stranger, pdf).status_code == 404
    assert _get(Client(), pdf).status_code == 404
    assert Client().get("/assessment/evidence/not-a-uuid/").status_code == 404


def test_shareable_evidence_is_visible_by_its_link(wil) -> None:
    enrolment = wil.enrol()
    item = evidence.submit_evidence(
        actor=enrolment.learner, enrolment=enrolment, kind="reflection", title="Reflection", text="<b>bold?</b>"
    )
    assert _get(Client(), item).status_code == 404
    evidence.set_evidence_shareable(actor=enrolment.learner, evidence=item, shareable=True)
    response = _get(Client(), item)
    assert response.status_code == 200 and b"&lt;b&gt;bold?&lt;/b&gt;" in response.content
