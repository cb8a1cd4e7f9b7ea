"""State changes of competency frameworks: authoring, versions, scales, imports, crosswalks.

A framework's organization edits it (``frameworks.edit``); public reference frameworks (no
organization, e.g. ESCO) are written only by the platform (CLI, platform admins). Only a draft
version is edited; ``start_new_version`` copies a published version into the next draft, keeping
identifiers and URIs, and a competency whose content is then changed gets a new identifier and URI
so that the old URI keeps meaning what it meant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts.models import Organization
from microcred.accounts.permissions import require
from microcred.audit.services import record, snapshot
from microcred.errors import Conflict, ErrorList, NotFound, ValidationFailed
from microcred.frameworks import document as doc
from microcred.frameworks.models import (
    Competency,
    CompetencyRelation,
    CompetencyType,
    Crosswalk,
    CrosswalkLink,
    Framework,
    FrameworkStatus,
    LinkStatus,
    MatchRelation,
    ProficiencyLevel,
    ProficiencyScale,
    Rubric,
    RubricCriterion,
    RubricLevel,
    free_slug,
    new_identifier,
)
from microcred.frameworks.relations import sync_relations
from microcred.translations import check_translations

FRAMEWORK_FIELDS = ["title", "slug", "version", "status", "publisher", "language", "licence", "source_uri"]
EDITABLE_FRAMEWORK_FIELDS = (
    "title",
    "description",
    "publisher",
    "language",
    "licence",
    "source_uri",
    "uri",
    "translations",
)
COMPETENCY_CONTENT = ("statement", "code", "short_name", "competency_type", "level", "alternative_labels", "notes")
BATCH = 2000
URI_PATH = "/frameworks/uri/"

Progress = Callable[[int, int], None]


def minted_uri(identifier: str) -> str:
    """The URI this platform gives a framework or competency that came without one (it resolves to its page)."""
    return f"{settings.PUBLIC_BASE_URL}{URI_PATH}{identifier}"


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) and hasattr(actor, "email") else None


def require_edit(actor: Any, organization: Organization | None) -> None:
    """The publisher organization's admins edit its frameworks; public frameworks are the platform's."""
    if organization is None:
        require(actor, "platform.administer")
    else:
        require(actor, "frameworks.edit", organization)


def _require_draft(framework: Framework) -> None:
    if framework.status != FrameworkStatus.DRAFT:
        raise Conflict(
            _("This version is %(status)s and cannot be edited; start a new version instead.")
            % {"status": framework.get_status_display()},
            code="not_editable",
        )


def _clean_text(errors: ErrorList, name: str, value: Any, limit: int | None, required: bool = False) -> str:
    if not isinstance(value, str):
        errors.add(name, "invalid", _("Enter a text."))
        return ""
    value = value.strip()
    if required and not value:
        errors.add(name, "required", _("This field is required."))
    if limit is not None and len(value) > limit:
        errors.add(name, "too_long", _("At most %(n)s characters.") % {"n": limit})
    return value


# --- frameworks -----------------------------------------------------------------------------------


def create_framework(
    *,
    actor: Any,
    organization: Organization | None,
    title: str,
    version: str = "1",
    description: str = "",
    publisher: str = "",
    language: str = "en",
    licence: str = "",
    source_uri: str = "",
    translations: Any = None,
) -> Framework:
    """A new draft framework; ``translations`` = {"fr": {"title": …, "description": …}} (other languages)."""
    require_edit(actor, organization)
    errors = ErrorList()
    values = {
        "title": _clean_text(errors, "title", title, 300, required=True),
        "version": _clean_text(errors, "version", version, 40, required=True),
        "description": _clean_text(errors, "description", description, None),
        "publisher": _clean_text(errors, "publisher", publisher, 300),
        "language": _clean_text(errors, "language", language, 16, required=True),
        "licence": _clean_text(errors, "licence", licence, 500),
        "source_uri": _clean_text(errors, "source_uri", source_uri, 500),
    }
    values["translations"], problems = check_translations(
        translations, {"title": 300, "description": 20_000}, values["language"] or "en"
    )
    for where, code, message in problems:
        errors.add(where, code, message)
    errors.raise_if_any()
    with transaction.atomic():
        framework = Framework(organization=organization, created_by=_user_or_none(actor), **values)
        framework.publisher = framework.publisher or (organization.name if organization else "")
        framework.uri = minted_uri(framework.identifier)
        framework.changed_at = timezone.now()
        framework.save()
        record(
            actor=actor,
            action="frameworks.create",
            target=framework,
            organization=organization,
            after=snapshot(framework, FRAMEWORK_FIELDS),
        )
    return framework


def update_framework(*, actor: Any, framework: Framework, changes: dict[str, Any]) -> Framework:
    require_edit(actor, framework.organization)
    _require_draft(framework)
    errors = ErrorList()
    unknown = set(changes) - set(EDITABLE_FRAMEWORK_FIELDS)
    for name in sorted(unknown):
        errors.add(name, "not_editable", _("This field cannot be changed here."))
    limits = {"title": 300, "description": None, "publisher": 300, "language": 16, "licence": 500}
    values = {
        name: _clean_text(errors, name, value, limits.get(name, 500), required=name in ("title", "language"))
        for name, value in changes.items()
        if name not in unknown and name != "translations"
    }
    if "translations" in changes:  # the title and description in other languages; replaces them all
        primary = values.get("language") or framework.language
        values["translations"], problems = check_translations(
            changes["translations"], {"title": 300, "description": 20_000}, primary
        )
        for where, code, message in problems:
            errors.add(where, code, message)
    errors.raise_if_any()
    with transaction.atomic():
        framework = Framework.objects.select_for_update().get(pk=framework.pk)
        _require_draft(framework)
        before = snapshot(framework, FRAMEWORK_FIELDS)
        for name, value in values.items():
            setattr(framework, name, value)
        framework.changed_at = timezone.now()
        framework.save()
        record(
            actor=actor,
            action="frameworks.update",
            target=framework,
            organization=framework.organization,
            before=before,
            after=snapshot(framework, FRAMEWORK_FIELDS),
        )
    return framework


def publish_framework(*, actor: Any, framework: Framework) -> Framework:
    """Draft → published; the version it was copied from, if any, becomes superseded."""
    require_edit(actor, framework.organization)
    with transaction.atomic():
        framework = Framework.objects.select_for_update().get(pk=framework.pk)
        _require_draft(framework)
        if not framework.competencies.exists():
            raise Conflict(_("A framework needs at least one competency to be published."), code="empty_framework")
        framework.status = FrameworkStatus.PUBLISHED
        framework.published_at = timezone.now()
        framework.save(update_fields=["status", "published_at", "updated_at"])
        if framework.previous_version_id:
            Framework.objects.filter(pk=framework.previous_version_id, status=FrameworkStatus.PUBLISHED).update(
                status=FrameworkStatus.SUPERSEDED
            )
        record(
            actor=actor,
            action="frameworks.publish",
            target=framework,
            organization=framework.organization,
            after=snapshot(framework, FRAMEWORK_FIELDS),
        )
    return framework


def start_new_version(*, actor: Any, framework: Framework, version: str) -> Framework:
    """Copy a published version into a new draft that keeps every identifier and URI, scales and rubrics included."""
    require_edit(actor, framework.organization)
    errors = ErrorList()
    version = _clean_text(errors, "version", version, 40, required=True)
    errors.raise_if_any()
    with transaction.atomic():
        framework = Framework.objects.select_for_update().get(pk=framework.pk)
        if framework.status == FrameworkStatus.DRAFT:
            raise Conflict(_("Publish this version before starting the next one."), code="wrong_status")
        if framework.next_versions.filter(status=FrameworkStatus.DRAFT).exists():
            raise Conflict(_("A new version is already being worked on."), code="draft_exists")
        if Framework.objects.filter(slug=framework.slug, version=version).exists():
            raise ValidationFailed.single("version", "taken", _("This version number is already used."))
        copy = Framework.objects.create(
            organization=framework.organization,
            slug=framework.slug,
            title=framework.title,
            description=framework.description,
            publisher=framework.publisher,
            version=version,
            language=framework.language,
            translations=framework.translations,
            licence=framework.licence,
            source_uri=framework.source_uri,
            source_format=framework.source_format,
            previous_version=framework,
            created_by=_user_or_none(actor),
            changed_at=timezone.now(),
        )
        copy.uri = minted_uri(copy.identifier)
        copy.save(update_fields=["uri"])
        _copy_contents(framework, copy)
        record(
            actor=actor,
            action="frameworks.new_version",
            target=copy,
            organization=framework.organization,
            before={"from_version": framework.version},
            after=snapshot(copy, FRAMEWORK_FIELDS),
        )
    return copy


def _copy_contents(source: Framework, copy: Framework) -> None:
    old_rows = list(source.competencies.order_by("depth", "pk"))
    new_of: dict[int, Competency] = {}
    for depth_rows in _by_depth(old_rows):
        created = Competency.objects.bulk_create(
            [
                Competency(
                    framework=copy,
                    parent=new_of[row.parent_id] if row.parent_id else None,
                    **{
                        name: getattr(row, name)
                        for name in (
                            "identifier",
                            "uri",
                            "sort_order",
                            "depth",
                            "changed_at",
                            "hidden_labels",
                            "translations",
                            *COMPETENCY_CONTENT,
                        )
                    },
                )
                for row in depth_rows
            ],
            batch_size=BATCH,
        )
        new_of.update({row.pk: new for row, new in zip(depth_rows, created, strict=True)})
    CompetencyRelation.objects.bulk_create(
        [
            CompetencyRelation(framework=copy, source=new_of[s], target=new_of[t], kind=kind)
            for s, t, kind in source.relations.values_list("source_id", "target_id", "kind")
        ],
        batch_size=BATCH,
    )
    level_of: dict[int, ProficiencyLevel] = {}
    scale_of: dict[int, ProficiencyScale] = {}
    for scale in source.scales.prefetch_related("levels"):
        scale_copy = ProficiencyScale.objects.create(
            framework=copy,
            identifier=scale.identifier,
            uri=scale.uri,
            name=scale.name,
            description=scale.description,
            is_default=scale.is_default,
        )
        scale_of[scale.pk] = scale_copy
        for level in scale.levels.all():
            level_of[level.pk] = ProficiencyLevel.objects.create(
                scale=scale_copy, rank=level.rank, label=level.label, description=level.description
            )
    for rubric in source.rubrics.prefetch_related("criteria__levels"):
        rubric_copy = Rubric.objects.create(
            framework=copy,
            identifier=rubric.identifier,
            uri=rubric.uri,
            title=rubric.title,
            description=rubric.description,
            scale=scale_of.get(rubric.scale_id) if rubric.scale_id else None,
        )
        for criterion in rubric.criteria.all():
            criterion_copy = RubricCriterion.objects.create(
                rubric=rubric_copy,
                competency=new_of[criterion.competency_id],
                identifier=criterion.identifier,
                uri=criterion.uri,
                category=criterion.category,
                description=criterion.description,
                weight=criterion.weight,
                position=criterion.position,
            )
            RubricLevel.objects.bulk_create(
                RubricLevel(
                    criterion=criterion_copy,
                    proficiency_level=level_of.get(level.proficiency_level_id) if level.proficiency_level_id else None,
                    identifier=level.identifier,
                    uri=level.uri,
                    quality=level.quality,
                    description=level.description,
                    score=level.score,
                    feedback=level.feedback,
                    position=level.position,
                )
                for level in criterion.levels.all()
            )


def _by_depth(rows: list[Competency]) -> Iterable[list[Competency]]:
    current: list[Competency] = []
    depth = None
    for row in rows:
        if depth is not None and row.depth != depth:
            yield current
            current = []
        depth = row.depth
        current.append(row)
    if current:
        yield current


# --- competencies ---------------------------------------------------------------------------------


def _clean_competency(values: dict[str, Any], errors: ErrorList) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    limits = {"statement": None, "code": 100, "short_name": 300, "level": 100, "notes": None, "uri": 500}
    for name, limit in limits.items():
        if name in values:
            cleaned[name] = _clean_text(errors, name, values[name], limit, required=name == "statement")
    if "competency_type" in values:
        if values["competency_type"] not in CompetencyType.values:
            errors.add("competency_type", "invalid", _("Unknown type."))
        cleaned["competency_type"] = values["competency_type"]
    if "alternative_labels" in values:
        labels = values["alternative_labels"]
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels) or len(labels) > 200:
            errors.add("alternative_labels", "invalid", _("Alternative labels must be a list of texts."))
        else:
            cleaned["alternative_labels"] = [x.strip() for x in labels if x.strip()]
    return cleaned


def _check_code_free(framework: Framework, code: str, exclude: int | None = None) -> None:
    if code and framework.competencies.filter(code=code).exclude(pk=exclude).exists():
        raise ValidationFailed.single("code", "duplicate", _("Another competency of this framework has this code."))


def add_competency(
    *,
    actor: Any,
    framework: Framework,
    statement: str,
    parent: Competency | None = None,
    code: str = "",
    short_name: str = "",
    competency_type: str = CompetencyType.COMPETENCY,
    level: str = "",
    alternative_labels: list[str] | None = None,
    notes: str = "",
    translations: Any = None,
) -> Competency:
    """A new competency in a draft; ``translations`` = {"fr": {"label": …, "statement": …}} (the short name is
    ESCO's "label", see ``Competency.TRANSLATION_KEYS``)."""
    require_edit(actor, framework.organization)
    errors = ErrorList()
    translated, problems = check_translations(translations, {"label": 300, "statement": 20_000}, framework.language)
    for where, code, message in problems:
        errors.add(where, code, message)
    values = _clean_competency(
        {
            "statement": statement,
            "code": code,
            "short_name": short_name,
            "competency_type": competency_type,
            "level": level,
            "alternative_labels": alternative_labels or [],
            "notes": notes,
        },
        errors,
    )
    if parent is not None and parent.framework_id != framework.pk:
        errors.add("parent", "wrong_framework", _("The parent belongs to another framework."))
    errors.raise_if_any()
    with transaction.atomic():
        framework = Framework.objects.select_for_update().get(pk=framework.pk)
        _require_draft(framework)
        _check_code_free(framework, values["code"])
        if parent is not None and parent.depth + 1 >= doc.MAX_DEPTH:
            raise ValidationFailed.single("parent", "too_deep", _("The hierarchy cannot be deeper."))
        top = framework.competencies.filter(parent=parent).aggregate(top=Max("sort_order"))["top"]
        competency = Competency(
            framework=framework,
            parent=parent,
            depth=parent.depth + 1 if parent else 0,
            sort_order=(top + 1) if top is not None else 0,
            changed_at=timezone.now(),
            translations=translated,
            **values,
        )
        competency.uri = minted_uri(competency.identifier)
        competency.save()
        record(
            actor=actor,
            action="frameworks.add_competency",
            target=competency,
            organization=framework.organization,
            after=snapshot(competency, ["identifier", "code", "short_name", "statement", "parent"]),
        )
    return competency


def update_competency(*, actor: Any, competency: Competency, changes: dict[str, Any]) -> Competency:
    """Edit the content of a competency of a draft. If the previous version has the same URI, the
    competency gets a new identifier and URI: the old ones keep naming the old content."""
    framework = competency.framework
    require_edit(actor, framework.organization)
    errors = ErrorList()
    for name in sorted(set(changes) - set(COMPETENCY_CONTENT)):
        errors.add(name, "not_editable", _("This field cannot be changed here."))
    values = _clean_competency(changes, errors)
    errors.raise_if_any()
    with transaction.atomic():
        framework = Framework.objects.select_for_update().get(pk=framework.pk)
        _require_draft(framework)
        competency = Competency.objects.select_for_update().get(pk=competency.pk)
        if "code" in values:
            _check_code_free(framework, values["code"], exclude=competency.pk)
        before = snapshot(competency, ["identifier", "uri", *COMPETENCY_CONTENT])
        changed = {name: value for name, value in values.items() if getattr(competency, name) != value}
        if not changed:
            return competency
        for name, value in changed.items():
            setattr(competency, name, value)
        if (
            framework.previous_version_id
            and Competency.objects.filter(framework_id=framework.previous_version_id, uri=competency.uri).exists()
        ):
            competency.identifier = new_identifier()
            competency.uri = minted_uri(competency.identifier)
        competency.changed_at = timezone.now()
        competency.save()
        record(
            actor=actor,
            action="frameworks.update_competency",
            target=competency,
            organization=framework.organization,
            before=before,
            after=snapshot(competency, ["identifier", "uri", *COMPETENCY_CONTENT]),
        )
    return competency


def move_competency(
    *, actor: Any, competency: Competency, parent: Competency | None, position: int | None = None
) -> Competency:
    """Put a competency (with its subtree) under another parent, at a position among its siblings."""
    framework = competency.framework
    require_edit(actor, framework.organization)
    with transaction.atomic():
        framework = Framework.objects.select_for_update().get(pk=framework.pk)
        _require_draft(framework)
        competency = Competency.objects.select_for_update().get(pk=competency.pk)
        if parent is not None:
            if parent.framework_id != framework.pk:
                raise ValidationFailed.single(
                    "parent", "wrong_framework", _("The parent belongs to another framework.")
                )
            ancestor: Competency | None = parent
            while ancestor is not None:
                if ancestor.pk == competency.pk:
                    raise ValidationFailed.single(
                        "parent", "cycle", _("A competency cannot be moved under itself or its descendants.")
                    )
                ancestor = ancestor.parent
        before = {"parent": competency.parent_id, "sort_order": competency.sort_order}
        siblings = list(
            framework.competencies.filter(parent=parent).exclude(pk=competency.pk).order_by("sort_order", "pk")
        )
        position = len(siblings) if position is None else max(0, min(position, len(siblings)))
        siblings.insert(position, competency)
        for index, sibling in enumerate(siblings):
            sibling.sort_order = index
        competency.parent = parent
        Competency.objects.bulk_update(siblings, ["sort_order"])
        new_depth = parent.depth + 1 if parent else 0
        shift = new_depth - competency.depth
        competency.depth = new_depth
        competency.save(update_fields=["parent", "depth", "sort_order", "updated_at"])
        if shift:
            _shift_subtree_depth(competency, shift)
        record(
            actor=actor,
            action="frameworks.move_competency",
            target=competency,
            organization=framework.organization,
            before=before,
            after={"parent": competency.parent_id, "sort_order": competency.sort_order},
        )
    return competency


def _shift_subtree_depth(root: Competency, shift: int) -> None:
    frontier = [root.pk]
    while frontier:
        children = list(Competency.objects.filter(parent_id__in=frontier).values_list("pk", "depth"))
        if not children:
            return
        if any(depth + shift >= doc.MAX_DEPTH for _pk, depth in children):
            raise ValidationFailed.single("parent", "too_deep", _("The hierarchy cannot be deeper."))
        for depth in {d for _pk, d in children}:
            Competency.objects.filter(pk__in=[pk for pk, d in children if d == depth]).update(depth=depth + shift)
        frontier = [pk for pk, _depth in children]


def delete_competency(*, actor: Any, competency: Competency) -> None:
    """Remove a competency and its subtree from a draft, unless something elsewhere is aligned to them."""
    framework = competency.framework
    require_edit(actor, framework.organization)
    with transaction.atomic():
        framework = Framework.objects.select_for_update().get(pk=framework.pk)
        _require_draft(framework)
        before = snapshot(competency, ["identifier", "code", "short_name", "statement"])
        try:
            with transaction.atomic():
                competency.delete()
        except ProtectedError as exc:
            raise Conflict(
                _("Something is aligned to this competency or one below it; it cannot be removed."),
                code="competency_in_use",
            ) from exc
        record(
            actor=actor,
            action="frameworks.delete_competency",
            target=framework,
            organization=framework.organization,
            before=before,
        )


# --- scales ---------------------------------------------------------------------------------------


def add_scale(
    *,
    actor: Any,
    framework: Framework,
    name: str,
    levels: list[str] | list[tuple[str, str]],
    description: str = "",
    is_default: bool = False,
) -> ProficiencyScale:
    """A scale with its levels, lowest first: ``levels=["unsatisfactory", …]`` or ``[(label, description), …]``."""
    require_edit(actor, framework.organization)
    errors = ErrorList()
    name = _clean_text(errors, "name", name, 200, required=True)
    description = _clean_text(errors, "description", description, None)
    pairs = [(item, "") if isinstance(item, str) else tuple(item) for item in levels]
    labels = [str(label).strip() for label, _description in pairs]
    if not labels:
        errors.add("levels", "required", _("A scale needs at least one level."))
    elif len(set(labels)) != len(labels) or not all(labels) or any(len(label) > 200 for label in labels):
        errors.add("levels", "invalid", _("The levels of a scale need distinct, non-empty labels."))
    errors.raise_if_any()
    with transaction.atomic():
        framework = Framework.objects.select_for_update().get(pk=framework.pk)
        _require_draft(framework)
        if framework.scales.filter(name=name).exists():
            raise ValidationFailed.single("name", "taken", _("This framework already has a scale with this name."))
        if is_default:
            framework.scales.update(is_default=False)
        scale = ProficiencyScale.objects.create(
            framework=framework, name=name, description=description, is_default=is_default
        )
        scale.uri = minted_uri(scale.identifier)
        scale.save(update_fields=["uri"])
        ProficiencyLevel.objects.bulk_create(
            ProficiencyLevel(scale=scale, rank=rank, label=label, description=str(text))
            for rank, (label, (_label, text)) in enumerate(zip(labels, pairs, strict=True))
        )
        record(
            actor=actor,
            action="frameworks.add_scale",
            target=scale,
            organization=framework.organization,
            after={"name": name, "levels": labels},
        )
    return scale


# --- imports --------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    framework: Framework
    created: bool
    changed: bool
    counts: dict[str, int] = field(default_factory=dict)


def import_document(
    *,
    actor: Any,
    organization: Organization | None,
    document: doc.FrameworkDocument,
    source_format: str,
    file_checksum: str = "",
    progress: Progress | None = None,
) -> ImportResult:
    """Write a checked document as a framework version, all or nothing.

    The framework is found by its identifier within the organization: importing the same file again
    changes nothing; importing a changed file updates a draft in place and is refused for a
    published version (start a new version, or give the file a new document identifier).
    """
    require_edit(actor, organization)
    doc.check(document)
    if not document.identifier:
        document.identifier = doc.stable_id("document", document.title, document.version)
    depth_of = doc.depths(document)
    now = timezone.now()
    with transaction.atomic():
        framework = (
            Framework.objects.select_for_update()
            .filter(organization=organization, identifier=document.identifier)
            .first()
        )
        created = framework is None
        header = _document_header(document)
        if framework is None:
            status = _status_of(document.status)
            framework = Framework(
                organization=organization,
                identifier=document.identifier,
                slug=free_slug(document.title, document.version),
                status=status,
                published_at=now if status == FrameworkStatus.PUBLISHED else None,
                source_format=source_format,
                created_by=_user_or_none(actor),
                **header,
            )
            framework.uri = framework.uri or minted_uri(framework.identifier)
            framework.changed_at = document.changed_at or now
            framework.source_checksum = file_checksum
            framework.save()
            header_changed = True
        else:
            header["uri"] = header["uri"] or framework.uri
            header_changed = any(getattr(framework, name) != value for name, value in header.items())
        counts = _sync_competencies(
            framework, document, depth_of, now, dry_run=not created and framework.status != "draft", progress=progress
        )
        scales_changed = _sync_scales(framework, document, dry_run=not created and framework.status != "draft")
        rubrics_changed = _sync_rubrics(framework, document, dry_run=not created and framework.status != "draft")
        changed = created or header_changed or any(counts.values()) or scales_changed or rubrics_changed
        if not created and changed and framework.status != FrameworkStatus.DRAFT:
            raise Conflict(
                _("Version %(version)s of this framework is published and differs from the file; start a new version.")
                % {"version": framework.version},
                code="framework_published",
            )
        if not created and header_changed:
            for name, value in header.items():
                setattr(framework, name, value)
            framework.changed_at = document.changed_at or now
        if not created and changed:
            framework.source_checksum = file_checksum
            framework.save()
        counts["links"] = _import_links(framework, document, actor) if document.links else 0
        counts["relations"] = sync_relations(framework, document)
        changed = changed or bool(counts["links"]) or bool(counts["relations"])
        if changed:
            record(
                actor=actor,
                action="frameworks.import",
                target=framework,
                organization=organization,
                after={"format": source_format, "created": created, "checksum": file_checksum, **counts},
            )
    return ImportResult(framework=framework, created=created, changed=changed, counts=counts)


def _document_header(document: doc.FrameworkDocument) -> dict[str, Any]:
    return {
        "title": document.title.strip()[:300],
        "description": document.description,
        "publisher": document.publisher[:300],
        "version": (document.version or "1")[:40],
        "language": (document.language or "en")[:16],
        "licence": document.licence[:500],
        "source_uri": document.source_uri[:500],
        "uri": document.uri[:500],
    }


def _status_of(value: str) -> str:
    value = (value or "").strip().lower()
    if value in ("adopted", "published"):
        return FrameworkStatus.PUBLISHED
    if value in ("deprecated", "retired"):
        return FrameworkStatus.RETIRED
    return FrameworkStatus.DRAFT


def _row_values(item: doc.CompetencyRecord, depth: int) -> dict[str, Any]:
    return {
        "uri": item.uri or minted_uri(item.identifier),
        "code": item.code,
        "short_name": item.short_name,
        "statement": item.statement,
        "competency_type": item.competency_type,
        "level": item.level,
        "sort_order": item.sort_order,
        "depth": depth,
        "alternative_labels": list(item.alternative_labels),
        "hidden_labels": list(item.hidden_labels),
        "notes": item.notes,
    }


def _sync_competencies(
    framework: Framework,
    document: doc.FrameworkDocument,
    depth_of: dict[str, int],
    now: datetime,
    *,
    dry_run: bool,
    progress: Progress | None,
) -> dict[str, int]:
    """Create, update and remove rows so the framework holds exactly the document's competencies."""
    existing = {row.identifier: row for row in framework.competencies.all()} if framework.pk else {}
    pk_to_identifier = {row.pk: identifier for identifier, row in existing.items()}
    wanted = {item.identifier: item for item in document.competencies}
    counts = {"competencies_created": 0, "competencies_updated": 0, "competencies_removed": 0}
    to_create: dict[int, list[tuple[str | None, Competency]]] = {}  # by depth: parents are written first
    to_update: list[tuple[str | None, Competency]] = []
    total = len(document.competencies)
    for item in document.competencies:
        depth = depth_of[item.identifier]
        values = _row_values(item, depth)
        row = existing.get(item.identifier)
        if row is None:
            made = Competency(
                framework=framework, identifier=item.identifier, changed_at=item.changed_at or now, **values
            )
            to_create.setdefault(depth, []).append((item.parent, made))
        else:
            parent_identifier = pk_to_identifier.get(row.parent_id) if row.parent_id else None
            if any(getattr(row, name) != value for name, value in values.items()) or parent_identifier != item.parent:
                for name, value in values.items():
                    setattr(row, name, value)
                row.changed_at = item.changed_at or now
                to_update.append((item.parent, row))
    removed = [row for identifier, row in existing.items() if identifier not in wanted]
    counts["competencies_created"] = sum(len(rows) for rows in to_create.values())
    counts["competencies_updated"] = len(to_update)
    counts["competencies_removed"] = len(removed)
    if dry_run or not (to_create or to_update or removed):
        return counts
    if removed:
        try:
            with transaction.atomic():
                Competency.objects.filter(pk__in=[row.pk for row in removed]).delete()
        except ProtectedError as exc:
            raise Conflict(
                _("The file leaves out competencies that something is aligned to; they cannot be removed."),
                code="competency_in_use",
            ) from exc
    pk_of = {identifier: row.pk for identifier, row in existing.items() if identifier in wanted}
    done = 0
    for depth in sorted(to_create):
        level = to_create[depth]
        for parent, made in level:
            made.parent_id = pk_of[parent] if parent is not None else None
        for start in range(0, len(level), BATCH):
            chunk = [made for _parent, made in level[start : start + BATCH]]
            Competency.objects.bulk_create(chunk)
            pk_of.update((made.identifier, made.pk) for made in chunk)
            done += len(chunk)
            if progress:
                progress(done, total)
    for parent, row in to_update:
        row.parent_id = pk_of[parent] if parent is not None else None
    fields = [*_row_values(document.competencies[0], 0).keys(), "changed_at", "parent"] if document.competencies else []
    rows = [row for _parent, row in to_update]
    for start in range(0, len(rows), BATCH):
        Competency.objects.bulk_update(rows[start : start + BATCH], fields)
    if progress:
        progress(total, total)
    return counts


def _sync_scales(framework: Framework, document: doc.FrameworkDocument, *, dry_run: bool) -> bool:
    current = (
        {
            scale.name: (
                scale.identifier,
                scale.description,
                scale.is_default,
                [(lv.label, lv.description) for lv in scale.levels.all()],
            )
            for scale in framework.scales.prefetch_related("levels")
        }
        if framework.pk
        else {}
    )
    wanted = {
        scale.name: (
            scale.identifier or doc.stable_id(framework.identifier, "scale", scale.name),
            scale.description,
            scale.is_default,
            [(lv.label, lv.description) for lv in scale.levels],
        )
        for scale in document.scales
    }
    if current == wanted:
        return False
    if dry_run:
        return True
    framework.scales.all().delete()
    for scale in document.scales:
        identifier, description, is_default, levels = wanted[scale.name]
        created = ProficiencyScale.objects.create(
            framework=framework,
            name=scale.name,
            identifier=identifier,
            uri=scale.uri or minted_uri(identifier),
            description=description,
            is_default=is_default,
        )
        ProficiencyLevel.objects.bulk_create(
            ProficiencyLevel(scale=created, rank=rank, label=label, description=text)
            for rank, (label, text) in enumerate(levels)
        )
    return True


def _rubric_state(framework: Framework) -> list[Any]:
    return [
        (
            rubric.identifier,
            rubric.uri,
            rubric.title,
            rubric.description,
            rubric.scale.name if rubric.scale else "",
            [
                (
                    c.identifier,
                    c.uri,
                    c.competency.identifier,
                    c.category,
                    c.description,
                    c.weight,
                    c.position,
                    [
                        (
                            lv.identifier,
                            lv.uri,
                            lv.quality,
                            lv.description,
                            lv.score,
                            lv.feedback,
                            lv.position,
                            lv.proficiency_level.label if lv.proficiency_level else "",
                        )
                        for lv in c.levels.all()
                    ],
                )
                for c in rubric.criteria.all()
            ],
        )
        for rubric in framework.rubrics.select_related("scale")
        .prefetch_related("criteria__competency", "criteria__levels__proficiency_level")
        .order_by("identifier")
    ]


def _document_rubric_state(document: doc.FrameworkDocument) -> list[Any]:
    return [
        (
            rubric.identifier,
            rubric.uri,
            rubric.title,
            rubric.description,
            rubric.scale,
            [
                (
                    c.identifier,
                    c.uri,
                    c.competency,
                    c.category,
                    c.description,
                    c.weight,
                    c.position,
                    [
                        (
                            lv.identifier,
                            lv.uri,
                            lv.quality,
                            lv.description,
                            lv.score,
                            lv.feedback,
                            lv.position,
                            lv.proficiency_level,
                        )
                        for lv in sorted(c.levels, key=lambda lv: lv.position)
                    ],
                )
                for c in sorted(rubric.criteria, key=lambda c: c.position)
            ],
        )
        for rubric in sorted(document.rubrics, key=lambda r: r.identifier)
    ]


def _sync_rubrics(framework: Framework, document: doc.FrameworkDocument, *, dry_run: bool) -> bool:
    if not document.rubrics and not (framework.pk and framework.rubrics.exists()):
        return False
    if _rubric_state(framework) == _document_rubric_state(document):
        return False
    if dry_run:
        return True
    framework.rubrics.all().delete()
    competency_pk = dict(framework.competencies.values_list("identifier", "pk"))
    scales = {scale.name: scale for scale in framework.scales.all()}
    for rubric in document.rubrics:
        scale = scales.get(rubric.scale) if rubric.scale else None
        levels = {lv.label: lv for lv in scale.levels.all()} if scale else {}
        row = Rubric.objects.create(
            framework=framework,
            identifier=rubric.identifier,
            uri=rubric.uri,
            title=rubric.title[:300],
            description=rubric.description,
            scale=scale,
        )
        for criterion in rubric.criteria:
            criterion_row = RubricCriterion.objects.create(
                rubric=row,
                competency_id=competency_pk[criterion.competency],
                identifier=criterion.identifier,
                uri=criterion.uri,
                category=criterion.category[:200],
                description=criterion.description,
                weight=criterion.weight,
                position=criterion.position,
            )
            RubricLevel.objects.bulk_create(
                RubricLevel(
                    criterion=criterion_row,
                    proficiency_level=levels.get(level.proficiency_level) if level.proficiency_level else None,
                    identifier=level.identifier,
                    uri=level.uri,
                    quality=level.quality[:200],
                    description=level.description,
                    score=level.score,
                    feedback=level.feedback,
                    position=level.position,
                )
                for level in criterion.levels
            )
    return True


def _import_links(framework: Framework, document: doc.FrameworkDocument, actor: Any) -> int:
    """Associations from this framework to competencies already on the platform become confirmed
    crosswalk links of the importing organization; those whose target is unknown here are skipped."""
    ours = {}
    for pk, identifier, uri in framework.competencies.values_list("pk", "identifier", "uri"):
        ours[identifier] = pk
        ours[uri] = pk
    created = 0
    for link in document.links:
        source_pk = ours.get(link.source)
        if source_pk is None:
            continue
        target = (
            Competency.objects.exclude(framework=framework)
            .filter(uri=link.target)
            .select_related("framework")
            .order_by("-framework__created_at")
            .first()
        ) or (
            Competency.objects.exclude(framework=framework)
            .filter(identifier=link.target)
            .select_related("framework")
            .order_by("-framework__created_at")
            .first()
        )
        if target is None:
            continue
        crosswalk, _created = Crosswalk.objects.get_or_create(
            organization=framework.organization,
            source_framework=framework,
            target_framework=target.framework,
            defaults={"created_by": _user_or_none(actor)},
        )
        _link, made = CrosswalkLink.objects.get_or_create(
            crosswalk=crosswalk,
            source_id=source_pk,
            target=target,
            defaults={
                "relation": link.relation,
                "status": LinkStatus.CONFIRMED,
                "method": "import",
                "identifier": link.identifier,
                "confirmed_by": _user_or_none(actor),
                "confirmed_at": timezone.now(),
            },
        )
        created += int(made)
    return created


# --- crosswalks -----------------------------------------------------------------------------------


def create_crosswalk(
    *, actor: Any, organization: Organization, source_framework: Framework, target_framework: Framework, title: str = ""
) -> Crosswalk:
    require(actor, "frameworks.edit", organization)
    if source_framework.pk == target_framework.pk:
        raise ValidationFailed.single("target_framework", "same_framework", _("Choose two different frameworks."))
    with transaction.atomic():
        crosswalk, created = Crosswalk.objects.get_or_create(
            organization=organization,
            source_framework=source_framework,
            target_framework=target_framework,
            defaults={"title": title[:300], "created_by": _user_or_none(actor)},
        )
        if created:
            record(
                actor=actor,
                action="frameworks.create_crosswalk",
                target=crosswalk,
                organization=organization,
                after={"source": source_framework.pk, "target": target_framework.pk},
            )
    return crosswalk


def _check_relation(relation: str) -> None:
    if relation not in MatchRelation.values:
        raise ValidationFailed.single("relation", "invalid", _("Unknown relation."))


def add_link(
    *,
    actor: Any,
    crosswalk: Crosswalk,
    source: Competency,
    target: Competency,
    relation: str = MatchRelation.CLOSE,
) -> CrosswalkLink:
    """A mapping made by a person: confirmed at once."""
    require(actor, "frameworks.edit", crosswalk.organization)
    _check_relation(relation)
    errors = ErrorList()
    if source.framework_id != crosswalk.source_framework_id:
        errors.add("source", "wrong_framework", _("This competency is not in the crosswalk's source framework."))
    if target.framework_id != crosswalk.target_framework_id:
        errors.add("target", "wrong_framework", _("This competency is not in the crosswalk's target framework."))
    errors.raise_if_any()
    with transaction.atomic():
        link, _created = CrosswalkLink.objects.update_or_create(
            crosswalk=crosswalk,
            source=source,
            target=target,
            defaults={
                "relation": relation,
                "status": LinkStatus.CONFIRMED,
                "confirmed_by": _user_or_none(actor),
                "confirmed_at": timezone.now(),
                "method": "manual",
            },
        )
        record(
            actor=actor,
            action="frameworks.add_link",
            target=link,
            organization=crosswalk.organization,
            after={"source": source.pk, "target": target.pk, "relation": relation},
        )
    return link


def decide_link(*, actor: Any, link: CrosswalkLink, accept: bool, relation: str | None = None) -> CrosswalkLink:
    """A person accepts (with the relation they choose) or rejects a mapping; who and when are kept."""
    require(actor, "frameworks.edit", link.crosswalk.organization)
    if relation is not None:
        _check_relation(relation)
    with transaction.atomic():
        link = CrosswalkLink.objects.select_for_update().get(pk=link.pk)
        before = {"status": link.status, "relation": link.relation}
        link.status = LinkStatus.CONFIRMED if accept else LinkStatus.REJECTED
        if relation is not None:
            link.relation = relation
        link.confirmed_by = _user_or_none(actor)
        link.confirmed_at = timezone.now()
        link.save()
        record(
            actor=actor,
            action="frameworks.accept_link" if accept else "frameworks.reject_link",
            target=link,
            organization=link.crosswalk.organization,
            before=before,
            after={"status": link.status, "relation": link.relation},
        )
    return link


def suggest_links(
    *,
    actor: Any,
    crosswalk: Crosswalk,
    sources: list[Competency] | None = None,
    per_source: int = 5,
    min_score: float = 0.05,
    method: str = "bm25",
) -> list[CrosswalkLink]:
    """Store the best-ranked target candidates of each source competency as suggested links.

    ``method`` names a registered ranking (bm25; semantic and hybrid when the skills domain offers them
    for this target). Pairs a person already decided are left as they are; a rejected pair is never
    suggested again.
    """
    from microcred.frameworks.similarity import available_methods, index_for

    require(actor, "frameworks.edit", crosswalk.organization)
    if method not in dict(available_methods()):  # a method for ESCO only falls back to BM25 for other targets
        raise ValidationFailed.single("method", "invalid_choice", _("This ranking method is not available."))
    index = index_for(crosswalk.target_framework, method)
    if sources is None:
        sources = list(crosswalk.source_framework.competencies.all())
    elif any(source.framework_id != crosswalk.source_framework_id for source in sources):
        raise ValidationFailed.single(
            "source", "wrong_framework", _("This competency is not in the crosswalk's source framework.")
        )
    existing = set(crosswalk.links.values_list("source_id", "target_id"))
    new_links = []
    texts = [text_of(source) for source in sources]
    search_many = getattr(index, "search_many", None)  # a ranker may rank many texts at once (one embedding batch)
    ranked = search_many(texts, per_source) if callable(search_many) else [index.search(t, per_source) for t in texts]
    for source, matches in zip(sources, ranked, strict=True):
        for match in matches:
            if match.score < min_score or (source.pk, match.pk) in existing:
                continue
            new_links.append(
                CrosswalkLink(
                    crosswalk=crosswalk,
                    source=source,
                    target_id=match.pk,
                    relation=MatchRelation.CLOSE,
                    status=LinkStatus.SUGGESTED,
                    score=round(match.score, 4),
                    method=index.method,
                )
            )
            existing.add((source.pk, match.pk))
    with transaction.atomic():
        CrosswalkLink.objects.bulk_create(new_links, batch_size=BATCH)
        record(
            actor=actor,
            action="frameworks.suggest_links",
            target=crosswalk,
            organization=crosswalk.organization,
            after={"suggested": len(new_links), "method": index.method},
        )
    return new_links


def text_of(competency: Competency) -> str:
    """The words a competency is matched on: its names, statement and alternative labels."""
    labels = competency.alternative_labels if isinstance(competency.alternative_labels, list) else []
    return " ".join([competency.short_name, competency.statement, *labels])


def get_competency(framework: Framework, pk: Any) -> Competency:
    try:
        return framework.competencies.get(pk=int(pk))
    except (Competency.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound(_("Unknown competency."), code="competency_not_found") from exc
