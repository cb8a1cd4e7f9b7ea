"""Employers' pages: the dashboard, endorsing from a catalog page, the co-design invitation, endorsement documents.

Thin: parse, call one selector or service, render or redirect. Errors of the domain become messages or pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from microcred.accounts.permissions import can
from microcred.assessment import selectors as assessment_selectors
from microcred.catalog import selectors as catalog_selectors
from microcred.catalog.models import MicroCredential
from microcred.employers import selectors, services
from microcred.employers.models import CoDesignStatus
from microcred.errors import DomainError, ValidationFailed


def _error(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "error.html", {"error": error}, status=error.status)


def _page_of(credential: MicroCredential) -> str:
    return reverse("catalog:credential_version", args=[credential.provider.slug, credential.slug, credential.version])


def _say(request: HttpRequest, error: DomainError) -> None:
    problems = getattr(error, "errors", None) or []
    messages.error(request, " ".join(str(p.message) for p in problems) or str(error.message))


@login_required
@require_GET
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        board = selectors.dashboard(actor=request.user, employer=selectors.employer_by_slug(slug))
    except DomainError as error:
        return _error(request, error)
    asks_wallets = can(request.user, "employers.request_presentations", board.employer)
    return render(request, "employers/dashboard.html", {"board": board, "asks_wallets": asks_wallets})


@login_required
@require_POST
def endorse(request: HttpRequest, provider: str, slug: str, version: int) -> HttpResponse:
    try:
        credential = catalog_selectors.credential_version(request.user, provider, slug, version)
        employer = selectors.employer_by_slug(request.POST.get("employer", ""))
    except DomainError as error:
        return _error(request, error)
    target = request.POST.get("target", "credential")
    try:
        services.endorse(
            actor=request.user,
            employer=employer,
            credential=credential if target == "credential" else None,
            provider=credential.provider if target == "provider" else None,
            comment=request.POST.get("comment", ""),
        )
    except DomainError as error:
        if error.status == 403:
            return _error(request, error)
        _say(request, error)
    else:
        messages.success(request, _("Your endorsement is signed and published."))
    return redirect(_page_of(credential))


@login_required
@require_POST
def withdraw(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        endorsement = selectors.endorsement_by_public_id(public_id)
        services.withdraw_endorsement(actor=request.user, endorsement=endorsement)
    except DomainError as error:
        return _error(request, error)
    messages.success(request, _("The endorsement was withdrawn."))
    if endorsement.credential is not None:
        return redirect(_page_of(endorsement.credential))
    return redirect("employers:dashboard", endorsement.employer.slug)


@require_GET
def endorsement_document(request: HttpRequest, public_id: str) -> HttpResponse:
    """The signed EndorsementCredential, for anyone (withdrawn ones answer 410)."""
    try:
        endorsement = selectors.endorsement_by_public_id(public_id)
    except DomainError as error:
        return JsonResponse(error.to_json(), status=error.status)
    if endorsement.withdrawn_at is not None:
        return JsonResponse({"code": "gone", "message": _("This endorsement was withdrawn.")}, status=410)
    response = JsonResponse(endorsement.document, content_type="application/vc+ld+json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_required
@require_POST
def invite(request: HttpRequest, provider: str, slug: str, version: int) -> HttpResponse:
    try:
        credential = catalog_selectors.credential_version(request.user, provider, slug, version)
        employer = selectors.employer_by_slug(request.POST.get("employer", ""))
    except DomainError as error:
        return _error(request, error)
    try:
        services.invite_codesigner(
            actor=request.user, credential=credential, employer=employer, message=request.POST.get("message", "")
        )
    except DomainError as error:
        if error.status == 403:
            return _error(request, error)
        _say(request, error)
        return redirect(_page_of(credential))
    messages.success(request, _("The employer is invited to co-design."))
    return redirect(_page_of(credential))


@login_required
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, invitation_id: int) -> HttpResponse:
    try:
        found = selectors.invitation_by_id(request.user, invitation_id)
    except DomainError as error:
        return _error(request, error)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            if request.POST.get("action") == "approve":
                services.approve_codesign(actor=request.user, invitation=found, comment=request.POST.get("text", ""))
                messages.success(request, _("You approved the design."))
            else:
                services.comment_on_codesign(actor=request.user, invitation=found, text=request.POST.get("text", ""))
                messages.success(request, _("Your comment was added."))
            return redirect("employers:invitation", found.pk)
        except ValidationFailed as error:
            errors = {problem.field: str(problem.message) for problem in error.errors}
        except DomainError as error:
            if error.status == 403:
                return _error(request, error)
            errors = {"text": str(error.message)}
    credential = found.credential
    context = {
        "invitation": found,
        "credential": credential,
        "outcomes": credential.outcomes.all(),
        "alignments": credential.alignments.select_related("competency__framework").all(),
        "components": assessment_selectors.components_of(credential),
        "award_rule": credential.award_rule,
        "comments": found.comments.select_related("author", "organization"),
        "can_approve": found.status == CoDesignStatus.INVITED
        and can(request.user, "employers.codesign", found.employer),
        "errors": errors,
    }
    return render(request, "employers/invitation.html", context, status=400 if errors else 200)
