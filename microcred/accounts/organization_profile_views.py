"""The page where an organization's admins edit its public profile: name, description, website, logo and the
second language. Thin: the form parses, ``organization_profile.update_organization_profile`` decides and writes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from microcred.accounts import selectors
from microcred.accounts.forms import OrganizationProfileForm
from microcred.accounts.organization_profile import update_organization_profile
from microcred.accounts.permissions import require
from microcred.errors import DomainError, ValidationFailed


@login_required
@require_http_methods(["GET", "POST"])
def organization_profile(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        organization = selectors.organization_by_slug(slug)
        require(request.user, "organization.view", organization)
        require(request.user, "organization.edit", organization)
    except DomainError as error:
        return render(request, "error.html", {"error": error}, status=error.status)
    form = OrganizationProfileForm(
        request.POST or None, request.FILES or None, initial=OrganizationProfileForm.initial_for(organization)
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_organization_profile(
                actor=request.user,
                organization=organization,
                changes=form.profile_changes(organization.translations),
                logo=form.cleaned_data.get("logo"),
                remove_logo=form.cleaned_data["remove_logo"],
            )
        except ValidationFailed as error:
            organization.refresh_from_db()
            form.add_service_errors(error)
        except DomainError as error:
            return render(request, "error.html", {"error": error}, status=error.status)
        else:
            messages.success(request, _("The organization's profile was saved."))
            return redirect("accounts:organization", slug=organization.slug)
    context = {"form": form, "organization": organization}
    return render(request, "accounts/organization_profile.html", context, status=400 if form.errors else 200)
