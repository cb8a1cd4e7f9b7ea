"""The page where a provider aligns a design (or one of its learning outcomes) to framework competencies."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred.accounts.permissions import can
from microcred.catalog import alignments, selectors, suggestions
from microcred.catalog.models import Alignment
from microcred.errors import DomainError, NotFound, ValidationFailed
from microcred.frameworks import selectors as frameworks


@login_required
def align(request: HttpRequest, provider: str, slug: str, version: int) -> HttpResponse:
    try:
        credential = selectors.credential_version(request.user, provider, slug, version)
        if not can(request.user, "catalog.edit", credential):
            raise NotFound(_("No such micro-credential."), code="credential_not_found")
        if request.method == "POST":
            if request.POST.get("remove"):
                alignment = credential.alignments.filter(pk=request.POST["remove"]).first()
                if alignment is None:
                    raise NotFound(_("No such alignment."), code="alignment_not_found")
                alignments.remove_alignment(actor=request.user, alignment=alignment)
            else:
                framework = frameworks.framework_version(
                    request.user, request.POST.get("framework", ""), request.POST.get("version", "")
                )
                competency = frameworks.competency(framework, request.POST.get("competency", ""))
                outcome = request.POST.get("outcome", "")
                alignments.align(
                    actor=request.user,
                    credential=credential,
                    competency=competency,
                    outcome_position=int(outcome) if outcome.isascii() and outcome.isdigit() else None,
                )
            return redirect(request.get_full_path())
    except DomainError as error:
        return render(request, "error.html", {"error": error}, status=error.status)
    choices = list(frameworks.visible_frameworks(request.user).order_by("title"))
    chosen = next((f for f in choices if f.slug == request.GET.get("framework")), choices[0] if choices else None)
    query = request.GET.get("q", "").strip()[:200]
    if chosen is not None and query:
        matches = frameworks.search(chosen, query, limit=50)
    elif chosen is not None:
        matches = [node.competency for node in frameworks.children(chosen, None)[0]]
    else:
        matches = []
    context = {
        "credential": credential,
        "alignments": Alignment.objects.filter(credential=credential).select_related("competency__framework"),
        "outcomes": credential.outcomes.all(),
        "frameworks": choices,
        "chosen": chosen,
        "query": query,
        "matches": matches,
        "editable": credential.is_editable,
        "suggestions": suggestions.suggest(credential) if credential.is_editable else None,
    }
    return render(request, "catalog/align.html", context)


@login_required
@require_POST
def suggestion(request: HttpRequest, provider: str, slug: str, version: int) -> HttpResponse:
    """Accept (align) or reject one suggested ESCO skill for one learning outcome, then back to the page."""
    try:
        credential = selectors.credential_version(request.user, provider, slug, version)
        if not can(request.user, "catalog.edit", credential):
            raise NotFound(_("No such micro-credential."), code="credential_not_found")
        decision = request.POST.get("decision", "")
        if decision not in ("accept", "reject"):
            raise ValidationFailed.single("decision", "invalid_choice", _("Accept or reject the suggestion."))
        decide = suggestions.accept if decision == "accept" else suggestions.reject
        decide(
            actor=request.user,
            credential=credential,
            outcome=request.POST.get("outcome", ""),
            competency=request.POST.get("competency", ""),
        )
    except DomainError as error:
        return render(request, "error.html", {"error": error}, status=error.status)
    url = reverse("catalog:align", args=[credential.provider.slug, credential.slug, credential.version])
    outcome = request.POST.get("outcome", "")
    return redirect(f"{url}#outcome-{outcome}" if outcome.isascii() and outcome.isdigit() else url)
