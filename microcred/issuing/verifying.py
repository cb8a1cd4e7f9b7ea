"""Verifying for people: what they paste, upload or link to, checked, explained, and (for members) logged.

The page ``/verify/`` and ``POST /api/v1/verify`` call :func:`verify_input`. Links are followed only to
credentials this platform issued (read from the database, never fetched: the verifier must not become a
way to make the server call arbitrary addresses). Other domains learn of each verification through
listeners they register (employers count their verifiers' verifications); a listener never sees who an
anonymous visitor is, because nothing about them is passed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import urlsplit

from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext as _

from microcred.accounts.models import Organization, OrganizationKind
from microcred.errors import DomainError, ValidationFailed
from microcred.issuing import badge_image, bundles, identity, lookalikes, report_text, selectors, verification
from microcred.issuing.credential_summary import Summary, summarize
from microcred.issuing.models import ProofFormat
from microcred.metrics import VERIFICATIONS
from microcred.vc import bundle as vc_bundle
from microcred.vc import verify

logger = logging.getLogger(__name__)

MAX_INPUT_BYTES = verify.MAX_BYTES
_CREDENTIAL_PATH = re.compile(r"^/credentials/(?P<id>[0-9a-fA-F-]{32,36})/?$")

PAGE = "page"
API = "api"
SHARE = "share"


@dataclass
class Verified:
    report: verify.Report
    verdict: report_text.Verdict
    summary: Summary | None
    issuer: Organization | None
    bundle: vc_bundle.BundleReport | None = None  # when a verification bundle was given
    presented_by: str = ""  # the name on the share link it was reached through, as its holder chose to show it

    @property
    def badge_image(self) -> str:
        """The credential's badge as the wallet shows it: the achievement's image hosted here, or a generated one."""
        summary = self.summary
        name = (summary.achievement_name or summary.name) if summary else ""
        return badge_image.shown_image(summary.image if summary else "", name or "Credential")

    @property
    def holder(self) -> str:
        """Who holds the credential: as the credential names them, else as the holder's share link names them."""
        return (self.summary.subject_name if self.summary else "") or self.presented_by

    @property
    def status_age_days(self) -> int | None:
        return self.bundle.status_age_days() if self.bundle is not None else None

    @property
    def status_as_of(self) -> str:
        at = self.bundle.status_checked_at if self.bundle is not None else None
        return at.strftime("%Y-%m-%d %H:%M UTC") if at is not None else ""


@dataclass(frozen=True)
class VerificationEvent:
    """One verification, for listeners: the signed-in viewer (None when anonymous) and what was verified."""

    viewer: Any
    channel: str
    verified: bool
    credential_id: str
    issuer: str
    achievement: str


Listener = Callable[[VerificationEvent], None]
LISTENERS: list[Listener] = []


def add_listener(listener: Listener) -> None:
    if listener not in LISTENERS:
        LISTENERS.append(listener)


def notify(event: VerificationEvent) -> None:
    """Tell the listeners of a verification made elsewhere (a share link's page: channel :data:`SHARE`)."""
    for listener in LISTENERS:
        try:
            listener(event)
        except Exception:
            # Logging a verification is bookkeeping: it must never turn a verdict into an error page.
            logger.exception("verification listener %r failed", listener)


@dataclass(frozen=True)
class Presented:
    """A credential reached through one of the platform's links, and the holder's name if that link shows it."""

    credential: dict[str, Any] | str | bytes
    holder_name: str = ""


# A reader is given the path of a link on this platform (without the base's path) and answers the credential it
# leads to, None when the path is not one of its links, or raises ValidationFailed (field "url") to say why not.
LinkReader = Callable[[str], "Presented | None"]
LINK_READERS: list[LinkReader] = []


def add_link_reader(reader: LinkReader) -> None:
    """Let a higher domain (the wallet's share links and public pages) resolve its links for verify-by-URL."""
    if reader not in LINK_READERS:
        LINK_READERS.append(reader)


# --- reading the input ----------------------------------------------------------------------------


def read_upload(upload: IO[bytes], field: str = "file") -> bytes:
    """The uploaded file's bytes, refusing more than :data:`MAX_INPUT_BYTES` without reading it all."""
    data = upload.read(MAX_INPUT_BYTES + 1)
    if len(data) > MAX_INPUT_BYTES:
        raise ValidationFailed.single(
            field, "too_large", _("The file is larger than %(size)s KiB.") % {"size": MAX_INPUT_BYTES // 1024}
        )
    if not data:
        raise ValidationFailed.single(field, "empty", _("The file is empty."))
    return data


def read_text(value: Any, field: str = "credential") -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed.single(field, "required", _("Paste a credential: JSON or a JWT."))
    if len(value.encode("utf-8", "surrogatepass")) > MAX_INPUT_BYTES:
        raise ValidationFailed.single(
            field, "too_large", _("The credential is larger than %(size)s KiB.") % {"size": MAX_INPUT_BYTES // 1024}
        )
    return value


def platform_credential(url: Any, field: str = "url") -> Presented:
    """The credential behind a link of this platform, from the database (never fetched): a credential's address
    (``<base>/credentials/<id>``), or a link another domain reads (a share link, a public page: ``LINK_READERS``)."""
    if not isinstance(url, str) or not url.strip() or len(url) > 2000:
        raise ValidationFailed.single(field, "required", _("Give the link of a credential."))
    parts = urlsplit(url.strip())
    base = urlsplit(identity.public_base_url())
    prefix = base.path.rstrip("/")
    path = parts.path[len(prefix) :] if parts.path.startswith(prefix + "/") else ""
    if parts.netloc.lower() != base.netloc.lower() or parts.scheme not in ("http", "https") or not path:
        raise ValidationFailed.single(
            field,
            "not_platform_link",
            _(
                "This link is not on this platform (%(host)s): only its links can be opened here. Paste or upload a "
                "credential from elsewhere."
            )
            % {"host": base.netloc},
        )
    match = _CREDENTIAL_PATH.match(path)
    if match is None:
        for reader in LINK_READERS:
            found = reader(path)
            if found is not None:
                return found
        raise ValidationFailed.single(
            field,
            "not_credential_link",
            _("This link leads to no credential. Give a share link, a credential's public page or its address."),
        )
    try:
        credential = selectors.credential_by_public_id(match["id"])
    except (DomainError, ValueError) as error:
        raise ValidationFailed.single(field, "not_found", _("No credential was issued at this link.")) from error
    return Presented(credential.jwt if credential.proof_format == ProofFormat.VC_JWT else credential.document)


# --- the issuer, as this platform knows it ----------------------------------------------------------------


def platform_organization(issuer_id: str) -> Organization | None:
    """The organization whose did:web ``issuer_id`` is, when this platform publishes it."""
    prefix = identity.did_for_slug("")  # "did:web:<host>:organizations:"
    if not issuer_id.startswith(prefix):
        return None
    slug = issuer_id[len(prefix) :]
    if not slug or ":" in slug:
        return None
    # raw: asked on every verification, and composing the ORM's query cost twice the database's answer
    table = connection.ops.quote_name(Organization._meta.db_table)
    found = list(Organization.objects.raw(f"SELECT * FROM {table} WHERE slug = %s", [slug]))  # noqa: S608
    return found[0] if found else None


def registry_url(organization: Organization) -> str:
    if organization.kind == OrganizationKind.PROVIDER:
        return f"{reverse('catalog:search')}?provider={organization.slug}"
    return reverse("issuing:did-document", args=[organization.slug])


def _issuer_line(report: verify.Report, summary: Summary | None) -> tuple[report_text.CheckLine, Organization | None]:
    title = str(report_text.TITLES[report_text.ISSUER_REGISTRY])
    organization = platform_organization(report.issuer or "") if report.issuer else None
    if organization is None:
        return _unregistered_line(title, summary), None
    claimed = summary.issuer_name if summary else ""
    if claimed and claimed.casefold() != organization.name.casefold():
        sentence = _("The credential calls its issuer “%(claimed)s”, but the key is that of %(name)s.") % {
            "claimed": claimed,
            "name": organization.name,
        }
        mismatch = "issuer_name_mismatch"
        line = report_text.CheckLine(
            report_text.ISSUER_REGISTRY, verify.FAIL, title, sentence, mismatch, registry_url(organization)
        )
        return line, organization
    sentence = _("Issued by %(name)s, registered on this platform.") % {"name": organization.name}
    line = report_text.CheckLine(
        report_text.ISSUER_REGISTRY, verify.PASS, title, sentence, None, registry_url(organization)
    )
    return line, organization


def _unregistered_line(title: str, summary: Summary | None) -> report_text.CheckLine:
    """An issuer whose key is no registered organization's: flagged when its name or URL imitates one."""
    claimed = summary.issuer_name if summary else ""
    found = lookalikes.imitation(name=claimed, url=summary.issuer_url if summary else "")
    if found is None:
        sentence = _("The issuer is not registered on this platform: its identity rests on its own identifier only.")
        return report_text.CheckLine(report_text.ISSUER_REGISTRY, verify.SKIP, title, sentence, "issuer_unregistered")
    if found.organization is None:
        sentence = _(
            "The credential's issuer points to this platform, but it was not signed by any organization registered "
            "here: do not trust it."
        )
        return report_text.CheckLine(report_text.ISSUER_REGISTRY, verify.FAIL, title, sentence, "issuer_imitation")
    sentence = _(
        "The credential calls its issuer “%(claimed)s”, like %(name)s, which is registered on this platform, but it "
        "was not signed with that organization's key: do not trust it."
    ) % {"claimed": claimed or summary.issuer_url, "name": found.organization.name}
    link = registry_url(found.organization)
    return report_text.CheckLine(report_text.ISSUER_REGISTRY, verify.FAIL, title, sentence, "issuer_imitation", link)


# --- verifying ----------------------------------------------------------------------------------


def verify_input(
    item: dict[str, Any] | str | bytes, *, viewer: Any = None, channel: str = PAGE, presented_by: str = ""
) -> Verified:
    """Verify, explain and summarize ``item``; tell the listeners. Never raises on bad credentials.

    ``presented_by``: the holder's name as the share link it came through shows it.

    A verification bundle (``microcred.vc.bundle``) is checked from its own contents, and its status age kept.
    """
    checked = _bundle_report(item) if is_bundle(item) else None
    report = checked.report if checked is not None and checked.report is not None else None
    if checked is not None:
        report = report or verify.Report(valid=False)
        outcome = verify.PASS if checked.valid else verify.FAIL
        report.checks.insert(0, verify.Check(report_text.BUNDLE, outcome, checked.message, checked.reason))
        report.valid = report.valid and checked.valid
    else:
        report = verification.verify_credential(item)
    summary = summarize(report.credential)
    extra, organization = _issuer_line(report, summary)
    named = (summary.issuer_name if summary else "") or (report.issuer or "")
    verdict = report_text.verdict(report, [extra], registered_issuer=organization is not None, issuer_name=named)
    for line in verdict.checks:
        for embedded in line.items:  # an endorser registered here is named (its did:web is one of the platform's)
            endorser = platform_organization(embedded.issuer) if embedded.issuer else None
            embedded.issuer_name = endorser.name if endorser is not None else ""
    result = Verified(report, verdict, summary, organization, checked, presented_by)
    VERIFICATIONS.labels(outcome="verified" if verdict.verified else "not_verified", channel=channel).inc()
    signed_in = viewer if getattr(viewer, "is_authenticated", False) else None
    credential = report.credential or {}
    notify(
        VerificationEvent(
            viewer=signed_in,
            channel=channel,
            verified=result.verdict.verified,
            credential_id=summary_text(credential.get("id"), 500),
            issuer=(report.issuer or "")[:500],
            achievement=(summary.achievement_name or summary.name) if summary else "",
        )
    )
    return result


def is_bundle(item: Any) -> bool:
    if isinstance(item, dict):
        return vc_bundle.is_bundle(item)
    return isinstance(item, str | bytes) and vc_bundle.looks_like_bundle(item)


def _bundle_report(item: dict[str, Any] | str | bytes) -> vc_bundle.BundleReport:
    return bundles.verify_bundle(item)


def summary_text(value: Any, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


def to_json(result: Verified) -> dict[str, Any]:
    """The API's answer: the verdict, each check in plain language, and the library's full report."""
    return {
        "verified": result.verdict.verified,
        "headline": result.verdict.headline,
        "reason": result.verdict.reason,
        "checks": [
            {
                "code": line.code,
                "outcome": line.outcome,
                "title": line.title,
                "message": line.sentence,
                **({"reason": line.reason} if line.reason else {}),
                **(
                    {
                        "items": [
                            {
                                "kind": item.kind,
                                "id": item.id,
                                "issuer": item.issuer,
                                "issuer_name": item.issuer_name,
                                "valid": item.valid,
                                "message": item.sentence,
                                **({"reason": item.reason} if item.reason else {}),
                            }
                            for item in line.items
                        ]
                    }
                    if line.items
                    else {}
                ),
            }
            for line in result.verdict.checks
        ],
        "issuer": {
            "id": result.report.issuer,
            "registered": result.issuer is not None,
            "organization": result.issuer.slug if result.issuer is not None else None,
        },
        "report": result.report.to_json(),
        **({"bundle": _bundle_json(result.bundle)} if result.bundle is not None else {}),
    }


def _bundle_json(checked: vc_bundle.BundleReport) -> dict[str, Any]:
    at = checked.status_checked_at
    return {
        "valid": checked.valid,
        "reason": checked.reason,
        "statusCheckedAt": at.strftime("%Y-%m-%dT%H:%M:%SZ") if at is not None else None,
        "statusAgeDays": checked.status_age_days(),
    }
