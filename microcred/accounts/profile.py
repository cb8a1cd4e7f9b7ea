"""A person's own settings: the name shown to others, the language of e-mails and notifications, the time zone that
dates on pages are shown in."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from microcred.accounts.models import User
from microcred.audit.services import record
from microcred.errors import ErrorList, PermissionDenied

LANGUAGES = ("en", "fr")


@cache
def time_zones() -> tuple[str, ...]:
    """Every IANA zone this machine knows, sorted (the "Etc/…" and legacy aliases left out)."""
    legacy = ("Etc/", "SystemV/", "US/", "Canada/", "posixrules", "localtime", "Factory")
    return tuple(sorted(zone for zone in zoneinfo.available_timezones() if "/" in zone and not zone.startswith(legacy)))


def time_zone_of(user: Any) -> str:
    """The zone dates are shown in for ``user``: theirs if they chose one, else the site's."""
    zone = getattr(user, "time_zone", "") or ""
    return zone if zone in time_zones() else settings.TIME_ZONE


def update_profile(
    *, actor: Any, user: User, display_name: str, preferred_language: str, time_zone: str
) -> User:
    """Change one's own name, language and time zone (nobody else's)."""
    if getattr(actor, "pk", None) != user.pk:
        raise PermissionDenied(_("You can change only your own settings."), code="not_yours")
    errors = ErrorList()
    display_name = " ".join(str(display_name or "").split())
    if not display_name:
        errors.add("display_name", "required", _("Enter your name."))
    elif len(display_name) > 150:
        errors.add("display_name", "too_long", _("At most 150 characters."))
    if preferred_language not in LANGUAGES:
        errors.add("preferred_language", "invalid_choice", _("Choose English or French."))
    time_zone = str(time_zone or "").strip()
    if time_zone and time_zone not in time_zones():
        errors.add("time_zone", "invalid_choice", _("Choose a time zone from the list."))
    errors.raise_if_any()
    fields = ("display_name", "preferred_language", "time_zone")
    before = {name: getattr(user, name) for name in fields}
    with transaction.atomic():
        user.display_name, user.preferred_language, user.time_zone = display_name, preferred_language, time_zone
        user.save(update_fields=list(fields))
        after = {name: getattr(user, name) for name in fields}
        record(actor=actor, action="accounts.update_profile", target=user, before=before, after=after)
    return user
