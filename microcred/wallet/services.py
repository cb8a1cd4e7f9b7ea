"""Writes of the wallet: importing credentials, share links and their views, and the signed CLR export.

Every write takes keyword-only arguments, runs in one transaction and leaves one audit entry. A learner acts
only on their own wallet; another person's item is "not found", not "forbidden" (it reveals nothing).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred.accounts.models import Organization, OrganizationKind, User
from microcred.assessment.services.stacks import check_after_commit
from microcred.audit.services import record
from microcred.errors import Conflict, ErrorList, Gone, NotFound, ValidationFailed
from microcred.issuing import identity, verification, verifying
from microcred.issuing.models import IssuedCredential, ProofFormat
from microcred.issuing.services import signing_key
from microcred.notifications.models import Kind
from microcred.notifications.selectors import already_notified
from microcred.notifications.services import notify
from microcred.vc import compose, data_integrity, verify
from microcred.vc.dates import format_date_time, parse_date_time
from microcred.vc.errors import VCError
from microcred.vc.model import hashed_identity
from microcred.wallet import legacy, summaries
from microcred.wallet.models import ImportedCredential, ImportFormat, ShareKind, ShareLink, ShareView

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_SHARE_DAYS = 366
MAX_SHARED_CREDENTIALS = 50
MAX_PASSWORD = 128
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_COMPACT_JWT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$")

# Why an import was refused, by the verifier's parse reason: the learner reads these beside the form.
_PARSE_MESSAGES = {
    verify.TOO_LARGE: gettext_lazy("The file is too large."),
    verify.TOO_DEEP: gettext_lazy("The JSON is nested too deeply."),
    verify.NOT_UTF8: gettext_lazy("The file is neither a badge image nor UTF-8 text."),
    verify.NOT_JSON: gettext_lazy("This is neither JSON, nor a VC-JWT, nor a baked badge image."),
    verify.NOT_OBJECT: gettext_lazy("The JSON is not a credential object."),
    "baking_no_credential": gettext_lazy("The image holds no baked credential."),
    "baking_malformed_image": gettext_lazy("The image is damaged or not a valid PNG or SVG."),
    "jwt_malformed": gettext_lazy("The JWT cannot be read."),
    "jwt_alg_not_allowed": gettext_lazy("The JWT is signed with an algorithm that is not accepted."),
}


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _refuse(field: str, code: str, message: str) -> ValidationFailed:
    return ValidationFailed.single(field, code, message)


# ---------------------------------------------------------------- imports


def _as_bytes(data: bytes | str) -> bytes:
    if isinstance(data, str):
        if len(data) > MAX_IMPORT_BYTES:  # before encoding a huge paste
            raise _refuse("credential", "too_large", _("The file is too large."))
        data = data.encode("utf-8", "surrogatepass")
    if not isinstance(data, bytes | bytearray):
        raise _refuse("credential", "required", _("Upload a file or paste a credential."))
    data = bytes(data)
    if not data.strip():
        raise _refuse("credential", "required", _("Upload a file or paste a credential."))
    if len(data) > MAX_IMPORT_BYTES:
        raise _refuse("credential", "too_large", _("The file is too large."))
    return data


def format_of(data: bytes) -> tuple[str, dict[str, Any] | None]:
    """(format, the JSON object if the input is JSON); raises ``ValidationFailed`` for what is none of them."""
    if data.startswith(_PNG_SIGNATURE):
        return ImportFormat.BAKED_PNG, None
    try:
        text = data.decode("utf-8").strip().lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise _refuse("credential", verify.NOT_UTF8, str(_PARSE_MESSAGES[verify.NOT_UTF8])) from exc
    if text.startswith("<"):
        return ImportFormat.BAKED_SVG, None
    if _COMPACT_JWT.match(text):
        return ImportFormat.VC_JWT, None
    if verify.json_depth_exceeds(text, verify.MAX_DEPTH):
        raise _refuse("credential", verify.TOO_DEEP, str(_PARSE_MESSAGES[verify.TOO_DEEP]))
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise _refuse("credential", verify.NOT_JSON, str(_PARSE_MESSAGES[verify.NOT_JSON])) from exc
    if isinstance(value, str) and _COMPACT_JWT.match(value.strip()):
        return ImportFormat.VC_JWT, None
    if not isinstance(value, dict):
        raise _refuse("credential", verify.NOT_OBJECT, str(_PARSE_MESSAGES[verify.NOT_OBJECT]))
    return (ImportFormat.OB2 if legacy.is_ob2(value) else ImportFormat.OB3_JSON), value


def verify_for_wallet(data: bytes | dict[str, Any] | str) -> dict[str, Any]:
    """The verifier's report, as JSON, with this platform's DIDs and status lists read from the database."""
    report = verify.verify(
        data,
        resolver=verification.resolver(),
        status_fetcher=verification.fetch_status_list,
        max_bytes=MAX_IMPORT_BYTES,
    )
    return report.to_json()


def verified_report(data: bytes, kind: str, document: dict[str, Any] | None, fetched: bool) -> dict[str, Any]:
    """The verification report of an incoming credential of format ``kind`` (``fetched``: its bytes came from its
    host, so an Open Badges 2.0 assertion is not fetched again)."""
    if kind == ImportFormat.OB2:
        assert document is not None
        return legacy.verify_hosted(document, fetched=data if fetched else None)
    report = verify_for_wallet(data)
    if not isinstance(report.get("credential"), dict):
        parse = next((c for c in report["checks"] if c.get("code") == verify.PARSE), {})
        reason = str(parse.get("reason") or "unreadable")
        message = _PARSE_MESSAGES.get(reason, _("No credential could be read from this input."))
        raise _refuse("credential", reason, str(message))
    return report


def names_of(credential: dict[str, Any]) -> tuple[str, str]:
    """(achievement name, issuer name) as the wallet lists them."""
    summary = summaries.summarize(credential)
    return summary.name[:300], summary.issuer_name[:300]


def import_credential(
    *, owner: User, data: bytes | str, source_url: str = "", fetched: bool = False
) -> ImportedCredential:
    """Verify a credential issued elsewhere and keep it with its report; a failing one is kept as failed.

    Unreadable input (no credential in it) is refused with a field error and nothing is written.
    """
    raw = _as_bytes(data)
    kind, document = format_of(raw)
    report = verified_report(raw, kind, document, fetched)
    credential = report.get("credential") or document or {}
    name, issuer_name = names_of(credential)
    digest = hashlib.sha256(raw).hexdigest()
    if ImportedCredential.objects.filter(owner=owner, sha256=digest).exists():
        raise Conflict(_("This credential is already in your wallet."), code="already_imported")
    try:
        with transaction.atomic():
            imported = ImportedCredential.objects.create(
                owner=owner,
                format=kind,
                raw=raw,
                sha256=digest,
                source_url=source_url[:2000],
                credential=credential,
                report=report,
                verified=bool(report.get("valid")),
                legacy=kind == ImportFormat.OB2,
                name=name,
                issuer_name=issuer_name,
                verified_at=timezone.now(),
            )
            record(
                actor=owner,
                action="wallet.import",
                target=imported,
                after={"format": kind, "verified": imported.verified, "name": name},
            )
            check_after_commit(owner.pk)  # this import may complete a pathway
    except IntegrityError as exc:  # the same file imported twice at once
        raise Conflict(_("This credential is already in your wallet."), code="already_imported") from exc
    return imported


def import_from_url(*, owner: User, url: str) -> ImportedCredential:
    """Fetch a hosted credential (https, public address, bounded) and import it."""
    url = (url or "").strip()
    if not url or len(url) > 2000 or urlsplit(url).scheme != "https":
        raise _refuse("url", "invalid_url", _("Give an https address."))
    try:
        data = legacy.guarded_fetch(url)
    except VCError as exc:
        if exc.code == "network_disabled":
            message = _("This server does not fetch other sites; download the file and upload it.")
            raise _refuse("url", exc.code, message) from exc
        message = _("The address could not be fetched (it must be a public https address).")
        raise _refuse("url", "fetch_refused", message) from exc
    return import_credential(owner=owner, data=data, source_url=url, fetched=True)


def reverify_import(*, actor: User, imported: ImportedCredential) -> ImportedCredential:
    """Verify again (status and keys may have changed since the import)."""
    if imported.owner_id != actor.pk:
        raise NotFound(_("No such credential in your wallet."), code="import_not_found")
    raw = bytes(imported.raw)
    kind, document = format_of(raw)
    report = verified_report(raw, kind, document, False)  # an Open Badges 2.0 assertion is fetched again from its host
    with transaction.atomic():
        before = {"verified": imported.verified}
        imported.report = report
        imported.verified = bool(report.get("valid"))
        imported.verified_at = timezone.now()
        imported.save(update_fields=["report", "verified", "verified_at"])
        after = {"verified": imported.verified}
        record(actor=actor, action="wallet.reverify", target=imported, before=before, after=after)
        check_after_commit(actor.pk)
    return imported


def delete_import(*, actor: User, imported: ImportedCredential) -> None:
    if imported.owner_id != actor.pk:
        raise NotFound(_("No such credential in your wallet."), code="import_not_found")
    with transaction.atomic():
        record(actor=actor, action="wallet.delete_import", target=imported, before={"name": imported.name})
        imported.delete()


# ---------------------------------------------------------------- sharing


def evidence_ids_of(credential: IssuedCredential) -> list[str]:
    return [entry.id for entry in summaries.evidence_of(credential.document) if entry.id]


def create_share_link(
    *,
    owner: User,
    kind: str,
    credentials: Iterable[IssuedCredential],
    expires_at: datetime | None,
    imported: Iterable[ImportedCredential] = (),
    evidence_ids: Iterable[str] = (),
    password: str = "",
    label: str = "",
    permanent: bool = False,
    show_name: bool = False,
) -> tuple[ShareLink, str]:
    """A share link of the owner's credentials (issued here or imported); returns it and its token (shown once,
    only its hash is kept). ``permanent``: it never expires (``expires_at`` must be None), the credential's public
    page; ``show_name``: the page names the holder."""
    errors = ErrorList()
    chosen = list(dict.fromkeys(credentials))
    chosen_imports = list(dict.fromkeys(imported))
    count = len(chosen) + len(chosen_imports)
    if kind not in ShareKind.values:
        errors.add("kind", "invalid_choice", _("Share one credential, a set, or the learner record."))
    if any(credential.recipient_id != owner.pk for credential in chosen) or any(
        item.owner_id != owner.pk for item in chosen_imports
    ):
        errors.add("credentials", "not_yours", _("You can share only credentials you hold."))
    if not count:
        errors.add("credentials", "required", _("Choose at least one credential."))
    elif kind == ShareKind.CREDENTIAL and count != 1:
        errors.add("credentials", "one_only", _("A link to one credential shares exactly one."))
    elif count > MAX_SHARED_CREDENTIALS:
        errors.add("credentials", "too_many", _("Share at most 50 credentials in one link."))
    available = {identifier for credential in chosen for identifier in evidence_ids_of(credential)}
    available |= {entry.id for item in chosen_imports for entry in summaries.evidence_of(item.credential) if entry.id}
    chosen_evidence = [str(identifier) for identifier in dict.fromkeys(evidence_ids)]
    if any(identifier not in available for identifier in chosen_evidence):
        errors.add("evidence", "unknown_evidence", _("Choose evidence of the credentials you share."))
    now = timezone.now()
    if permanent:
        if expires_at is not None:
            errors.add("expires_at", "permanent", _("A permanent link has no end date."))
    elif not isinstance(expires_at, datetime):
        errors.add("expires_at", "required", _("Say until when the link works."))
    elif expires_at <= now:
        errors.add("expires_at", "in_the_past", _("The link must expire in the future."))
    elif expires_at > now + timedelta(days=MAX_SHARE_DAYS):
        errors.add("expires_at", "too_far", _("A link works for at most a year."))
    if not isinstance(password, str) or len(password) > MAX_PASSWORD:
        errors.add("password", "too_long", _("The password has at most 128 characters."))
    if not isinstance(label, str) or len(label) > 100:
        errors.add("label", "too_long", _("The label has at most 100 characters."))
    errors.raise_if_any()

    token = secrets.token_urlsafe(32)  # 256 bits
    with transaction.atomic():
        link = ShareLink.objects.create(
            owner=owner,
            kind=kind,
            label=label.strip(),
            evidence_ids=chosen_evidence,
            token_hash=_hash_token(token),
            password_hash=make_password(password) if password else "",
            expires_at=None if permanent else expires_at,
            show_name=bool(show_name),
        )
        link.credentials.set(chosen)
        link.imported.set(chosen_imports)
        record(
            actor=owner,
            action="wallet.share",
            target=link,
            after={
                "kind": kind,
                "credentials": [credential.credential_id for credential in chosen],
                "imported": [str(item.public_id) for item in chosen_imports],
                "evidence": chosen_evidence,
                "expires_at": expires_at.isoformat() if isinstance(expires_at, datetime) else None,
                "password": bool(password),
                "permanent": bool(permanent),
                "show_name": bool(show_name),
            },
        )
    return link, token


def revoke_share_link(*, actor: User, link: ShareLink) -> ShareLink:
    if link.owner_id != actor.pk:
        raise NotFound(_("No such share link."), code="share_not_found")
    if link.revoked_at is not None:
        raise Conflict(_("This link is already revoked."), code="already_revoked")
    with transaction.atomic():
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        record(
            actor=actor, action="wallet.revoke_share", target=link, after={"revoked_at": link.revoked_at.isoformat()}
        )
    return link


def shared_link(token: str) -> ShareLink:
    """The link a visitor opens: unknown → 404, revoked or expired → 410."""
    link = None
    if isinstance(token, str) and 20 <= len(token) <= 100:
        link = ShareLink.objects.filter(token_hash=_hash_token(token)).first()
    if link is None:
        raise NotFound(_("This link does not exist."), code="share_not_found")
    if link.revoked_at is not None:
        raise Gone(_("The holder has withdrawn this link."), code="share_revoked")
    if link.expires_at is not None and link.expires_at <= timezone.now():
        raise Gone(_("This link has expired."), code="share_expired")
    return link


def password_matches(link: ShareLink, password: str) -> bool:
    """Whether ``password`` opens ``link`` (Django's hashers compare in constant time)."""
    if not link.password_hash:
        return True
    return isinstance(password, str) and len(password) <= MAX_PASSWORD and check_password(password, link.password_hash)


def _referrer_domain(referrer: str) -> str:
    try:
        host = urlsplit(referrer or "").hostname or ""
    except ValueError:
        return ""
    return host[:255]


def record_share_view(*, link: ShareLink, outcome: str, referrer: str = "", viewer: Any = None) -> ShareView:
    """Count one view and log it: when, the verification outcome and the referring domain, nothing else.

    A signed-in viewer's view is also told to the verification listeners (an employer's dashboard counts
    the credentials its people opened from share links); an anonymous one is not.
    """
    with transaction.atomic():
        ShareLink.objects.filter(pk=link.pk).update(view_count=F("view_count") + 1)
        midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        first_today = not ShareView.objects.filter(link=link, viewed_at__gte=midnight).exists()
        view = ShareView.objects.create(link=link, outcome=outcome[:20], referrer_domain=_referrer_domain(referrer))
        if first_today and viewer != link.owner:  # at most one notification per link and day
            notify(
                recipient=link.owner,
                kind=Kind.SHARE_LINK_VIEWED,
                title=gettext_lazy("Someone opened your share link “%(label)s”"),
                body=gettext_lazy("Your shared credentials were viewed today. You see every view on your share links."),
                url=reverse("wallet:shares"),
                params={"label": str(link)},
            )
    if viewer is not None and getattr(viewer, "is_authenticated", False) and viewer != link.owner:
        for credential in link.credentials.all():
            issuer = (credential.document or {}).get("issuer")
            verifying.notify(
                verifying.VerificationEvent(
                    viewer=viewer,
                    channel=verifying.SHARE,
                    verified=outcome == summaries.VALID,
                    credential_id=credential.credential_id,
                    issuer=str(issuer.get("id", "") if isinstance(issuer, dict) else issuer or ""),
                    achievement=credential.achievement_name,
                )
            )
    return view


# ---------------------------------------------------------------- expiry reminders

EXPIRY_NOTICE = timedelta(days=30)


def notify_expiring_credentials(*, now: datetime | None = None, within: timedelta = EXPIRY_NOTICE) -> int:
    """Tell each holder once about each live credential whose ``validUntil`` falls in the coming days.

    Run daily (``microcred manage notify_expiring``); a credential already announced is not announced again.
    """
    now = now or timezone.now()
    told = 0
    live = IssuedCredential.objects.filter(
        recipient__isnull=False, revoked_at__isnull=True, document__validUntil__isnull=False
    ).select_related("recipient")
    for credential in live.iterator(chunk_size=500):
        valid_until = parse_date_time((credential.document or {}).get("validUntil"))
        if valid_until is None or not now < valid_until <= now + within:
            continue
        url = reverse("wallet:credential", args=[str(credential.public_id)])
        if already_notified(credential.recipient, Kind.CREDENTIAL_EXPIRING, url):
            continue
        with translation.override(credential.recipient.preferred_language or settings.LANGUAGE_CODE):
            until = date_format(timezone.localtime(valid_until), "DATE_FORMAT")
        if notify(
            recipient=credential.recipient,
            kind=Kind.CREDENTIAL_EXPIRING,
            title=gettext_lazy("“%(name)s” expires on %(until)s"),
            body=gettext_lazy("After this date it no longer verifies. Ask its issuer how to renew it."),
            url=url,
            params={"name": credential.achievement_name, "until": until},
        ):
            told += 1
    return told


# ---------------------------------------------------------------- Comprehensive Learner Record


def platform_organization() -> Organization:
    organization = Organization.objects.filter(kind=OrganizationKind.PLATFORM).order_by("pk").first()
    if organization is None:
        raise Conflict(_("The platform organization is not set up, so no record can be signed."), code="no_platform")
    return organization


def export_clr(*, owner: User, credentials: Iterable[IssuedCredential] | None = None) -> dict[str, Any]:
    """The owner's record (all credentials issued to them, or the chosen ones) as a signed CLR 2.0 credential.

    The platform organization signs it: it attests that these credentials were issued to this learner here,
    and each embedded credential keeps its own issuer's proof. CLR 2.0 embeds credentials as JSON-LD objects
    with their proofs, so VC-JWT credentials (whose proof is the JWT around them) are left out of it.
    """
    held = list(
        IssuedCredential.objects.filter(recipient=owner)
        .exclude(proof_format=ProofFormat.VC_JWT)
        .order_by("issued_at", "pk")
    )
    if credentials is not None:
        wanted = {credential.pk for credential in credentials}
        if any(pk not in {c.pk for c in held} for pk in wanted):
            raise _refuse(
                "credentials", "not_exportable", _("You can export only credentials you hold that are not VC-JWTs.")
            )
        held = [credential for credential in held if credential.pk in wanted]
    if not held:
        raise _refuse("credentials", "required", _("There is no credential to put in the record."))
    if len(held) > verify.MAX_CLR_CREDENTIALS:
        raise _refuse("credentials", "too_many", _("A record holds at most 256 credentials."))
    organization = platform_organization()
    pair, key = signing_key(organization)
    try:
        unsigned = compose.clr_credential(
            id=f"urn:uuid:{uuid.uuid4()}",
            issuer=identity.issuer_profile(organization, key),
            credentials=[credential.document for credential in held],
            valid_from=format_date_time(timezone.now()),
            name=_("Comprehensive Learner Record of %(name)s") % {"name": owner.display_name},
            subject_identifier=hashed_identity(owner.email.lower(), secrets.token_hex(16)),
            partial=credentials is not None,
        )
        method = identity.signing_method_id(organization, key)
        signed = data_integrity.sign(unsigned, pair, verification_method=method, cryptosuite="eddsa-rdfc-2022")
    except VCError as exc:
        raise _refuse("credentials", exc.code, exc.message) from exc
    record(
        actor=owner,
        action="wallet.export_clr",
        target=owner,
        after={"credentials": [credential.credential_id for credential in held], "clr": signed["id"]},
    )
    return signed
