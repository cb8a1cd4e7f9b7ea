"""1EdTech CASE 1.0 packages (``CFPackage``: CFDocument, CFItems, CFAssociations, CFRubrics), in and out.

Read: ``isChildOf`` associations build the tree (to the document: a root; ``sequenceNumber`` gives
the order); ``exactMatchOf``/``isRelatedTo`` associations to items of other frameworks become
crosswalk links. Write: a package that reads back into the same framework, identifiers included, so
export → import → export gives the same package. Identifiers CASE needs but the model does not keep
(associations of the tree, the licence) are derived from the identifiers they join.

Proficiency scales are not part of CASE 1.0; they travel in ``extensions.microcredProficiencyScales``
and a rubric names its scale in ``extensions.microcredScale`` (other CASE readers ignore both).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext as _

from microcred.errors import ErrorList, ValidationFailed
from microcred.frameworks import document as doc
from microcred.frameworks.models import (
    Competency,
    CompetencyType,
    Crosswalk,
    CrosswalkLink,
    Framework,
    FrameworkStatus,
    LinkStatus,
    MatchRelation,
)

TYPE_TO_CASE = {
    CompetencyType.COMPETENCY: "Competency",
    CompetencyType.SKILL: "Skill",
    CompetencyType.KNOWLEDGE: "Knowledge",
    CompetencyType.ATTRIBUTE: "Attribute",
    CompetencyType.GROUP: "Grouping",
}
CASE_TO_TYPE = {
    "competency": CompetencyType.COMPETENCY,
    "skill": CompetencyType.SKILL,
    "knowledge": CompetencyType.KNOWLEDGE,
    "attribute": CompetencyType.ATTRIBUTE,
    "disposition": CompetencyType.ATTRIBUTE,
    "grouping": CompetencyType.GROUP,
    "group": CompetencyType.GROUP,
    "domain": CompetencyType.GROUP,
    "cluster": CompetencyType.GROUP,
    "strand": CompetencyType.GROUP,
    "category": CompetencyType.GROUP,
}
STATUS_TO_CASE = {
    FrameworkStatus.DRAFT: "Draft",
    FrameworkStatus.PUBLISHED: "Adopted",
    FrameworkStatus.SUPERSEDED: "Deprecated",
    FrameworkStatus.RETIRED: "Deprecated",
}
SKOS = "http://www.w3.org/2004/02/skos/core#"
RELATION_TO_CASE = {
    MatchRelation.EXACT: "exactMatchOf",
    MatchRelation.CLOSE: "isRelatedTo",
    MatchRelation.BROAD: "isRelatedTo",
    MatchRelation.NARROW: "isRelatedTo",
    MatchRelation.RELATED: "isRelatedTo",
}
LINK_TYPES = {"exactMatchOf": MatchRelation.EXACT, "isRelatedTo": MatchRelation.RELATED}


def timestamp(value: datetime | None) -> str:
    value = value or datetime(1970, 1, 1, tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


def _link_uri(title: str, identifier: str, uri: str) -> dict[str, str]:
    return {"title": title[:300], "identifier": identifier, "uri": uri}


# --- reading --------------------------------------------------------------------------------------


def load_json(data: bytes) -> Any:
    doc.check_size(data)
    text = doc.decode_text(data)
    try:
        return json.loads(text)
    except RecursionError as exc:
        raise doc.UnreadableFile(_("The JSON document is nested too deeply."), code="too_deeply_nested") from exc
    except json.JSONDecodeError as exc:
        raise doc.UnreadableFile(
            _("The file is not valid JSON (line %(line)s, column %(col)s).") % {"line": exc.lineno, "col": exc.colno},
            code="malformed_json",
        ) from exc


class _Reader:
    def __init__(self) -> None:
        self.errors = ErrorList()

    def add(self, where: str, code: str, message: str) -> None:
        if len(self.errors.errors) < doc.MAX_ERRORS:
            self.errors.add(where, code, message)

    def text(self, obj: dict[str, Any], key: str, where: str, *, required: bool = False) -> str:
        value = obj.get(key)
        if value is None:
            if required:
                self.add(f"{where}.{key}", "required", _("This field is required."))
            return ""
        if not isinstance(value, str):
            self.add(f"{where}.{key}", "invalid", _("Expected a text."))
            return ""
        if required and not value.strip():
            self.add(f"{where}.{key}", "required", _("This field is required."))
        return value

    def number(self, obj: dict[str, Any], key: str, where: str) -> float | None:
        value = obj.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(f"{where}.{key}", "invalid", _("Expected a number."))
            return None
        return float(value)

    def integer(self, obj: dict[str, Any], key: str, where: str) -> int | None:
        value = obj.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) > 2**31:
            self.add(f"{where}.{key}", "invalid", _("Expected a whole number."))
            return None
        return value

    def texts(self, obj: dict[str, Any], key: str, where: str) -> list[str]:
        value = obj.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            self.add(f"{where}.{key}", "invalid", _("Expected a list of texts."))
            return []
        return list(value)

    def when(self, obj: dict[str, Any], key: str, where: str) -> datetime | None:
        value = self.text(obj, key, where)
        if not value:
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            self.add(f"{where}.{key}", "invalid", _("Expected a date and time (ISO 8601)."))
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)

    def node(self, obj: dict[str, Any], key: str, where: str) -> tuple[str, str]:
        """(identifier, uri) of a LinkURI."""
        value = obj.get(key)
        if not isinstance(value, dict):
            self.add(f"{where}.{key}", "required", _("Expected an object with identifier and uri."))
            return "", ""
        return self.text(value, "identifier", f"{where}.{key}"), self.text(value, "uri", f"{where}.{key}")

    def objects(self, package: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = package.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(key, "invalid", _("Expected a list."))
            return []
        good = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                good.append(item)
            else:
                self.add(f"{key}.{index}", "invalid", _("Expected an object."))
        return good


def parse_case(data: bytes) -> doc.FrameworkDocument:
    """A CASE 1.0 package (JSON bytes) as a checked document; refused whole with errors naming the item."""
    package = load_json(data)
    if isinstance(package, dict) and isinstance(package.get("CFPackage"), dict):
        package = package["CFPackage"]
    if not isinstance(package, dict) or not isinstance(package.get("CFDocument"), dict):
        raise ValidationFailed.single("CFDocument", "required", _("This is not a CASE package: CFDocument is missing."))
    reader = _Reader()
    cf_document = package["CFDocument"]
    document = doc.FrameworkDocument(
        title=reader.text(cf_document, "title", "CFDocument", required=True),
        identifier=reader.text(cf_document, "identifier", "CFDocument", required=True),
        uri=reader.text(cf_document, "uri", "CFDocument"),
        description=reader.text(cf_document, "description", "CFDocument"),
        publisher=reader.text(cf_document, "publisher", "CFDocument")
        or reader.text(cf_document, "creator", "CFDocument"),
        version=reader.text(cf_document, "version", "CFDocument") or "1",
        language=reader.text(cf_document, "language", "CFDocument") or "en",
        source_uri=reader.text(cf_document, "officialSourceURL", "CFDocument"),
        status=reader.text(cf_document, "adoptionStatus", "CFDocument"),
        changed_at=reader.when(cf_document, "lastChangeDateTime", "CFDocument"),
    )
    licence = cf_document.get("licenseURI")
    if isinstance(licence, dict):
        document.licence = reader.text(licence, "title", "CFDocument.licenseURI") or reader.text(
            licence, "uri", "CFDocument.licenseURI"
        )
    for name, limit in (("identifier", 100), ("title", 300), ("version", 40), ("uri", 500), ("language", 16)):
        if len(getattr(document, name)) > limit:
            reader.add(f"CFDocument.{name}", "too_long", _("At most %(n)s characters.") % {"n": limit})
    items = reader.objects(package, "CFItems")
    by_key: dict[str, doc.CompetencyRecord] = {}
    for index, item in enumerate(items):
        where = f"CFItems.{index}"
        kind = reader.text(item, "CFItemType", where)
        labels = reader.texts(item, "conceptKeywords", where)
        alternative = reader.text(item, "alternativeLabel", where)
        if alternative and alternative not in labels:
            labels.insert(0, alternative)
        levels = reader.texts(item, "educationLevel", where)
        record = doc.CompetencyRecord(
            identifier=reader.text(item, "identifier", where, required=True),
            statement=reader.text(item, "fullStatement", where, required=True),
            uri=reader.text(item, "uri", where),
            code=reader.text(item, "humanCodingScheme", where),
            short_name=reader.text(item, "abbreviatedStatement", where),
            competency_type=CASE_TO_TYPE.get(kind.strip().lower(), CompetencyType.COMPETENCY),
            level=", ".join(levels),
            sort_order=index,
            alternative_labels=labels,
            notes=reader.text(item, "notes", where),
            changed_at=reader.when(item, "lastChangeDateTime", where),
            where=where,
        )
        document.competencies.append(record)
        for key in (record.identifier, record.uri):
            if key:
                by_key.setdefault(key, record)
    document_keys = {document.identifier, document.uri} - {""}
    placed: set[str] = set()
    for index, association in enumerate(reader.objects(package, "CFAssociations")):
        where = f"CFAssociations.{index}"
        kind = reader.text(association, "associationType", where, required=True)
        origin_id, origin_uri = reader.node(association, "originNodeURI", where)
        target_id, target_uri = reader.node(association, "destinationNodeURI", where)
        origin = by_key.get(origin_id) or by_key.get(origin_uri)
        if kind == "isChildOf":
            if origin is None:
                reader.add(f"{where}.originNodeURI", "unknown_item", _("The child is not an item of this package."))
                continue
            if origin.identifier in placed:
                continue  # CASE allows several parents; a tree keeps the first
            parent = by_key.get(target_id) or by_key.get(target_uri)
            if parent is None and not ({target_id, target_uri} & document_keys):
                reader.add(
                    f"{where}.destinationNodeURI", "unknown_item", _("The parent is neither an item nor the document.")
                )
                continue
            origin.parent = parent.identifier if parent is not None else None
            sequence = reader.integer(association, "sequenceNumber", where)
            if sequence is not None:
                origin.sort_order = sequence
            placed.add(origin.identifier)
        elif kind in LINK_TYPES and origin is not None and not (by_key.get(target_id) or by_key.get(target_uri)):
            relation = LINK_TYPES[kind]
            grouping = association.get("CFAssociationGroupingURI")
            if isinstance(grouping, dict) and grouping.get("title") in MatchRelation.values:
                relation = grouping["title"]
            document.links.append(
                doc.LinkRecord(
                    identifier=reader.text(association, "identifier", where)
                    or doc.stable_id(origin.identifier, target_uri),
                    source=origin.identifier,
                    target=target_uri or target_id,
                    relation=relation,
                )
            )
    _read_extensions(package, document, reader)
    _read_rubrics(package, document, by_key, reader)
    reader.errors.raise_if_any()
    doc.check(document)
    return document


def _read_extensions(package: dict[str, Any], document: doc.FrameworkDocument, reader: _Reader) -> None:
    extensions = package.get("extensions")
    if not isinstance(extensions, dict):
        return
    scales = extensions.get("microcredProficiencyScales", [])
    if not isinstance(scales, list):
        reader.add("extensions.microcredProficiencyScales", "invalid", _("Expected a list."))
        return
    for index, scale in enumerate(scales):
        where = f"extensions.microcredProficiencyScales.{index}"
        if not isinstance(scale, dict):
            reader.add(where, "invalid", _("Expected an object."))
            continue
        levels = []
        raw_levels = scale.get("levels", [])
        if not isinstance(raw_levels, list):
            reader.add(f"{where}.levels", "invalid", _("Expected a list."))
            raw_levels = []
        for l_index, level in enumerate(raw_levels):
            if not isinstance(level, dict):
                reader.add(f"{where}.levels.{l_index}", "invalid", _("Expected an object."))
                continue
            levels.append(
                doc.LevelRecord(
                    label=reader.text(level, "label", f"{where}.levels.{l_index}", required=True),
                    description=reader.text(level, "description", f"{where}.levels.{l_index}"),
                )
            )
        document.scales.append(
            doc.ScaleRecord(
                name=reader.text(scale, "name", where, required=True),
                identifier=reader.text(scale, "identifier", where),
                uri=reader.text(scale, "uri", where),
                description=reader.text(scale, "description", where),
                is_default=scale.get("isDefault") is True,
                levels=levels,
            )
        )


def _read_rubrics(
    package: dict[str, Any], document: doc.FrameworkDocument, by_key: dict[str, doc.CompetencyRecord], reader: _Reader
) -> None:
    for index, rubric in enumerate(reader.objects(package, "CFRubrics")):
        where = f"CFRubrics.{index}"
        extensions = rubric.get("extensions") if isinstance(rubric.get("extensions"), dict) else {}
        record = doc.RubricRecord(
            identifier=reader.text(rubric, "identifier", where, required=True),
            title=reader.text(rubric, "title", where) or _("Rubric"),
            description=reader.text(rubric, "description", where),
            uri=reader.text(rubric, "uri", where),
            scale=extensions.get("microcredScale", "") if isinstance(extensions.get("microcredScale"), str) else "",
            where=where,
        )
        for c_index, criterion in enumerate(reader.objects(rubric, "CFRubricCriteria")):
            c_where = f"{where}.CFRubricCriteria.{c_index}"
            item_id, item_uri = reader.node(criterion, "CFItemURI", c_where)
            item = by_key.get(item_id) or by_key.get(item_uri)
            criterion_record = doc.CriterionRecord(
                identifier=reader.text(criterion, "identifier", c_where, required=True),
                competency=item.identifier if item else (item_id or item_uri),
                category=reader.text(criterion, "category", c_where),
                description=reader.text(criterion, "description", c_where),
                weight=reader.number(criterion, "weight", c_where),
                position=reader.integer(criterion, "position", c_where) or 0,
                uri=reader.text(criterion, "uri", c_where),
            )
            for l_index, level in enumerate(reader.objects(criterion, "CFRubricCriterionLevels")):
                l_where = f"{c_where}.CFRubricCriterionLevels.{l_index}"
                level_extensions = level.get("extensions") if isinstance(level.get("extensions"), dict) else {}
                named = level_extensions.get("microcredProficiencyLevel", "")
                criterion_record.levels.append(
                    doc.RubricLevelRecord(
                        identifier=reader.text(level, "identifier", l_where, required=True),
                        quality=reader.text(level, "quality", l_where),
                        description=reader.text(level, "description", l_where),
                        score=reader.number(level, "score", l_where),
                        feedback=reader.text(level, "feedback", l_where),
                        position=reader.integer(level, "position", l_where) or 0,
                        uri=reader.text(level, "uri", l_where),
                        proficiency_level=named if isinstance(named, str) else "",
                    )
                )
            record.criteria.append(criterion_record)
        document.rubrics.append(record)


# --- writing --------------------------------------------------------------------------------------


def _framework_link(framework: Framework) -> dict[str, str]:
    return _link_uri(framework.title, framework.identifier, framework.uri)


def _competency_link(competency: Competency) -> dict[str, str]:
    return _link_uri(competency.short_name or competency.statement, competency.identifier, competency.uri)


def _association(
    identifier: str, kind: str, origin: dict[str, str], destination: dict[str, str], framework: Framework, when: str
) -> dict[str, Any]:
    return {
        "identifier": identifier,
        "uri": f"{framework.uri.rsplit('/', 1)[0]}/{identifier}" if framework.uri else identifier,
        "associationType": kind,
        "CFDocumentURI": _framework_link(framework),
        "originNodeURI": origin,
        "destinationNodeURI": destination,
        "lastChangeDateTime": when,
    }


def link_association(link: CrosswalkLink, framework: Framework) -> dict[str, Any]:
    association = _association(
        link.identifier,
        RELATION_TO_CASE[link.relation],
        _competency_link(link.source),
        _competency_link(link.target),
        framework,
        timestamp(link.confirmed_at or link.created_at),
    )
    association["CFAssociationGroupingURI"] = _link_uri(
        link.relation, doc.stable_id("skos", link.relation), f"{SKOS}{link.relation}"
    )
    return association


def export_case(framework: Framework) -> dict[str, Any]:
    """The framework version as a CASE 1.0 package (a dict ready for ``json.dumps``)."""
    competencies = list(framework.competencies.order_by("depth", "sort_order", "pk"))
    by_pk = {c.pk: c for c in competencies}
    document_link = _framework_link(framework)
    cf_document: dict[str, Any] = {
        "identifier": framework.identifier,
        "uri": framework.uri,
        "creator": framework.publisher or (framework.organization.name if framework.organization else ""),
        "title": framework.title,
        "lastChangeDateTime": timestamp(framework.changed_at or framework.updated_at),
        "publisher": framework.publisher,
        "description": framework.description,
        "language": framework.language,
        "version": framework.version,
        "adoptionStatus": STATUS_TO_CASE.get(framework.status, "Draft"),
    }
    if framework.source_uri:
        cf_document["officialSourceURL"] = framework.source_uri
    if framework.licence:
        uri = framework.licence if framework.licence.startswith(("http://", "https://")) else ""
        cf_document["licenseURI"] = _link_uri(
            framework.licence, doc.stable_id(framework.identifier, "licence"), uri or framework.uri
        )
    items = []
    associations = []
    for competency in competencies:
        when = timestamp(competency.changed_at or competency.updated_at)
        item: dict[str, Any] = {
            "identifier": competency.identifier,
            "uri": competency.uri,
            "fullStatement": competency.statement,
            "CFItemType": TYPE_TO_CASE.get(competency.competency_type, "Competency"),
            "CFDocumentURI": document_link,
            "lastChangeDateTime": when,
        }
        optional = {
            "humanCodingScheme": competency.code,
            "abbreviatedStatement": competency.short_name,
            "conceptKeywords": list(competency.alternative_labels or []),
            "educationLevel": [x.strip() for x in competency.level.split(",") if x.strip()],
            "notes": competency.notes,
        }
        item.update({key: value for key, value in optional.items() if value})
        items.append(item)
        parent = by_pk.get(competency.parent_id) if competency.parent_id else None
        destination = _competency_link(parent) if parent else document_link
        association = _association(
            doc.stable_id(competency.identifier, "isChildOf", destination["identifier"]),
            "isChildOf",
            _competency_link(competency),
            destination,
            framework,
            when,
        )
        association["sequenceNumber"] = competency.sort_order
        associations.append(association)
    if framework.organization_id:
        links = (
            CrosswalkLink.objects.filter(
                crosswalk__source_framework=framework,
                crosswalk__organization_id=framework.organization_id,
                status=LinkStatus.CONFIRMED,
            )
            .select_related("source", "target")
            .order_by("pk")
        )
        associations += [link_association(link, framework) for link in links]
    package: dict[str, Any] = {"CFDocument": cf_document, "CFItems": items, "CFAssociations": associations}
    rubrics = _export_rubrics(framework)
    if rubrics:
        package["CFRubrics"] = rubrics
    scales = [
        {
            "identifier": scale.identifier,
            "uri": scale.uri,
            "name": scale.name,
            "description": scale.description,
            "isDefault": scale.is_default,
            "levels": [{"label": level.label, "description": level.description} for level in scale.levels.all()],
        }
        for scale in framework.scales.prefetch_related("levels").order_by("pk")
    ]
    if scales:
        package["extensions"] = {"microcredProficiencyScales": scales}
    return package


def _export_rubrics(framework: Framework) -> list[dict[str, Any]]:
    when = timestamp(framework.changed_at or framework.updated_at)
    rubrics = []
    for rubric in framework.rubrics.select_related("scale").prefetch_related(
        "criteria__competency", "criteria__levels__proficiency_level"
    ):
        entry: dict[str, Any] = {
            "identifier": rubric.identifier,
            "uri": rubric.uri,
            "title": rubric.title,
            "description": rubric.description,
            "lastChangeDateTime": when,
            "CFRubricCriteria": [],
        }
        if rubric.scale:
            entry["extensions"] = {"microcredScale": rubric.scale.name}
        for criterion in rubric.criteria.all():
            criterion_entry: dict[str, Any] = {
                "identifier": criterion.identifier,
                "uri": criterion.uri,
                "category": criterion.category,
                "description": criterion.description,
                "CFItemURI": _competency_link(criterion.competency),
                "position": criterion.position,
                "rubricId": rubric.identifier,
                "lastChangeDateTime": when,
                "CFRubricCriterionLevels": [],
            }
            if criterion.weight is not None:
                criterion_entry["weight"] = criterion.weight
            for level in criterion.levels.all():
                level_entry: dict[str, Any] = {
                    "identifier": level.identifier,
                    "uri": level.uri,
                    "description": level.description,
                    "quality": level.quality,
                    "feedback": level.feedback,
                    "position": level.position,
                    "criterionId": criterion.identifier,
                    "lastChangeDateTime": when,
                }
                if level.score is not None:
                    level_entry["score"] = level.score
                if level.proficiency_level:
                    level_entry["extensions"] = {"microcredProficiencyLevel": level.proficiency_level.label}
                criterion_entry["CFRubricCriterionLevels"].append(level_entry)
            entry["CFRubricCriteria"].append(criterion_entry)
        rubrics.append(entry)
    return rubrics


def export_crosswalk_case(crosswalk: Crosswalk) -> dict[str, Any]:
    """The confirmed links of a crosswalk as CASE associations of the source framework."""
    links = crosswalk.links.filter(status=LinkStatus.CONFIRMED).select_related("source", "target").order_by("pk")
    return {"CFAssociations": [link_association(link, crosswalk.source_framework) for link in links]}
