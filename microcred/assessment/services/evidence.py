"""Evidence a learner submits: files (kept through Django's storage API), links and text reflections.

A file's type is decided by its first bytes, never by its name or the browser's claim; types a
browser could execute (HTML, SVG, scripts, programs) are refused, and the bytes are hashed.
"""

from __future__ import annotations

import hashlib
from typing import IO, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred.accounts.models import Membership, Role
from microcred.accounts.permissions import can
from microcred.assessment.models import AssessmentComponent, Enrolment, Evidence, EvidenceKind
from microcred.audit.services import record
from microcred.errors import ErrorList, PermissionDenied, ValidationFailed
from microcred.frameworks.models import Competency
from microcred.notifications.models import Kind
from microcred.notifications.services import notify

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
MAX_TEXT = 20_000
SNIFF_BYTES = 4096

# (magic bytes at offset, offset, content type)
SIGNATURES: list[tuple[bytes, int, str]] = [
    (b"%PDF-", 0, "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"\x1a\x45\xdf\xa3", 0, "video/webm"),
    (b"OggS", 0, "audio/ogg"),
    (b"ID3", 0, "audio/mpeg"),
]
REFUSED: list[tuple[bytes, str]] = [
    (b"MZ", _("Programs cannot be uploaded as evidence.")),
    (b"\x7fELF", _("Programs cannot be uploaded as evidence.")),
    (b"\xca\xfe\xba\xbe", _("Programs cannot be uploaded as evidence.")),
    (b"\xcf\xfa\xed\xfe", _("Programs cannot be uploaded as evidence.")),
    (b"#!", _("Scripts cannot be uploaded as evidence.")),
]
# Types a browser may show in the page; everything else is always downloaded.
INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "video/mp4", "video/webm", "video/quicktime"}
MARKUP_STARTS = (b"<!doctype", b"<html", b"<svg", b"<?xml", b"<script", b"<head", b"<body", b"<iframe")


def max_bytes() -> int:
    return int(getattr(settings, "MICROCRED_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def sniff(head: bytes) -> str | None:
    """The content type of a file from its first bytes, or None when it is not a kind of evidence we keep."""
    for magic, message in REFUSED:
        if head.startswith(magic):
            raise ValidationFailed.single("file", "refused_type", message)
    for magic, offset, content_type in SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        return "video/quicktime" if head[8:10] == b"qt" else "video/mp4"
    if head.startswith(b"PK\x03\x04"):
        # Office Open XML and OpenDocument files are ZIP archives; the member names say which.
        if b"[Content_Types].xml" in head or b"word/" in head or b"ppt/" in head or b"xl/" in head:
            return "application/vnd.openxmlformats-officedocument"
        if b"mimetypeapplication/vnd.oasis.opendocument" in head:
            return "application/vnd.oasis.opendocument"
        return None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        try:  # a multi-byte character may be cut at the end of the sample
            text = head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return None
    if "\x00" in text:
        return None
    lowered = text.lstrip().lower().encode()
    if lowered.startswith(MARKUP_STARTS) or b"<script" in lowered:
        raise ValidationFailed.single("file", "refused_type", _("Web pages and SVG images cannot be uploaded."))
    return "text/plain"


def _owns(actor: Any, enrolment: Enrolment) -> None:
    """The learner, or one of the provider's assessors (evidence they observed or collected), adds evidence."""
    if actor != enrolment.learner and not can(actor, "assessment.evaluate", enrolment):
        raise PermissionDenied(
            _("Only the learner or the provider's assessors add evidence for an enrolment."), code="permission_denied"
        )


def _links(
    errors: ErrorList,
    enrolment: Enrolment,
    components: list[AssessmentComponent],
    competencies: list[Competency],
) -> None:
    plan_id = getattr(getattr(enrolment.credential, "assessment_plan", None), "pk", None)
    for component in components:
        if component.plan_id != plan_id:
            errors.add("components", "other_plan", _("Choose components of this credential's plan."))
            break
    assessed = set(
        AssessmentComponent.objects.filter(plan_id=plan_id, competencies__in=[c.pk for c in competencies]).values_list(
            "competencies", flat=True
        )
    )
    if any(c.pk not in assessed for c in competencies):
        errors.add("competencies", "not_assessed", _("Choose competencies this credential assesses."))


def submit_evidence(
    *,
    actor: Any,
    enrolment: Enrolment,
    kind: str,
    title: str,
    upload: IO[bytes] | None = None,
    filename: str = "",
    url: str = "",
    text: str = "",
    genre: str = "",
    shareable: bool = False,
    components: list[AssessmentComponent] = (),  # type: ignore[assignment]
    competencies: list[Competency] = (),  # type: ignore[assignment]
) -> Evidence:
    _owns(actor, enrolment)
    errors = ErrorList()
    title = " ".join(str(title or "").split())[:200]
    if not title:
        errors.add("title", "required", _("Give the evidence a title."))
    if kind not in EvidenceKind.values:
        errors.add("kind", "invalid_choice", _("Choose a file, a link or a reflection."))
    components, competencies = list(components), list(competencies)
    _links(errors, enrolment, components, competencies)
    content_type, digest, size = "", "", 0
    if kind == EvidenceKind.FILE:
        if upload is None:
            errors.add("file", "required", _("Choose a file."))
        else:
            head = upload.read(SNIFF_BYTES)
            if not head:
                errors.add("file", "empty", _("The file is empty."))
            else:
                try:
                    content_type = sniff(head) or ""
                except ValidationFailed as error:
                    errors.errors.extend(error.errors)
                    content_type = "refused"
                if not content_type:
                    errors.add(
                        "file",
                        "unsupported_type",
                        _("Upload a document (PDF, Office, text), an image or a video."),
                    )
                hasher = hashlib.sha256(head)
                size = len(head)
                limit = max_bytes()
                for chunk in iter(lambda: upload.read(1024 * 1024), b""):
                    size += len(chunk)
                    if size > limit:
                        break
                    hasher.update(chunk)
                if size > limit:
                    errors.add(
                        "file", "too_large", _("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)}
                    )
                digest = hasher.hexdigest()
    elif kind == EvidenceKind.LINK:
        url = str(url or "").strip()
        try:
            parts = urlsplit(url) if len(url) <= 2000 else None
        except ValueError:  # e.g. an unclosed IPv6 bracket
            parts = None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            errors.add("url", "invalid_url", _("Enter a web address starting with https://."))
    elif kind == EvidenceKind.REFLECTION:
        text = str(text or "").strip()
        if not text:
            errors.add("text", "required", _("Write your reflection."))
        elif len(text) > MAX_TEXT:
            errors.add("text", "too_long", _("At most %(n)d characters.") % {"n": MAX_TEXT})
    errors.raise_if_any()
    evidence = Evidence(
        enrolment=enrolment,
        kind=kind,
        title=title,
        url=url if kind == EvidenceKind.LINK else "",
        text=text if kind == EvidenceKind.REFLECTION else "",
        genre=str(genre or "")[:60],
        shareable=bool(shareable) and actor == enrolment.learner,  # sharing is the learner's choice
        original_name=str(filename or "")[:255],
        content_type=content_type,
        size=size,
        sha256=digest,
    )
    if kind == EvidenceKind.FILE and upload is not None:
        upload.seek(0)
        evidence.file.save("evidence", File(upload), save=False)
    try:
        with transaction.atomic():
            evidence.save()
            evidence.components.set(components)
            evidence.competencies.set(competencies)
            record(
                actor=actor,
                action="assessment.submit_evidence",
                target=evidence,
                organization=enrolment.credential.provider,
                after={"kind": kind, "title": title, "sha256": digest, "size": size, "content_type": content_type},
            )
            assessors = Membership.objects.filter(organization=enrolment.credential.provider, role=Role.ASSESSOR)
            if actor != enrolment.learner:  # an assessor added it: the learner is told, the assessors know
                assessors = assessors.none()
                notify(
                    recipient=enrolment.learner,
                    kind=Kind.EVIDENCE_REVIEWED,
                    title=gettext_lazy("An assessor added evidence to “%(title)s”"),
                    body=gettext_lazy("%(assessor)s added “%(evidence)s” to your record."),
                    url=reverse("assessment:enrolment", args=[enrolment.pk]),
                    params={"assessor": str(actor), "title": enrolment.credential.title, "evidence": title},
                )
            for membership in assessors.exclude(user=enrolment.learner).select_related("user"):
                notify(
                    recipient=membership.user,
                    kind=Kind.EVALUATION_REQUESTED,
                    title=gettext_lazy("%(learner)s submitted evidence for “%(title)s”"),
                    body=gettext_lazy("Evidence “%(evidence)s” awaits your evaluation."),
                    url=reverse("assessment:enrolment", args=[enrolment.pk]),
                    params={"learner": str(enrolment.learner), "title": enrolment.credential.title, "evidence": title},
                )
    except BaseException:
        if evidence.file:  # nothing refers to the stored bytes any more
            evidence.file.delete(save=False)
        raise
    return evidence


def set_evidence_shareable(*, actor: Any, evidence: Evidence, shareable: bool) -> Evidence:
    if actor != evidence.enrolment.learner:  # whether employers may see it is the learner's choice alone
        raise PermissionDenied(_("Only the learner shares their evidence."), code="permission_denied")
    with transaction.atomic():
        before = evidence.shareable
        evidence.shareable = bool(shareable)
        evidence.save(update_fields=["shareable"])
        record(
            actor=actor,
            action="assessment.share_evidence",
            target=evidence,
            organization=evidence.enrolment.credential.provider,
            before={"shareable": before},
            after={"shareable": evidence.shareable},
        )
    return evidence


def is_inline_safe(evidence: Evidence) -> bool:
    return evidence.content_type in INLINE_TYPES
