"""Writes of careers: a practitioner's clients, their target, the skills and credentials they hold, the shortlist.

Every write checks ``skills.advise_clients`` on the client's organization, validates, then writes and audits in one
transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from microcred.accounts.models import Organization
from microcred.accounts.permissions import require
from microcred.audit.services import record
from microcred.careers.models import Client, ShortlistItem
from microcred.catalog.models import MicroCredential, Status
from microcred.errors import Conflict, ErrorList, NotFound, ValidationFailed
from microcred.frameworks.models import Competency, CompetencyType
from microcred.skills.interfaces import link_text, skills_framework
from microcred.skills.models import JobPosting, Occupation

NAME_MAX = 150
NOTES_MAX = 5_000
NOTE_MAX = 500
CV_MAX = 10_000
CV_MIN_SCORE = 0.3  # a practitioner reviews what a CV paragraph gave (and can remove it), so the bar is moderate
CV_LIMIT = 10
MAX_HELD_SKILLS = 500
MAX_SHORTLIST = 50
ADVISE = "skills.advise_clients"


def _text(errors: ErrorList, name: str, value: Any, limit: int, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.add(name, "invalid_type", _("Enter text."))
        return ""
    value = value.replace("\x00", "").strip()
    if required and not value:
        errors.add(name, "required", _("This field is required."))
    elif len(value) > limit:
        errors.add(name, "too_long", _("Enter at most %(limit)d characters.") % {"limit": limit})
    return value


def _audit(actor: Any, action: str, client: Client, **after: Any) -> None:
    record(actor=actor, action=action, target=client, organization=client.organization, after=after or None)


def create_client(*, actor: Any, organization: Organization, display_name: Any, notes: Any = "") -> Client:
    require(actor, ADVISE, organization)
    errors = ErrorList()
    name = _text(errors, "display_name", display_name, NAME_MAX, required=True)
    text = _text(errors, "notes", notes, NOTES_MAX)
    errors.raise_if_any()
    with transaction.atomic():
        client = Client.objects.create(
            organization=organization,
            display_name=name,
            notes=text,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        _audit(actor, "careers.client_created", client, display_name=name)
    return client


def update_client(*, actor: Any, client: Client, display_name: Any, notes: Any) -> Client:
    require(actor, ADVISE, client.organization)
    errors = ErrorList()
    name = _text(errors, "display_name", display_name, NAME_MAX, required=True)
    text = _text(errors, "notes", notes, NOTES_MAX)
    errors.raise_if_any()
    with transaction.atomic():
        before = {"display_name": client.display_name, "notes": client.notes}
        client.display_name, client.notes = name, text
        client.save(update_fields=["display_name", "notes", "updated_at"])
        record(
            actor=actor,
            action="careers.client_updated",
            target=client,
            organization=client.organization,
            before=before,
            after={"display_name": name, "notes": text},
        )
    return client


def set_target(
    *, actor: Any, client: Client, occupation: Occupation | None = None, posting: JobPosting | None = None
) -> Client:
    """Aim the client at one occupation or one job posting (or at nothing, when both are None)."""
    require(actor, ADVISE, client.organization)
    if occupation is not None and posting is not None:
        raise ValidationFailed.single("target", "one_target", _("Choose an occupation or a job posting, not both."))
    with transaction.atomic():
        client.target_occupation = occupation
        client.target_posting = posting
        client.save(update_fields=["target_occupation", "target_posting", "updated_at"])
        _audit(
            actor,
            "careers.client_target_set",
            client,
            occupation=occupation.pk if occupation else None,
            posting=posting.pk if posting else None,
        )
    return client


def _esco_skills(raw_ids: Any) -> list[Competency]:
    if not isinstance(raw_ids, list | tuple) or len(raw_ids) > MAX_HELD_SKILLS:
        raise ValidationFailed.single("skills", "invalid", _("Choose up to %(n)d skills.") % {"n": MAX_HELD_SKILLS})
    ids = set()
    for raw in raw_ids:
        text = str(raw) if isinstance(raw, int | str) else ""
        if not (text.isascii() and text.isdigit()) or len(text) > 11:
            raise ValidationFailed.single("skills", "invalid", _("Choose skills from the list."))
        ids.add(int(text))
    esco = skills_framework()
    rows = Competency.objects.filter(pk__in=ids, framework=esco).exclude(competency_type=CompetencyType.GROUP)
    found = list(rows) if esco is not None else []
    if len(found) != len(ids):
        raise ValidationFailed.single("skills", "unknown_skill", _("Choose skills of the ESCO taxonomy."))
    return found


def add_held_skills(*, actor: Any, client: Client, skills: Any) -> list[Competency]:
    require(actor, ADVISE, client.organization)
    found = _esco_skills(skills)
    with transaction.atomic():
        current = set(client.held_skills.values_list("pk", flat=True))
        new = [c for c in found if c.pk not in current]
        if len(current) + len(new) > MAX_HELD_SKILLS:
            raise ValidationFailed.single(
                "skills", "too_many", _("A client holds at most %(n)d skills here.") % {"n": MAX_HELD_SKILLS}
            )
        if new:
            client.held_skills.add(*new)
            _audit(actor, "careers.client_skills_added", client, skills=[c.pk for c in new])
    return new


def remove_held_skill(*, actor: Any, client: Client, skill: Any) -> None:
    require(actor, ADVISE, client.organization)
    text = str(skill) if isinstance(skill, int | str) else ""
    found = (
        client.held_skills.filter(pk=int(text)).first()
        if text.isascii() and text.isdigit() and len(text) < 12
        else None
    )
    if found is None:
        raise NotFound(_("The client has no such skill."), code="skill_not_held")
    with transaction.atomic():
        client.held_skills.remove(found)
        _audit(actor, "careers.client_skill_removed", client, skill=found.pk)


def add_skills_from_text(*, actor: Any, client: Client, text: Any) -> list[Competency]:
    """The ESCO skills a CV paragraph mentions (linked with ``link_text``), added to the client's skills."""
    require(actor, ADVISE, client.organization)
    errors = ErrorList()
    cleaned = _text(errors, "text", text, CV_MAX, required=True)
    errors.raise_if_any()
    matches = [m for m in link_text(cleaned, limit=CV_LIMIT) if m.score >= CV_MIN_SCORE]
    if not matches:
        return []
    return add_held_skills(actor=actor, client=client, skills=[m.competency_id for m in matches])


def _published(credential: Any) -> MicroCredential:
    if not isinstance(credential, MicroCredential) or credential.status != Status.PUBLISHED:
        raise ValidationFailed.single("credential", "not_published", _("Choose a published micro-credential."))
    return credential


def add_held_credential(*, actor: Any, client: Client, credential: MicroCredential) -> None:
    require(actor, ADVISE, client.organization)
    if not isinstance(credential, MicroCredential) or not credential.is_public:
        raise ValidationFailed.single("credential", "not_public", _("Choose a micro-credential of the catalog."))
    with transaction.atomic():
        client.held_credentials.add(credential)
        _audit(actor, "careers.client_credential_added", client, credential=credential.pk)


def remove_held_credential(*, actor: Any, client: Client, credential: MicroCredential) -> None:
    require(actor, ADVISE, client.organization)
    if not client.held_credentials.filter(pk=credential.pk).exists():
        raise NotFound(_("This client does not hold this micro-credential."), code="credential_not_held")
    with transaction.atomic():
        client.held_credentials.remove(credential)
        _audit(actor, "careers.client_credential_removed", client, credential=credential.pk)


def add_to_shortlist(*, actor: Any, client: Client, credential: Any, note: Any = "") -> ShortlistItem:
    require(actor, ADVISE, client.organization)
    errors = ErrorList()
    text = _text(errors, "note", note, NOTE_MAX)
    errors.raise_if_any()
    chosen = _published(credential)
    if client.shortlist.filter(credential=chosen).exists():
        raise Conflict(_("This credential is already on the shortlist."), code="already_shortlisted")
    if client.shortlist.count() >= MAX_SHORTLIST:
        raise ValidationFailed.single(
            "credential", "too_many", _("A shortlist holds at most %(n)d credentials.") % {"n": MAX_SHORTLIST}
        )
    try:
        with transaction.atomic():
            last = client.shortlist.aggregate(last=Max("position"))["last"]
            item = ShortlistItem.objects.create(
                client=client,
                credential=chosen,
                note=text,
                position=0 if last is None else last + 1,
                added_by=actor if getattr(actor, "pk", None) else None,
            )
            _audit(actor, "careers.shortlist_added", client, credential=chosen.pk, note=text)
    except IntegrityError as exc:  # the same credential added twice at once
        raise Conflict(_("This credential is already on the shortlist."), code="already_shortlisted") from exc
    return item


def update_shortlist_note(*, actor: Any, item: ShortlistItem, note: Any) -> ShortlistItem:
    require(actor, ADVISE, item.client.organization)
    errors = ErrorList()
    text = _text(errors, "note", note, NOTE_MAX)
    errors.raise_if_any()
    with transaction.atomic():
        item.note = text
        item.save(update_fields=["note"])
        _audit(actor, "careers.shortlist_note", item.client, credential=item.credential_id, note=text)
    return item


def remove_from_shortlist(*, actor: Any, item: ShortlistItem) -> None:
    require(actor, ADVISE, item.client.organization)
    client = item.client
    with transaction.atomic():
        credential = item.credential_id
        item.delete()
        _audit(actor, "careers.shortlist_removed", client, credential=credential)
