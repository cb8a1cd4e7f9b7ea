"""The "Your settings" page: name, language, time zone. The rules are in :mod:`microcred.accounts.profile`."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from microcred.accounts import profile
from microcred.accounts.forms import ServiceErrorsMixin
from microcred.errors import ValidationFailed


class ProfileForm(ServiceErrorsMixin, forms.Form):
    display_name = forms.CharField(
        label=gettext_lazy("Your name"),
        max_length=150,
        help_text=gettext_lazy("As it appears to assessors, employers and on the credentials issued to you."),
    )
    preferred_language = forms.ChoiceField(
        label=gettext_lazy("Language of e-mails and notifications"),
        choices=[("en", "English"), ("fr", "Français")],
    )
    time_zone = forms.ChoiceField(label=gettext_lazy("Time zone"), required=False)

    def __init__(self, *args: object, site_zone: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        default = _("The site's (%(zone)s)") % {"zone": site_zone}
        zones = [(zone, zone.replace("_", " ")) for zone in profile.time_zones()]
        self.fields["time_zone"].choices = [("", default), *zones]
        self.fields["time_zone"].help_text = _("Dates and times on pages are shown in it.")


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    from django.conf import settings

    user = request.user
    initial = {
        "display_name": user.display_name,
        "preferred_language": user.preferred_language,
        "time_zone": user.time_zone,
    }
    form = ProfileForm(request.POST or None, initial=initial, site_zone=settings.TIME_ZONE)
    if request.method == "POST" and form.is_valid():
        try:
            profile.update_profile(actor=user, user=user, **form.cleaned_data)
        except ValidationFailed as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Your settings were saved."))
            return redirect("accounts:settings")
    context = {"form": form, "now": timezone.now(), "zone": profile.time_zone_of(user)}
    return render(request, "accounts/settings.html", context, status=400 if form.errors else 200)
