"""Providers' stacking pages: the pathway editor with a preview of learners' progress, and the trust list with the
recognition agreements. Thin: parse, call one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from microcred.accounts.models import Organization
from microcred.accounts.permissions import can
from microcred.accounts.views import render_domain_error
from microcred.assessment import ladder
from microcred.assessment.stacking_forms import AgreementForm, PathwayForm, TrustForm
from microcred.catalog import pathways, recognition, selectors
from microcred.catalog.models import (
    AgreementStatus,
    MicroCredential,
    Pathway,
    RecognitionAgreement,
    Status,
)
from microcred.errors import DomainError, NotFound, PermissionDenied, ValidationFailed

MAX_CHOICES = 300


def _provider(request: HttpRequest, slug: str, action: str) -> Organization:
    provider = selectors.provider_by_slug(slug)
    if not can(request.user, action, provider):
        raise PermissionDenied(_("You are not allowed to do this."))
    return provider


def _own(provider: Organization) -> list[MicroCredential]:
    return list(
        MicroCredential.objects.filter(provider=provider)
        .exclude(status__in=[Status.RETIRED, Status.SUPERSEDED])
        .select_related("provider")
        .order_by("title", "-version")[:MAX_CHOICES]
    )


def _catalog(pathway: Pathway | None) -> list[MicroCredential]:
    found = list(
        MicroCredential.objects.filter(status=Status.PUBLISHED)
        .select_related("provider")
        .order_by("title")[:MAX_CHOICES]
    )
    if pathway is not None:
        found += [m for m in pathway.members.select_related("provider") if m not in found]
    return found


def _initial(pathway: Pathway) -> dict[str, Any]:
    return {
        "title": pathway.title,
        "kind": pathway.kind,
        "members": [m.pk for m in pathway.members.all()],
        "external": "\n".join(
            f"{e.get('achievement', '')} | {e.get('name', '')} | {e.get('credits', '')}"
            for e in pathway.external_components or []
        ),
        "rule": pathway.rule,
        "required_count": pathway.required_count,
        "min_credits": pathway.min_credits if pathway.min_credits is not None else "",
        "resulting_credential": pathway.resulting_credential_id,
        "description": pathway.description,
    }


@login_required
@require_http_methods(["GET", "POST"])
def pathway_editor(request: HttpRequest, provider: str, slug: str | None = None) -> HttpResponse:
    try:
        organization = _provider(request, provider, "catalog.edit")
        pathway = None
        if slug is not None:
            pathway = Pathway.objects.filter(provider=organization, slug=slug).select_related("provider").first()
            if pathway is None:
                raise NotFound(_("No such pathway."))
    except DomainError as error:
        return render_domain_error(request, error)
    catalog, own = _catalog(pathway), _own(organization)
    form = PathwayForm(
        request.POST if request.method == "POST" else None,
        catalog=catalog,
        own=own,
        initial=_initial(pathway) if pathway is not None else {"rule": "all", "kind": "certificate"},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = form.cleaned_data
            by_id = {c.pk: c for c in catalog + own}
            try:
                saved = pathways.save_pathway(
                    actor=request.user,
                    provider=organization,
                    pathway=pathway,
                    title=values["title"],
                    kind=values["kind"],
                    members=[by_id[pk] for pk in values["members"]],
                    external_components=form.external_components(),
                    rule=values["rule"],
                    required_count=values["required_count"],
                    min_credits=values["min_credits"] or None,
                    resulting_credential=by_id.get(values["resulting_credential"] or 0),
                    description=values["description"],
                    transfer_notes=pathway.transfer_notes if pathway is not None else "",
                )
            except ValidationFailed as error:
                form.add_service_errors(error)
            except DomainError as error:
                return render_domain_error(request, error)
            else:
                messages.success(request, _("The pathway was saved."))
                return redirect("assessment:pathway_edit", provider=organization.slug, slug=saved.slug)
        status = 400
    preview = ladder.progress_preview(pathway) if pathway is not None else None
    context = {
        "provider": organization,
        "pathway": pathway,
        "form": form,
        "preview": sorted(preview.items()) if preview is not None else None,
        "learners": sum(preview.values()) if preview else 0,
        "pathways": Pathway.objects.filter(provider=organization).order_by("title"),
    }
    return render(request, "assessment/pathway_editor.html", context, status=status)


def _agreements(organization: Organization) -> list[RecognitionAgreement]:
    both = RecognitionAgreement.objects.filter(recognising=organization) | RecognitionAgreement.objects.filter(
        recognised=organization
    )
    return list(
        both.select_related("recognising", "recognised", "proposed_by", "satisfies__provider").order_by(
            "-created_at", "-pk"
        )
    )


def _agreement_actions(agreement: RecognitionAgreement, organization: Organization) -> list[tuple[str, str]]:
    side = "recognising" if agreement.recognising_id == organization.pk else "recognised"
    proposer = agreement.proposed_by_id == organization.pk
    actions = []
    if agreement.status == AgreementStatus.PROPOSED:
        if getattr(agreement, f"{side}_approved_at") is None:
            actions.append(("approve", _("Approve")))
        if not proposer:
            actions.append(("reject", _("Reject")))
        else:
            actions.append(("withdraw", _("Withdraw")))
    elif agreement.status == AgreementStatus.APPROVED:
        actions.append(("withdraw", _("Withdraw")))
    return actions


@login_required
@require_http_methods(["GET", "POST"])
def trust(request: HttpRequest, provider: str) -> HttpResponse:
    try:
        organization = _provider(request, provider, "catalog.trust")
    except DomainError as error:
        return render_domain_error(request, error)
    own = _own(organization)
    action = request.POST.get("action") if request.method == "POST" else None
    trust_form = TrustForm(request.POST if action == "trust" else None)
    agreement_form = AgreementForm(request.POST if action == "propose" else None, own=own)
    status = 200
    if action:
        try:
            if action == "trust" and trust_form.is_valid():
                values = trust_form.cleaned_data
                named = None
                if values["organization"]:
                    named = Organization.objects.filter(slug=values["organization"]).first()
                    if named is None:
                        raise ValidationFailed.single("organization", "unknown", _("No such organization."))
                recognition.add_trusted_issuer(
                    actor=request.user,
                    provider=organization,
                    issuer_did=values["issuer_did"],
                    organization=named,
                    name=values["name"],
                )
                messages.success(request, _("The issuer was added to your trust list."))
                return redirect("assessment:trust", provider=organization.slug)
            if action == "distrust":
                entry = organization.trusted_issuers.filter(pk=_number(request.POST.get("entry"))).first()
                if entry is None:
                    raise NotFound(_("No such issuer on the trust list."))
                recognition.remove_trusted_issuer(actor=request.user, entry=entry)
                messages.success(request, _("The issuer was removed from your trust list."))
                return redirect("assessment:trust", provider=organization.slug)
            if action == "propose" and agreement_form.is_valid():
                values = agreement_form.cleaned_data
                other = Organization.objects.filter(slug=values["recognised"]).first()
                if other is None:
                    raise ValidationFailed.single("recognised", "unknown", _("No such organization."))
                recognition.propose_agreement(
                    actor=request.user,
                    proposer=organization,
                    recognising=organization,
                    recognised=other,
                    achievement=values["achievement"],
                    achievement_name=values["achievement_name"],
                    satisfies=next(c for c in own if c.pk == values["satisfies"]),
                    credits=values["credits"] or None,
                )
                messages.success(request, _("The agreement was proposed; the other provider must approve it."))
                return redirect("assessment:trust", provider=organization.slug)
            if action in ("approve", "reject", "withdraw"):
                agreement = next(
                    (a for a in _agreements(organization) if a.pk == _number(request.POST.get("agreement"))), None
                )
                if agreement is None:
                    raise NotFound(_("No such agreement."))
                if action == "approve":
                    recognition.approve_agreement(actor=request.user, agreement=agreement, organization=organization)
                else:
                    recognition.close_agreement(
                        actor=request.user, agreement=agreement, organization=organization, reject=action == "reject"
                    )
                messages.success(request, _("The agreement was updated."))
                return redirect("assessment:trust", provider=organization.slug)
        except ValidationFailed as error:
            (agreement_form if action == "propose" else trust_form).add_service_errors(error)
        except DomainError as error:
            messages.error(request, error.message)
        status = 400
    found = _agreements(organization)
    context = {
        "provider": organization,
        "entries": organization.trusted_issuers.select_related("organization"),
        "agreements": [(a, _agreement_actions(a, organization)) for a in found],
        "trust_form": trust_form,
        "agreement_form": agreement_form,
    }
    return render(request, "assessment/trust.html", context, status=status)


def _number(value: Any) -> int:
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else 0
