"""A provider's admins register the LMSs microcred is a tool of: the list with the URLs to give the LMS, add, edit,
remove. Each change goes through ``services`` (permission, audit)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from microcred.accounts import selectors as account_selectors
from microcred.accounts.permissions import require
from microcred.accounts.views import render_domain_error
from microcred.errors import DomainError, NotFound, ValidationFailed
from microcred.lti import services
from microcred.lti.forms import PlatformForm
from microcred.lti.models import Platform


def tool_urls(request: HttpRequest) -> dict[str, str]:
    """What an LMS administrator enters when adding microcred as an LTI 1.3 tool."""
    return {
        "login": request.build_absolute_uri(reverse("lti:login")),
        "launch": request.build_absolute_uri(reverse("lti:launch")),
        "jwks": request.build_absolute_uri(reverse("lti:jwks")),
        "deep_linking": request.build_absolute_uri(reverse("lti:launch")),
    }


@login_required
@require_http_methods(["GET", "POST"])
def platforms(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        organization = account_selectors.organization_by_slug(slug)
        require(request.user, "lti.manage_platforms", organization)
    except DomainError as error:
        return render_domain_error(request, error)
    form = PlatformForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.register_platform(actor=request.user, provider=organization, data=form.cleaned_data)
            except ValidationFailed as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("The platform is registered."))
                return redirect("lti:platforms", slug=slug)
        status = 400
    context = {
        "organization": organization,
        "platforms": Platform.objects.filter(provider=organization),
        "form": form,
        "urls": tool_urls(request),
    }
    return render(request, "lti/platforms.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def platform_detail(request: HttpRequest, slug: str, platform_id: int) -> HttpResponse:
    try:
        organization = account_selectors.organization_by_slug(slug)
        require(request.user, "lti.manage_platforms", organization)
        platform = Platform.objects.filter(pk=platform_id, provider=organization).first()
        if platform is None:
            raise NotFound(_("No such platform."))
    except DomainError as error:
        return render_domain_error(request, error)
    if request.method == "POST" and request.POST.get("action") == "remove":
        services.remove_platform(actor=request.user, platform=platform)
        messages.success(request, _("The platform is removed."))
        return redirect("lti:platforms", slug=slug)
    form = PlatformForm(request.POST or None, initial=PlatformForm.initial_for(platform))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_platform(actor=request.user, platform=platform, data=form.cleaned_data)
            except ValidationFailed as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("The platform is saved."))
                return redirect("lti:platforms", slug=slug)
        status = 400
    context = {"organization": organization, "platform": platform, "form": form, "urls": tool_urls(request)}
    return render(request, "lti/platform.html", context, status=status)
