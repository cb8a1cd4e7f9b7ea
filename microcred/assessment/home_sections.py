"""Assessment's sections of a person's home: the assessor's work queue, the learner's progress; and their navigation
links. Registered with ``accounts.homes`` from ``AssessmentConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from microcred.accounts.homes import NavLink, Section, add_nav_links, add_section
from microcred.accounts.models import Membership
from microcred.assessment import queue, selectors
from microcred.assessment.models import Enrolment


def assessor(request: HttpRequest) -> dict[str, Any] | None:
    if not queue.assesses_anywhere(request.user):
        return None
    return {"queue": queue.work_queue(request.user)}


def learner(request: HttpRequest) -> dict[str, Any] | None:
    """Everyone is a learner; staff see it once they are enrolled somewhere."""
    enrolments = list(selectors.enrolments_of_learner(request.user)[:20])
    if not enrolments and Membership.objects.filter(user=request.user).exists():
        return None
    return {"enrolments": enrolments}


def nav_links(user: Any) -> list[NavLink]:
    links = []
    if queue.assesses_anywhere(user):
        links.append(NavLink(_("Work queue"), reverse("assessment:queue"), 30))
    if Enrolment.objects.filter(learner=user).exists() or not Membership.objects.filter(user=user).exists():
        links.append(NavLink(_("My assessments"), reverse("assessment:mine"), 60))
    return links


def register() -> None:
    add_section(Section("assessment.assessor", 30, "assessment/home_assessor.html", assessor))
    add_section(Section("assessment.learner", 60, "assessment/home_learner.html", learner))
    add_nav_links("assessment", nav_links)
