"""The learner's wallet pages, and the public page of a share link. Thin: parse, call a service, render."""

from __future__ import annotations

import json

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from microcred.accounts import throttling
from microcred.accounts.middleware import throttled_response
from microcred.errors import DomainError, ValidationFailed
from microcred.issuing import bundles
from microcred.issuing.models import ProofFormat
from microcred.vc import bundle as vc_bundle
from microcred.wallet import badges, certificate, public, selectors, services, summaries
from microcred.wallet.forms import ImportForm, ShareForm, SharePasswordForm
from microcred.wallet.models import ShareKind, ShareLink


def render_domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "error.html", {"error": error}, status=error.status)


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"  # "no-referrer" would make the forms' Origin "null" (CSRF)
    return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    items = selectors.wallet_of(request.user)
    return _private(render(request, "wallet/home.html", {"credentials": items}))


@login_required
def credential(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        held = selectors.held_credential(request.user, public_id)
    except DomainError as error:
        return render_domain_error(request, error)
    item = selectors.issued_item(held)
    context = {"item": item, "verify_url": public.verification_url(public.credential_url(held))}
    return _private(render(request, "wallet/credential.html", context))


@login_required
@require_GET
def download(request: HttpRequest, public_id: str, kind: str) -> HttpResponse:
    try:
        held = selectors.held_credential(request.user, public_id)
    except DomainError as error:
        return render_domain_error(request, error)
    is_jwt = held.proof_format == ProofFormat.VC_JWT
    signed = held.jwt if is_jwt else held.document
    summary = summaries.summarize(held.document)
    stem = public.file_stem(summary.name, summary.valid_from_at or held.issued_at)
    if kind == "json" and not is_jwt:
        body = json.dumps(held.document, ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/vc+ld+json; charset=utf-8")
        suffix = "json"
    elif kind == "jwt" and is_jwt:
        response = HttpResponse(held.jwt, content_type="application/vc+jwt")
        suffix = "jwt"
    elif kind == "png":
        response = HttpResponse(badges.baked_png(held.achievement_name, signed), content_type="image/png")
        suffix = "png"
    elif kind == "svg":
        response = HttpResponse(badges.baked_svg(held.achievement_name, signed), content_type="image/svg+xml")
        suffix = "svg"
    elif kind == "pdf":
        holder = request.user.display_name or request.user.email
        verify_url = public.verification_url(public.credential_url(held))
        response = HttpResponse(
            certificate.certificate_pdf(summary, holder=holder, verify_url=verify_url), content_type="application/pdf"
        )
        suffix = "pdf"
    elif kind == "bundle":
        try:
            body = json.dumps(bundles.build_bundle(held), ensure_ascii=False, indent=2)
        except DomainError as error:  # an organization imported from an archive signs nothing more
            return render_domain_error(request, error)
        response = HttpResponse(body, content_type=f"{vc_bundle.MEDIA_TYPE}; charset=utf-8")
        response["Content-Disposition"] = public.content_disposition(f"{stem}.bundle.json")
        return _private(response)
    else:
        return render_domain_error(
            request, DomainError(_("This credential is not available in that format."), code="format_not_available")
        )
    response["Content-Disposition"] = public.content_disposition(f"{stem}.{suffix}")
    return _private(response)


# ---------------------------------------------------------------- imports


@login_required
@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        kind, value = form.payload()
        try:
            if kind == "url":
                imported = services.import_from_url(owner=request.user, url=str(value))
            else:
                imported = services.import_credential(owner=request.user, data=value)
        except ValidationFailed as error:
            form.add_service_errors(error)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if imported.verified:
                messages.success(request, _("The credential was verified and added to your wallet."))
            else:
                messages.error(request, _("The credential was added, but it did not pass verification."))
            return redirect("wallet:import", public_id=imported.public_id)
    return render(request, "wallet/import_new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def imported(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        item = selectors.imported_item(selectors.held_import(request.user, public_id))
    except DomainError as error:
        return render_domain_error(request, error)
    return _private(render(request, "wallet/imported.html", {"item": item}))


@login_required
@require_POST
def import_verify(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        services.reverify_import(actor=request.user, imported=selectors.held_import(request.user, public_id))
    except DomainError as error:
        return render_domain_error(request, error)
    messages.success(request, _("Verified again."))
    return redirect("wallet:import", public_id=public_id)


@login_required
@require_POST
def import_delete(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        services.delete_import(actor=request.user, imported=selectors.held_import(request.user, public_id))
    except DomainError as error:
        return render_domain_error(request, error)
    messages.success(request, _("The imported credential was removed from your wallet."))
    return redirect("wallet:home")


# ---------------------------------------------------------------- sharing


IMPORT_PREFIX = "import:"


def _share_form(request: HttpRequest) -> tuple[ShareForm, dict[str, object]]:
    """The form, and its choices' keys → the credential (issued: its public id; imported: "import:" + public id)."""
    by_key: dict[str, object] = {}
    labels: list[tuple[str, str]] = []
    evidence_choices = []
    for credential in selectors.credentials_of(request.user):
        by_key[str(credential.public_id)] = credential
        labels.append((str(credential.public_id), credential.achievement_name))
        for entry in summaries.evidence_of(credential.document):
            if entry.id:
                evidence_choices.append((entry.id, f"{entry.name} ({credential.achievement_name})"))
    for imported in selectors.imports_of(request.user):
        key = f"{IMPORT_PREFIX}{imported.public_id}"
        by_key[key] = imported
        labels.append((key, f"{imported.name} ({_('Imported')})"))
        for entry in summaries.evidence_of(imported.credential):
            if entry.id:
                evidence_choices.append((entry.id, f"{entry.name} ({imported.name})"))
    initial = {}
    wanted = request.GET.get("credential")
    if wanted in by_key:
        initial = {"credentials": [wanted], "kind": ShareKind.CREDENTIAL}
    form = ShareForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        credential_choices=labels,
        evidence_choices=list(dict.fromkeys(evidence_choices)),
    )
    return form, by_key


@login_required
@require_http_methods(["GET", "POST"])
def share_new(request: HttpRequest) -> HttpResponse:
    form, by_key = _share_form(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            link, token = services.create_share_link(
                owner=request.user,
                kind=data["kind"],
                credentials=[by_key[key] for key in data["credentials"] if not key.startswith(IMPORT_PREFIX)],
                imported=[by_key[key] for key in data["credentials"] if key.startswith(IMPORT_PREFIX)],
                evidence_ids=data["evidence"],
                expires_at=form.expires_at(),
                password=data["password"],
                label=data["label"],
                permanent=form.permanent,
                show_name=data["show_name"],
            )
        except ValidationFailed as error:
            form.add_service_errors(error)
        else:
            url = request.build_absolute_uri(reverse("wallet:shared", args=[token]))
            return _private(render(request, "wallet/share_created.html", _created_context(link, url), status=201))
    return render(request, "wallet/share_new.html", {"form": form}, status=400 if form.errors else 200)


def _created_context(link: ShareLink, url: str) -> dict[str, object]:
    """The new link's page: the link to copy, its QR code, and for one credential LinkedIn, share buttons, PDF."""
    context: dict[str, object] = {"link": link, "url": url, "qr_svg": qr_svg(url)}
    credentials = list(link.credentials.all())
    if link.kind == ShareKind.CREDENTIAL and len(credentials) == 1:
        held = credentials[0]
        summary = summaries.summarize(held.document)
        context |= {
            "credential": held,
            "summary": summary,
            "linkedin_url": public.linkedin_add_url(summary, cert_url=url, cert_id=str(held.public_id)),
            "share_buttons": public.share_buttons(url, summary.name),
        }
    return context


@login_required
def shares(request: HttpRequest) -> HttpResponse:
    links = [(link, selectors.views_of(link, 20)) for link in selectors.share_links_of(request.user)]
    return _private(render(request, "wallet/shares.html", {"links": links}))


@login_required
@require_POST
def share_revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        services.revoke_share_link(actor=request.user, link=selectors.share_link_of(request.user, public_id))
    except DomainError as error:
        return render_domain_error(request, error)
    messages.success(request, _("The link is revoked: nobody can open it any more."))
    return redirect("wallet:shares")


def qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    text = image.to_string(encoding="unicode")
    return text if isinstance(text, str) else text.decode("utf-8")


@require_GET
def shared_qr(request: HttpRequest, token: str) -> HttpResponse:
    """The QR code of a link, to whoever already has the link."""
    try:
        services.shared_link(token)
    except DomainError as error:
        return HttpResponse(status=error.status)
    url = request.build_absolute_uri(reverse("wallet:shared", args=[token]))
    return _private(HttpResponse(qr_svg(url), content_type="image/svg+xml"))


@require_GET
def shared_badge(request: HttpRequest, token: str) -> HttpResponse:
    """The badge of a link's first credential, for the page's Open Graph image (a password-protected link: none)."""
    try:
        link = services.shared_link(token)
    except DomainError as error:
        return HttpResponse(status=error.status)
    first = link.credentials.order_by("issued_at", "pk").first()
    if link.has_password or first is None:
        return HttpResponse(status=404)
    response = HttpResponse(badges.badge_png(first.achievement_name), content_type="image/png")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def shared(request: HttpRequest, token: str) -> HttpResponse:
    """The public page of a share link: the verification result first, then only what the learner chose."""
    try:
        link = services.shared_link(token)
    except DomainError as error:
        response = render(request, "wallet/shared_gone.html", {"error": error}, status=error.status)
        response["X-Robots-Tag"] = "noindex"
        return _private(response)
    session_key = f"wallet-share-{link.public_id}"
    form = None
    if link.has_password and not request.session.get(session_key):
        form = SharePasswordForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            keys = throttling.share_password_keys(request, str(link.public_id))
            try:
                throttling.check(request, keys)
            except throttling.Throttled as error:
                return _private(throttled_response(request, error))
            if services.password_matches(link, form.cleaned_data["password"]):
                request.session[session_key] = True
                return redirect("wallet:shared", token=token)
            throttling.record(keys)
            form.add_error("password", _("This password does not open the link."))
        status = 400 if form.errors else 401
        response = render(request, "wallet/shared_password.html", {"form": form}, status=status)
        response["X-Robots-Tag"] = "noindex"
        return _private(response)
    items = selectors.shared_items(link, public.holder_name(link))
    holders = {item.holder for item in items}
    overall = selectors.overall_status(items)
    url = request.build_absolute_uri(reverse("wallet:shared", args=[token]))
    services.record_share_view(
        link=link, outcome=overall, referrer=request.headers.get("Referer", ""), viewer=request.user
    )
    context = {
        "link": link,
        "items": items,
        "overall": overall,
        "overall_label": summaries.STATUS_LABELS.get(overall, overall),
        "verified": overall == summaries.VALID,
        "holder": holders.pop() if len(holders) == 1 else "",
        "url": url,
        "permanent": link.expires_at is None,
    }
    response = render(request, "wallet/shared.html", context)
    response["X-Robots-Tag"] = "noindex"
    return _private(response)


# ---------------------------------------------------------------- the record and pathways


def _chosen(request: HttpRequest) -> list | None:
    wanted = request.GET.getlist("credential")
    if not wanted:
        return None
    return [selectors.held_credential(request.user, public_id) for public_id in wanted[:256]]


@login_required
def record(request: HttpRequest) -> HttpResponse:
    try:
        chosen = _chosen(request)
    except DomainError as error:
        return render_domain_error(request, error)
    items = [selectors.issued_item(credential) for credential in chosen or selectors.credentials_of(request.user)]
    context = {"items": items, "owner": request.user, "query": request.GET.urlencode()}
    return _private(render(request, "wallet/record.html", context))


@login_required
@require_GET
def record_clr(request: HttpRequest) -> HttpResponse:
    try:
        signed = services.export_clr(owner=request.user, credentials=_chosen(request))
    except DomainError as error:
        return render_domain_error(request, error)
    response = JsonResponse(signed, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Type"] = "application/vc+ld+json; charset=utf-8"
    response["Content-Disposition"] = 'attachment; filename="learner-record-clr.json"'
    return _private(response)


@login_required
def pathways(request: HttpRequest) -> HttpResponse:
    return _private(render(request, "wallet/pathways.html", {"standings": selectors.pathway_progress(request.user)}))
