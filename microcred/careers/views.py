"""Careers pages: a learner's skills gap, and practitioners' clients (target, skills held, gap, shortlist).

Thin: parse, call selectors or one service, render. A client another organization advises is "not found".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred.careers import selectors, services
from microcred.careers.models import Client
from microcred.catalog.models import DeliveryMode, Region
from microcred.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed


def _error(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "error.html", {"error": error}, status=error.status)


def _flash(request: HttpRequest, error: DomainError) -> None:
    if isinstance(error, ValidationFailed):
        for field_error in error.errors:
            messages.error(request, field_error.message)
    else:
        messages.error(request, error.message)


def _filter_context(request: HttpRequest) -> tuple[selectors.Filters, list[str]]:
    try:
        return selectors.parse_filters(request.GET), []
    except ValidationFailed as error:
        return selectors.Filters(), [str(e.message) for e in error.errors]


def _choices() -> dict[str, Any]:
    return {"regions": Region.choices, "modes": DeliveryMode.choices}


def _target_from(params: Any) -> selectors.Target | None:
    if params.get("occupation"):
        return selectors.occupation_target(selectors.occupation_by_id(params.get("occupation")))
    if params.get("posting"):
        return selectors.posting_target(selectors.posting_by_id(params.get("posting")))
    return None


@login_required
def learner_gap(request: HttpRequest) -> HttpResponse:
    """The learner's "Skills gap" page: pick an occupation, see what they hold, lack, and what closes the gap."""
    query = request.GET.get("q", "").strip()[: selectors.MAX_QUERY]
    filters, filter_errors = _filter_context(request)
    try:
        target = _target_from(request.GET)
    except DomainError as error:
        return _error(request, error)
    held = selectors.learner_skills(request.user)
    analysis = None
    if target is not None:
        analysis = selectors.analyse(held, target, filters, exclude=selectors.learner_micro_credentials(request.user))
    context = {
        "query": query,
        **_occupation_context(query, held.keys(), show_suggestions=target is None or bool(query)),
        "postings": selectors.search_postings(query) if query else None,
        "held": list(held.values()),
        "analysis": analysis,
        "filters": filters,
        "filter_errors": filter_errors,
        "target_param": _target_param(target),
        "advising": bool(selectors.advising_organizations(request.user)),
        **_choices(),
    }
    return render(request, "careers/learner_gap.html", context, status=400 if filter_errors else 200)


def _occupation_context(query: str, held_skill_ids: Any, show_suggestions: bool) -> dict[str, Any]:
    """The occupations a query finds; with none (or no query) suggestions, and labels close to a query found nowhere."""
    matches = selectors.find_occupations(query) if query else None
    close = selectors.close_occupation_labels(query) if query and not matches else []
    offer = show_suggestions and not matches
    return {
        "occupations": matches,
        "close_labels": close,
        "suggested_occupations": selectors.occupation_suggestions(held_skill_ids) if offer else [],
    }


def _target_param(target: selectors.Target | None) -> dict[str, str]:
    if target is None:
        return {}
    return {target.kind: str(target.pk)}


# ---------------------------------------------------------------- practitioners


def _require_practitioner(request: HttpRequest) -> list[Any]:
    organizations = selectors.advising_organizations(request.user)
    if not organizations:
        raise PermissionDenied(_("Only career practitioners advise clients."), code="permission_denied")
    return organizations


@login_required
def client_list(request: HttpRequest) -> HttpResponse:
    try:
        organizations = _require_practitioner(request)
    except DomainError as error:
        return _error(request, error)
    clients = selectors.clients_for(request.user)
    return render(request, "careers/clients.html", {"clients": clients, "organizations": organizations})


@login_required
def new_client(request: HttpRequest) -> HttpResponse:
    try:
        organizations = _require_practitioner(request)
    except DomainError as error:
        return _error(request, error)
    values = {"display_name": "", "notes": "", "organization": str(organizations[0].pk)}
    errors: list[str] = []
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        organization = next((o for o in organizations if str(o.pk) == values["organization"]), None)
        try:
            if organization is None:
                raise ValidationFailed.single("organization", "invalid_choice", _("Choose an organization."))
            client = services.create_client(
                actor=request.user,
                organization=organization,
                display_name=values["display_name"],
                notes=values["notes"],
            )
        except ValidationFailed as error:
            errors = [str(e.message) for e in error.errors]
        except DomainError as error:
            return _error(request, error)
        else:
            messages.success(request, _("Client added."))
            return redirect("careers:client", client.pk)
    context = {"organizations": organizations, "values": values, "errors": errors}
    return render(request, "careers/client_form.html", context, status=400 if errors else 200)


def _client(request: HttpRequest, client_id: Any) -> Client:
    return selectors.client_for(request.user, client_id)


def _client_url(client: Client, **params: str) -> str:
    url = reverse("careers:client", args=[client.pk])
    params = {k: v for k, v in params.items() if v}
    return f"{url}?{urlencode(params)}" if params else url


@login_required
def client_page(request: HttpRequest, client_id: int) -> HttpResponse:
    try:
        client = _client(request, client_id)
    except DomainError as error:
        return _error(request, error)
    query = request.GET.get("q", "").strip()[: selectors.MAX_QUERY]
    skill_query = request.GET.get("skill_q", "").strip()[: selectors.MAX_QUERY]
    credential_query = request.GET.get("credential_q", "").strip()[: selectors.MAX_QUERY]
    filters, filter_errors = _filter_context(request)
    held = selectors.client_skills(client)
    target = selectors.target_of_client(client)
    analysis = None
    if target is not None:
        analysis = selectors.analyse(held, target, filters, exclude=list(client.held_credentials.all()))
    shortlist = list(selectors.shortlist_of(client))
    context = {
        "client": client,
        "query": query,
        **_occupation_context(query, held.keys(), show_suggestions=target is None or bool(query)),
        "postings": selectors.search_postings(query) if query else None,
        "skill_query": skill_query,
        "skill_matches": selectors.search_skills(skill_query) if skill_query else None,
        "credential_query": credential_query,
        "credential_matches": selectors.search_published_credentials(credential_query) if credential_query else None,
        "held": list(held.values()),
        "recorded_skills": list(client.held_skills.order_by("short_name")),
        "held_credentials": list(client.held_credentials.select_related("provider").order_by("title")),
        "analysis": analysis,
        "filters": filters,
        "filter_errors": filter_errors,
        "shortlist": shortlist,
        "shortlisted": {item.credential_id for item in shortlist},
        **_choices(),
    }
    return render(request, "careers/client.html", context, status=400 if filter_errors else 200)


FORM_ERRORS: tuple[type[DomainError], ...] = (ValidationFailed, NotFound, Conflict)


def _on_client(
    request: HttpRequest,
    client_id: int,
    act: Callable[[Client], None],
    *,
    anchor: str = "",
    shown_on_page: tuple[type[DomainError], ...] = FORM_ERRORS,
) -> HttpResponse:
    """The frame of every POST on a client page: find the client (another organization's is "not found"), do one
    thing, and come back to the page. Errors of ``shown_on_page`` are shown there; others get the error page."""
    try:
        client = _client(request, client_id)
    except DomainError as error:
        return _error(request, error)
    try:
        act(client)
    except shown_on_page as error:
        _flash(request, error)
    except DomainError as error:
        return _error(request, error)
    return redirect(_client_url(client) + anchor)


@login_required
@require_POST
def client_target(request: HttpRequest, client_id: int) -> HttpResponse:
    def act(client: Client) -> None:
        if request.POST.get("clear"):
            services.set_target(actor=request.user, client=client)
        elif request.POST.get("posting"):
            posting = selectors.posting_by_id(request.POST.get("posting"))
            services.set_target(actor=request.user, client=client, posting=posting)
        else:
            occupation = selectors.occupation_by_id(request.POST.get("occupation"))
            services.set_target(actor=request.user, client=client, occupation=occupation)

    # the target is picked from search results by id: an unknown one is a 404, not a form error
    return _on_client(request, client_id, act, shown_on_page=(ValidationFailed,))


@login_required
@require_POST
def client_skills(request: HttpRequest, client_id: int) -> HttpResponse:
    def act(client: Client) -> None:
        if "remove" in request.POST:
            services.remove_held_skill(actor=request.user, client=client, skill=request.POST.get("remove"))
        elif "text" in request.POST:
            added = services.add_skills_from_text(actor=request.user, client=client, text=request.POST.get("text"))
            if added:
                names = ", ".join(c.short_name or c.statement for c in added)
                messages.success(request, _("Skills found and added: %(names)s") % {"names": names})
            else:
                messages.info(request, _("No new skill was found in this text."))
        else:
            services.add_held_skills(actor=request.user, client=client, skills=request.POST.getlist("skill")[:600])

    return _on_client(request, client_id, act)


@login_required
@require_POST
def client_credentials(request: HttpRequest, client_id: int) -> HttpResponse:
    def act(client: Client) -> None:
        if "remove" in request.POST:
            credential = selectors.published_credential_by_id(request.POST.get("remove"))
            services.remove_held_credential(actor=request.user, client=client, credential=credential)
        else:
            credential = selectors.published_credential_by_id(request.POST.get("credential"))
            services.add_held_credential(actor=request.user, client=client, credential=credential)

    return _on_client(request, client_id, act)


@login_required
@require_POST
def shortlist_add(request: HttpRequest, client_id: int) -> HttpResponse:
    def act(client: Client) -> None:
        credential = selectors.published_credential_by_id(request.POST.get("credential"))
        note = request.POST.get("note", "")
        services.add_to_shortlist(actor=request.user, client=client, credential=credential, note=note)
        messages.success(request, _("Added to the shortlist: %(title)s") % {"title": credential.title})

    return _on_client(request, client_id, act, anchor="#shortlist")


@login_required
@require_POST
def shortlist_item(request: HttpRequest, client_id: int, item_id: int) -> HttpResponse:
    def act(client: Client) -> None:
        item = selectors.shortlist_item(client, item_id)
        if "remove" in request.POST:
            services.remove_from_shortlist(actor=request.user, item=item)
            messages.success(request, _("Removed from the shortlist."))
        else:
            services.update_shortlist_note(actor=request.user, item=item, note=request.POST.get("note", ""))
            messages.success(request, _("Note saved."))

    return _on_client(request, client_id, act, anchor="#shortlist")
