"""State changes of the registry domain: a provider's publishing settings, the publications of its versions
(queued when a version is published or retired, sent by a background task, retried with back-off), the
occupation and industry codes of a design, and CTDL imports as drafts.

Publishing a version never waits for the registry: the catalog's transaction only adds a queued ``Publication``,
and the task runs after the commit. A failure the registry may get over (network, 5xx, 429) is retried after
``RETRY_DELAYS``; one it will not (refused key, refused content) and the last retry end as ``failed`` with the
registry's words, shown on the credential's page, where the provider can send it again.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_tasks import task

from microcred.accounts.models import Organization
from microcred.accounts.permissions import SYSTEM, require
from microcred.audit.services import record
from microcred.catalog import services as catalog_services
from microcred.catalog.alignments import align
from microcred.catalog.models import EDITABLE_STATUSES, Alignment, LearningOutcome, MicroCredential, Status
from microcred.errors import Conflict, ErrorList, ValidationFailed
from microcred.frameworks.models import Competency
from microcred.issuing.keystore import decrypt_secret, encrypt_secret
from microcred.registry import assistant, ctdl, ctids
from microcred.registry.ctdl_import import ImportedCredential, read_ctdl
from microcred.registry.models import (
    ClassificationCode,
    CodeScheme,
    Publication,
    PublicationAction,
    PublicationStatus,
    RegistrySettings,
)

logger = logging.getLogger(__name__)

RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
MAX_CODES = 20


# --- settings ------------------------------------------------------------------------------------------------


def configure(*, actor: Any, organization: Organization, data: dict[str, Any]) -> RegistrySettings:
    """Set where and as whom ``organization`` publishes. An empty ``api_key`` keeps the stored one."""
    require(actor, "registry.configure", organization)
    current = RegistrySettings.objects.filter(organization=organization).first()
    errors = ErrorList()
    url = ""
    try:
        url = assistant.check_assistant_url(data.get("assistant_url"))
    except ValidationFailed as failed:
        errors.errors.extend(failed.errors)
    api_key = data.get("api_key") or ""
    if not isinstance(api_key, str) or len(api_key) > 500 or any(c.isspace() for c in api_key.strip()):
        errors.add("api_key", "invalid_key", _("Paste the API key as Credential Engine shows it."))
        api_key = ""
    api_key = api_key.strip()
    if not api_key and current is None:
        errors.add("api_key", "required", _("Paste your organization's API key."))
    organization_ctid = data.get("organization_ctid")
    organization_ctid = organization_ctid.strip().lower() if isinstance(organization_ctid, str) else ""
    if not ctids.is_ctid(organization_ctid):
        errors.add(
            "organization_ctid", "invalid_ctid", _("Enter a CTID such as ce-00000000-0000-0000-0000-000000000000.")
        )
    elif (other := ctids.organization_for_ctid(organization_ctid)) is not None and other != organization:
        errors.add("organization_ctid", "ctid_taken", _("Another organization has this CTID."))
    resource_base = data.get("resource_base") or ctids.REGISTRY_RESOURCES
    if not isinstance(resource_base, str) or not resource_base.startswith("https://") or len(resource_base) > 500:
        errors.add("resource_base", "invalid_url", _("Give the registry's https resources address."))
    errors.raise_if_any()
    enabled = bool(data.get("enabled", True))
    with transaction.atomic():
        before = _settings_state(current) if current else None
        settings_row = current or RegistrySettings(organization=organization)
        settings_row.assistant_url = url
        settings_row.organization_ctid = organization_ctid
        settings_row.resource_base = resource_base
        settings_row.enabled = enabled
        if api_key:
            settings_row.api_key = encrypt_secret(api_key.encode())
            settings_row.api_key_hint = api_key[-4:]
        settings_row.save()
        ctids.set_organization_ctid(organization, organization_ctid)
        record(
            actor=actor,
            action="registry.configure",
            target=settings_row,
            organization=organization,
            before=before,
            after={**_settings_state(settings_row), "api_key_changed": bool(api_key)},
        )
    return settings_row


def _settings_state(row: RegistrySettings) -> dict[str, Any]:
    return {
        "assistant_url": row.assistant_url,
        "organization_ctid": row.organization_ctid,
        "resource_base": row.resource_base,
        "enabled": row.enabled,
    }


# --- publications -------------------------------------------------------------------------------------------


def on_credential_saved(sender: Any, instance: MicroCredential, update_fields: Any = None, **kwargs: Any) -> None:
    """A version reached ``published`` or ``retired``: queue what the registry must hear (after the commit)."""
    if instance.status not in (Status.PUBLISHED, Status.RETIRED):
        return
    if update_fields is not None and "status" not in update_fields:
        return
    queue_publication(credential=instance)


def queue_publication(*, credential: MicroCredential) -> Publication | None:
    """A queued publication of the version's current state, unless one is queued already or none is configured."""
    settings_row = RegistrySettings.objects.filter(organization_id=credential.provider_id, enabled=True).first()
    if settings_row is None:
        return None
    if credential.status == Status.RETIRED:
        action = PublicationAction.DEPRECATE
        if credential.registry_publications.filter(action=action).exists():
            return None
    else:
        if credential.registry_publications.exclude(action=PublicationAction.DEPRECATE).exists():
            return None
        earlier = Publication.objects.filter(
            credential__provider_id=credential.provider_id, credential__slug=credential.slug
        ).exclude(credential=credential)
        action = PublicationAction.UPDATE if earlier.exists() else PublicationAction.PUBLISH
    publication = Publication.objects.create(credential=credential, action=action)
    transaction.on_commit(partial(_enqueue, publication.pk))
    return publication


def publish_existing(*, actor: Any, organization: Organization) -> list[Publication]:
    """Queue the publication of every published version the registry has not heard of (settings made late)."""
    require(actor, "registry.configure", organization)
    if not RegistrySettings.objects.filter(organization=organization, enabled=True).exists():
        raise Conflict(_("Save the registry settings, with automatic publishing on, first."), code="not_configured")
    with transaction.atomic():
        waiting = MicroCredential.objects.filter(
            provider=organization, status=Status.PUBLISHED, registry_publications__isnull=True
        )
        queued = [
            p for credential in waiting.select_related("provider") if (p := queue_publication(credential=credential))
        ]
        record(
            actor=actor,
            action="registry.publish_existing",
            target=organization,
            organization=organization,
            after={"queued": [p.credential_id for p in queued]},
        )
    return queued


def _enqueue(publication_id: int, delay: timedelta | None = None) -> None:
    try:
        runner = publish_task
        if delay is not None and runner.get_backend().supports_defer:
            runner = runner.using(run_after=timezone.now() + delay)
        runner.enqueue(publication_id)
    except Exception:  # the publication stays queued and visible on the page, where it can be sent again
        logger.exception("could not queue registry publication %s", publication_id)


@task()
def publish_task(publication_id: int) -> str:
    return attempt(publication_id)


def attempt(publication_id: int) -> str:
    """Send one publication once; on a failure worth retrying, count the attempt and queue the next one."""
    with transaction.atomic():
        publication = (
            Publication.objects.select_for_update()
            .select_related("credential__provider")
            .filter(pk=publication_id)
            .first()
        )
        if publication is None or publication.status not in (PublicationStatus.QUEUED, PublicationStatus.RETRYING):
            return publication.status if publication else "missing"
        publication.attempts += 1
        publication.save(update_fields=["attempts"])
    credential = publication.credential
    if _newer(publication).exists():  # the registry keeps one record per design: never send older content last
        Publication.objects.filter(pk=publication.pk).update(
            status=PublicationStatus.REPLACED, next_attempt_at=None, completed_at=timezone.now()
        )
        return PublicationStatus.REPLACED
    settings_row = RegistrySettings.objects.filter(organization_id=credential.provider_id).first()
    try:
        if settings_row is None:
            raise assistant.RegistryError(_("The registry settings were removed."), transient=False)
        graph = ctdl.to_graph(credential, resource_base=settings_row.resource_base)
        answer = assistant.publish_graph(
            assistant_url=settings_row.assistant_url,
            api_key=decrypt_secret(bytes(settings_row.api_key)).decode(),
            organization_ctid=settings_row.organization_ctid,
            graph=graph,
        )
    except assistant.RegistryError as error:
        return _failed(publication, str(error), transient=error.transient)
    except Exception as error:  # a bug or a broken key must not lose the publication: it is shown as failed
        logger.exception("registry publication %s failed", publication.pk)
        return _failed(publication, f"{type(error).__name__}: {error}", transient=False)
    Publication.objects.filter(pk=publication.pk).update(
        status=PublicationStatus.SUCCEEDED,
        last_error="",
        next_attempt_at=None,
        completed_at=timezone.now(),
        ctid=answer.ctid or graph["@graph"][0]["ceterms:ctid"],
        envelope_id=answer.envelope_id,
        graph_url=answer.graph_url,
    )
    record(
        actor=SYSTEM,
        action=f"registry.{publication.action}",
        target=credential,
        organization=credential.provider,
        after={"ctid": answer.ctid, "envelope": answer.envelope_id, "attempts": publication.attempts},
    )
    return PublicationStatus.SUCCEEDED


def _newer(publication: Publication) -> Any:
    credential = publication.credential
    return Publication.objects.filter(
        credential__provider_id=credential.provider_id, credential__slug=credential.slug, pk__gt=publication.pk
    )


def has_newer(publication: Publication) -> bool:
    """Whether a later publication of the same design exists (the panel offers no retry of a replaced one)."""
    return _newer(publication).exists()


def _failed(publication: Publication, message: str, *, transient: bool) -> str:
    retry = transient and publication.attempts < MAX_ATTEMPTS
    delay = RETRY_DELAYS[min(publication.attempts, len(RETRY_DELAYS)) - 1]
    status = PublicationStatus.RETRYING if retry else PublicationStatus.FAILED
    Publication.objects.filter(pk=publication.pk).update(
        status=status,
        last_error=message[:2000],
        next_attempt_at=timezone.now() + delay if retry else None,
        completed_at=None if retry else timezone.now(),
    )
    if retry:
        _enqueue(publication.pk, delay)
    return status


def retry(*, actor: Any, publication: Publication) -> Publication:
    """Send a failed publication again (a provider's admin fixed the settings, or the registry is back)."""
    require(actor, "registry.configure", publication.credential.provider)
    if publication.status != PublicationStatus.FAILED:
        raise Conflict(_("Only a failed publication can be sent again."), code="not_failed")
    if _newer(publication).exists():
        raise Conflict(_("A newer publication of this design was sent since."), code="replaced")
    with transaction.atomic():
        Publication.objects.filter(pk=publication.pk).update(
            status=PublicationStatus.QUEUED, attempts=0, next_attempt_at=None, completed_at=None
        )
        record(
            actor=actor,
            action="registry.retry",
            target=publication.credential,
            organization=publication.credential.provider,
            after={"publication": publication.pk},
        )
        transaction.on_commit(partial(_enqueue, publication.pk))
    publication.refresh_from_db()
    return publication


# --- occupation and industry codes --------------------------------------------------------------------------


def set_codes(*, actor: Any, credential: MicroCredential, codes: Any) -> list[ClassificationCode]:
    """Replace the occupation and industry codes of an editable version."""
    require(actor, "catalog.edit", credential)
    if credential.status not in EDITABLE_STATUSES:
        raise Conflict(_("Only a draft's codes can be changed; start a new version."), code="not_editable")
    rows = _clean_codes(codes)
    with transaction.atomic():
        before = list(credential.classification_codes.values("scheme", "code", "label", "uri"))
        credential.classification_codes.all().delete()
        created = [
            ClassificationCode.objects.create(credential=credential, position=i, **row) for i, row in enumerate(rows)
        ]
        record(
            actor=actor,
            action="registry.set_codes",
            target=credential,
            organization=credential.provider,
            before={"codes": before},
            after={"codes": rows},
        )
    return created


def _clean_codes(codes: Any) -> list[dict[str, str]]:
    errors = ErrorList()
    if not isinstance(codes, list) or len(codes) > MAX_CODES:
        errors.add("codes", "invalid_type", _("Enter at most %(n)s codes.") % {"n": MAX_CODES})
        errors.raise_if_any()
    rows = []
    for number, item in enumerate(codes, start=1):
        if not isinstance(item, dict):
            errors.add(f"codes.{number}", "invalid_type", _("Enter a scheme, a code and a name."))
            continue
        scheme, code, label, uri = (item.get(k, "") for k in ("scheme", "code", "label", "uri"))
        if scheme not in CodeScheme.values:
            errors.add(f"codes.{number}.scheme", "invalid_choice", _("Choose a scheme."))
        if not isinstance(label, str) or not label.strip() or len(label) > 300:
            errors.add(f"codes.{number}.label", "required", _("Enter the occupation's or industry's name."))
        if not isinstance(code, str) or len(code) > 40:
            errors.add(f"codes.{number}.code", "too_long", _("Use at most %(n)s characters.") % {"n": 40})
        if not isinstance(uri, str) or len(uri) > 500 or (uri and not uri.startswith(("https://", "http://"))):
            errors.add(f"codes.{number}.uri", "invalid_url", _("Enter an http or https address."))
        rows.append({"scheme": scheme, "code": str(code).strip(), "label": str(label).strip(), "uri": str(uri).strip()})
    errors.raise_if_any()
    return rows


def copy_codes(old: MicroCredential, new: MicroCredential) -> None:
    """A new version starts with the codes of the version it copies (``catalog.NEW_VERSION_COPIES``)."""
    ClassificationCode.objects.bulk_create(
        ClassificationCode(credential=new, scheme=c.scheme, code=c.code, label=c.label, uri=c.uri, position=c.position)
        for c in old.classification_codes.all()
    )


# --- import ---------------------------------------------------------------------------------------------------


def _free_slug(provider: Organization, wanted: str) -> str:
    base = slugify(wanted)[:110] or "imported"
    taken = set(MicroCredential.objects.filter(provider=provider, slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


def _competency(found: dict[str, str]) -> Competency | None:
    node = found["node"]
    if node:
        competency = Competency.objects.filter(uri=node).order_by("-pk").first()
        if competency is not None:
            return competency
        alignment = Alignment.objects.filter(target_url=node).select_related("competency").order_by("-pk").first()
        if alignment is not None:
            return alignment.competency
    return None


def import_ctdl(*, actor: Any, provider: Organization, document: Any) -> tuple[MicroCredential, list[str]]:
    """A draft from a CTDL credential, and what could not be carried over. Nothing is written on a refusal."""
    require(actor, "catalog.edit", provider)
    found: ImportedCredential = read_ctdl(document)
    fields = dict(found.fields)
    fields["slug"] = _free_slug(provider, fields.get("slug") or fields["title"])
    notes = list(found.notes)
    co_designers = []
    for ctid in found.co_designer_ctids:
        organization = ctids.organization_for_ctid(ctid)
        if organization is not None and organization != provider:
            co_designers.append(organization)
        else:
            notes.append(_("A co-designing organization not registered here was left out (%(ctid)s).") % {"ctid": ctid})
    with transaction.atomic():
        credential = catalog_services.create_draft(
            actor=actor, provider=provider, co_designed_with=co_designers, **fields
        )
        if found.translations:
            credential.translations = {code: values for code, values in found.translations.items() if values}
            credential.save(update_fields=["translations", "updated_at"])
        outcomes = list(credential.outcomes.all())
        for code, texts in found.outcome_translations.items():
            if len(texts) != len(outcomes):
                notes.append(
                    _("The %(language)s learning outcomes do not match the others and were left out.")
                    % {"language": code}
                )
                continue
            for outcome, text in zip(outcomes, texts, strict=True):
                outcome.translations = {**outcome.translations, code: {"text": text}}
        LearningOutcome.objects.bulk_update(outcomes, ["translations"])
        aligned: set[tuple[int, int | None]] = set()
        for target in found.competencies[:200]:
            competency = _competency(target)
            if competency is None:
                notes.append(_("Competency not found in your frameworks: %(name)s.") % {"name": target["name"][:200]})
                continue
            position = int(target["outcome"]) if target["outcome"] else None
            if position is not None and position >= len(outcomes):
                position = None
            if (competency.pk, position) not in aligned:  # a document may name one competency twice
                aligned.add((competency.pk, position))
                align(actor=actor, credential=credential, competency=competency, outcome_position=position)
        if found.codes:
            ClassificationCode.objects.bulk_create(
                ClassificationCode(credential=credential, position=i, **row) for i, row in enumerate(found.codes)
            )
        record(
            actor=actor,
            action="registry.import_ctdl",
            target=credential,
            organization=provider,
            after={"source_ctid": found.source_ctid, "notes": notes},
        )
    return credential, notes
