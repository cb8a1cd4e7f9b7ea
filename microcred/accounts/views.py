"""Pages for signing up, organizations, members and invitations. Thin: parse, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from microcred.accounts import selectors, services, throttling
from microcred.accounts.forms import ApiTokenForm, InvitationForm, OrganizationForm, SignUpForm
from microcred.accounts.middleware import throttled_response
from microcred.accounts.permissions import can, require
from microcred.audit.selectors import entries_for_organization
from microcred.errors import DomainError, NotFound, PermissionDenied, ValidationFailed


def render_domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "error.html", {"error": error}, status=error.status)


class LoginView(auth_views.LoginView):
    """Django's log-in page, with a limit on wrong passwords per address and e-mail (and per address): once over
    it, even the right password waits for the window to end, so guessing cannot be finished by luck. Without a
    ``next`` page, a person lands on their home, the page of their roles."""

    template_name = "accounts/login.html"

    def get_default_redirect_url(self) -> str:
        return reverse("accounts:start")

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        keys = throttling.login_keys(request, request.POST.get("username", "")[:254])
        try:
            throttling.check(request, keys)
        except throttling.Throttled as error:
            return throttled_response(request, error)
        response = super().post(request, *args, **kwargs)
        if request.user.is_authenticated:
            throttling.forget(keys[:1])  # the right password clears this address's count for the account
        else:
            throttling.record(keys)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, limited per address and e-mail (and per address): no inbox flooding, no probing."""

    def form_valid(self, form: object) -> HttpResponse:
        email = str(getattr(form, "cleaned_data", {}).get("email", ""))
        try:
            throttling.attempt(self.request, throttling.password_reset_keys(self.request, email))
        except throttling.Throttled as error:
            return throttled_response(self.request, error)
        return super().form_valid(form)


def _sign_up_urls(request: HttpRequest) -> dict[str, str]:
    return {
        "confirm_url_base": request.build_absolute_uri(reverse("accounts:sign_up_confirm_base")),
        "reset_url": request.build_absolute_uri(reverse("accounts:password_reset")),
    }


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            throttling.attempt(request, throttling.sign_up_keys(request))
            services.sign_up(
                email=data["email"],
                password=data["password"],
                display_name=data["display_name"],
                preferred_language=data["preferred_language"],
                **_sign_up_urls(request),
            )
        except throttling.Throttled as error:
            return throttled_response(request, error)
        except ValidationFailed as error:
            form.add_service_errors(error)
        else:  # the same answer whether or not the address was registered
            return redirect("accounts:sign_up_sent")
    return render(request, "accounts/sign_up.html", {"form": form}, status=400 if form.errors else 200)


def sign_up_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/sign_up_sent.html")


@require_http_methods(["GET", "POST"])
def sign_up_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the confirmation e-mail: a button (a GET changes nothing, so link scanners open no account)."""
    if request.method == "POST":
        try:
            user = services.confirm_sign_up(token=token)
        except DomainError as error:
            return render_domain_error(request, error)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to microcred. Your wallet is ready."))
        return redirect("wallet:home")
    return render(request, "accounts/sign_up_confirm.html")


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """A person's home: a section for each of their roles (designer, reviewer, assessor, learner, employer, platform
    administrator), each registered by the domain that owns it."""
    from microcred.accounts.homes import sections_for

    return render(request, "accounts/start.html", {"sections": sections_for(request)})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = selectors.memberships_of(request.user)
    return render(request, "accounts/home.html", {"memberships": memberships})


@login_required
@require_http_methods(["GET", "POST"])
def organization_create(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.create_organization(actor=request.user, **form.service_data())
        except ValidationFailed as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The organization was created; you are its administrator."))
            return redirect("accounts:organization", slug=organization.slug)
    return render(request, "accounts/organization_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def organization_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        organization = selectors.organization_by_slug(slug)
        require(request.user, "organization.view", organization)
    except DomainError as error:
        return render_domain_error(request, error)
    manage = can(request.user, "organization.manage_members", organization)
    form = InvitationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not manage:
            return render_domain_error(request, PermissionDenied(_("You are not allowed to do this.")))
        if form.is_valid():
            try:
                services.invite_member(
                    actor=request.user,
                    organization=organization,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    accept_url_base=request.build_absolute_uri(reverse("accounts:invitation_base")),
                )
            except ValidationFailed as error:
                form.add_service_errors(error)
            except DomainError as error:
                form.add_error("email", error.message)
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
                return redirect("accounts:organization", slug=slug)
        status = 400
    context = {
        "organization": organization,
        "members": selectors.members_of(organization),
        "invitations": selectors.pending_invitations(organization) if manage else [],
        "can_manage": manage,
        "can_report": can(request.user, "reporting.view", organization),
        "can_edit_profile": can(request.user, "organization.edit", organization),
        "form": form,
        "audit": entries_for_organization(organization.pk, limit=20)
        if can(request.user, "organization.view_audit", organization)
        else [],
    }
    return render(request, "accounts/organization.html", context, status=status)


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        found = services.find_invitation(token)
    except DomainError as error:
        return render_domain_error(request, error)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        try:
            membership = services.accept_invitation(user=request.user, token=token)
        except DomainError as error:
            return render_domain_error(request, error)
        messages.success(request, _("You joined %(name)s.") % {"name": membership.organization.name})
        return redirect("accounts:organization", slug=membership.organization.slug)
    return render(request, "accounts/invitation.html", {"invitation": found})


@login_required
@require_POST
def remove_member(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    try:
        organization = selectors.organization_by_slug(slug)
        membership = organization.memberships.select_related("user").filter(pk=member_id).first()
        if membership is None:
            raise NotFound(_("No such member."))
        services.remove_member(actor=request.user, membership=membership)
    except DomainError as error:
        return render_domain_error(request, error)
    messages.success(request, _("The member was removed."))
    return redirect("accounts:organization", slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The person's API tokens: make one (its secret shown on this answer only), see them all, revoke any."""
    form = ApiTokenForm(request.POST or None)
    created, secret, status = None, "", 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created, secret = services.create_api_token(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    expires_in_days=form.cleaned_data["expires_in_days"],
                )
            except ValidationFailed as error:
                form.add_service_errors(error)
            else:
                form = ApiTokenForm()
        status = 201 if created else 400
    context = {
        "form": form,
        "tokens": selectors.api_tokens_of(request.user),
        "created": created,
        "secret": secret,
        "now": timezone.now(),
    }
    response = render(request, "accounts/tokens.html", context, status=status)
    response["Cache-Control"] = "no-store"  # the secret is in this page once; no cache keeps it
    return response


@login_required
@require_POST
def revoke_api_token(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = services.revoke_api_token(user=request.user, token_id=token_id)
    except DomainError as error:
        return render_domain_error(request, error)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("accounts:api_tokens")
