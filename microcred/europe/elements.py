"""The elements of the Council Recommendation on micro-credentials (2022, Annex I) and, for one design, where
microcred holds each and whether the design states it. Reads only.

An element is held either by the catalog's design form (``place="design"``, the field's label), by the European
standard elements page (``place="europe"``), or is stated by every credential microcred issues (``place="issued"``:
the learner's identity and the date of issue are in the signed credential itself).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from microcred.catalog.models import CreditUnit, MicroCredential
from microcred.europe.models import EuropeanDetails


@dataclass(frozen=True)
class Element:
    key: str
    label: Any
    mandatory: bool
    place: str  # "design", "europe", "organization" (the provider's record) or "issued"
    fields: Any  # where to add it: the field labels on that page
    stated: Callable[[MicroCredential, EuropeanDetails], bool]
    value: Callable[[MicroCredential, EuropeanDetails], str]


def _always(credential: MicroCredential, details: EuropeanDetails) -> bool:
    return True


def _workload(credential: MicroCredential, details: EuropeanDetails) -> str:
    text = _("%(hours)s hours") % {"hours": credential.workload_hours}
    if credential.credit_value is not None and credential.credit_unit == CreditUnit.ECTS:
        text += ", " + _("%(n)s ECTS credits") % {"n": credential.credit_value}
    return str(text)


def _level(credential: MicroCredential, details: EuropeanDetails) -> str:
    parts = []
    if details.eqf_level:
        parts.append(str(_("EQF level %(n)s") % {"n": details.eqf_level}))
    if details.nqf_level:
        parts.append(details.nqf_level)
    return ", ".join(parts)


def _stackability(credential: MicroCredential, details: EuropeanDetails) -> str:
    parts = [pathway.title for pathway in credential.pathways.all()]
    parts += list(credential.ladders_into or [])
    if details.stackability:
        parts.append(details.stackability)
    return "; ".join(parts)


def _quality(credential: MicroCredential, details: EuropeanDetails) -> str:
    parts = [details.quality_assurance]
    if credential.accrediting_body:
        parts.append(str(_("Accredited by %(body)s") % {"body": credential.accrediting_body}))
    return "; ".join(part for part in parts if part)


ELEMENTS: tuple[Element, ...] = (
    Element(
        "learner", _("Identification of the learner"), True, "issued", _("the learner's name in each award"),
        _always, lambda c, d: str(_("Stated in every credential issued")),
    ),
    Element("title", _("Title of the micro-credential"), True, "design", _("Title"),
            lambda c, d: bool(c.title.strip()), lambda c, d: c.title),
    Element("country", _("Country of the issuer"), True, "design", _("Country"),
            lambda c, d: bool(c.country), lambda c, d: c.country),
    Element("awarding_body", _("Awarding body"), True, "organization", _("its name"),
            _always, lambda c, d: c.provider.name),
    Element("date_of_issuing", _("Date of issuing"), True, "issued", _("the date of each award"),
            _always, lambda c, d: str(_("Stated in every credential issued"))),
    Element("learning_outcomes", _("Learning outcomes"), True, "design", _("Learning outcomes"),
            lambda c, d: c.outcomes.exists(), lambda c, d: str(c.outcomes.count())),
    Element("workload", _("Notional workload (in ECTS where applicable)"), True, "design",
            _("Workload (hours), Credit value and Credit unit"),
            lambda c, d: c.workload_hours is not None and c.workload_hours > 0, _workload),
    Element("level", _("Level (EQF or NQF)"), True, "europe", _("EQF level or NQF level"),
            lambda c, d: bool(d.eqf_level or d.nqf_level), _level),
    Element("assessment", _("Type of assessment"), True, "design", _("Assessment method"),
            lambda c, d: bool(c.assessment_method), lambda c, d: str(c.get_assessment_method_display())),
    Element("participation", _("Form of participation"), True, "design", _("Delivery mode"),
            lambda c, d: bool(c.delivery_mode), lambda c, d: str(c.get_delivery_mode_display())),
    Element("quality_assurance", _("Type of quality assurance"), True, "europe", _("Type of quality assurance"),
            lambda c, d: bool(d.quality_assurance.strip() or c.accrediting_body.strip()), _quality),
    Element("prerequisites", _("Prerequisites"), False, "design", _("Prerequisites"),
            lambda c, d: bool(c.prerequisites.strip()), lambda c, d: c.prerequisites),
    Element("supervision", _("Supervision and identity verification"), False, "europe",
            _("Supervision and identity verification"),
            lambda c, d: bool(d.supervision), lambda c, d: str(d.get_supervision_display()) if d.supervision else ""),
    Element("grade", _("Grade achieved"), False, "europe", _("Grade"),
            lambda c, d: bool(d.grading.strip()), lambda c, d: d.grading),
    Element("stackability", _("Integration and stackability options"), False, "europe",
            _("Integration and stackability"), lambda c, d: bool(_stackability(c, d)), _stackability),
    Element("further_information", _("Further information"), False, "europe", _("Further information"),
            lambda c, d: bool(d.further_information.strip()), lambda c, d: d.further_information),
)


@dataclass
class ElementState:
    element: Element
    stated: bool
    value: str


def details_of(credential: MicroCredential) -> EuropeanDetails:
    """The design's European details, unsaved defaults when it has none yet."""
    found = EuropeanDetails.objects.filter(credential=credential).first()
    return found or EuropeanDetails(credential=credential)


def element_states(credential: MicroCredential, details: EuropeanDetails | None = None) -> list[ElementState]:
    details = details or details_of(credential)
    states = []
    for element in ELEMENTS:
        stated = element.stated(credential, details)
        states.append(ElementState(element, stated, element.value(credential, details) if stated else ""))
    return states


def missing_mandatory(credential: MicroCredential, details: EuropeanDetails | None = None) -> list[Element]:
    return [state.element for state in element_states(credential, details)
            if state.element.mandatory and not state.stated]
