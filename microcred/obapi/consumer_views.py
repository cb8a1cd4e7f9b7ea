"""The learner's "Other platforms" pages: connect the wallet to another platform's Open Badges API, pull from it,
push to it. Thin: parse, call one service in ``consumer``, answer."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from microcred.errors import DomainError, NotFound
from microcred.issuing.selectors import credentials_of
from microcred.obapi import consumer
from microcred.obapi.models import Connection, ConnectionStatus

PENDING = "obapi_pending"


def _said(error: DomainError) -> str:
    """What went wrong, in words: the field messages of a ValidationFailed, else the error's message."""
    return " ".join(str(item.message) for item in getattr(error, "errors", [])) or str(error.message)


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


def _callback(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("obapi:platform_callback"))


@login_required
@require_http_methods(["GET", "POST"])
def platforms(request: HttpRequest) -> HttpResponse:
    error: DomainError | None = None
    if request.method == "POST":
        try:
            started = consumer.start(
                actor=request.user, url=request.POST.get("url", ""), redirect_uri=_callback(request)
            )
        except DomainError as refused:
            error = refused
        else:
            pending = request.session.get(PENDING, {})
            pending = dict(list(pending.items())[-4:])  # a few attempts at once, no more
            pending[started.state] = {"connection": str(started.connection.public_id), "verifier": started.verifier}
            request.session[PENDING] = pending
            return redirect("obapi:platform_continue", public_id=started.connection.public_id)
    context: dict[str, Any] = {
        "connections": Connection.objects.filter(owner=request.user).exclude(status=ConnectionStatus.DISCONNECTED),
        "credentials": credentials_of(request.user).filter(revoked_at__isnull=True).order_by("-issued_at")[:100],
        "error": _said(error) if error else "",
        "url": request.POST.get("url", ""),
    }
    return _private(render(request, "obapi/platforms.html", context, status=error.status if error else 200))


@login_required
@require_GET
def platform_continue(request: HttpRequest, public_id: str) -> HttpResponse:
    """A link to the platform's consent page (a form's answer may not redirect to another site under the CSP)."""
    try:
        connection = consumer.own(request.user, public_id)
    except DomainError as error:
        return render(request, "error.html", {"error": error}, status=error.status)
    pending = request.session.get(PENDING, {})
    state = next((s for s, item in pending.items() if item["connection"] == str(connection.public_id)), None)
    if state is None or connection.status != ConnectionStatus.PENDING:
        return redirect("obapi:platforms")
    url = consumer.session_for(connection, redirect_uri=_callback(request)).create_authorization_url(
        connection.authorization_endpoint, state=state, code_verifier=pending[state]["verifier"]
    )[0]
    return _private(render(request, "obapi/platform_continue.html", {"connection": connection, "url": url}))


@login_required
@require_GET
def platform_callback(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING, {})
    item = pending.pop(request.GET.get("state", ""), None)
    request.session[PENDING] = pending
    if item is None:
        messages.error(request, _("This answer from the platform does not match a connection you started."))
        return redirect("obapi:platforms")
    try:
        connection = consumer.own(request.user, item["connection"])
        if "error" in request.GET:
            messages.error(
                request, _("The platform did not give access: %(error)s.") % {"error": request.GET["error"][:100]}
            )
            return redirect("obapi:platforms")
        consumer.finish(
            actor=request.user,
            connection=connection,
            authorization_response=request.build_absolute_uri(),
            redirect_uri=_callback(request),
            verifier=item["verifier"],
        )
    except DomainError as error:
        messages.error(request, _said(error))
        return redirect("obapi:platforms")
    messages.success(request, _("Connected to %(name)s.") % {"name": connection.name})
    return redirect("obapi:platforms")


@login_required
@require_POST
def platform_action(request: HttpRequest, public_id: str, action: str) -> HttpResponse:
    if action not in ("pull", "push", "disconnect"):
        return render(request, "error.html", {"error": NotFound(_("No such page."), code="not_found")}, status=404)
    try:
        connection = consumer.own(request.user, public_id)
        if action == "pull":
            pulled = consumer.pull(actor=request.user, connection=connection)
            messages.success(
                request,
                _("From %(name)s: %(added)s added, %(updated)s updated, %(refused)s refused.")
                % {
                    "name": connection.name,
                    "added": pulled.added,
                    "updated": pulled.updated,
                    "refused": len(pulled.refused),
                },
            )
            for reason in pulled.refused[:5]:
                messages.warning(request, reason)
        elif action == "push":
            consumer.push(
                actor=request.user, connection=connection, credential_public_id=request.POST.get("credential")
            )
            messages.success(request, _("Sent to %(name)s.") % {"name": connection.name})
        else:
            consumer.disconnect(actor=request.user, connection=connection)
            messages.success(request, _("Disconnected from %(name)s.") % {"name": connection.name})
    except DomainError as error:
        messages.error(request, _said(error))
    return redirect("obapi:platforms")
