"""An organization's public profile as its admins edit it on a page: name, description, website, logo and the
name and description in a second language, saved together or not at all.

The texts go through ``services.update_organization`` (the API's PATCH uses it too); the logo is checked like every
uploaded image (:mod:`microcred.images`: the type read from the content, 1 MB, 64–2048 px) before anything is
written, so a refused logo leaves the texts as they were. The logo is public: it is shown beside the organization's
registered name where its credentials are verified (``employers.selectors.issuer_of``).
"""

from __future__ import annotations

from typing import IO, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from microcred.accounts import services
from microcred.accounts.models import Organization
from microcred.accounts.permissions import require
from microcred.audit.services import record
from microcred.errors import FieldError, ValidationFailed
from microcred.images import check_image


def update_organization_profile(
    *,
    actor: Any,
    organization: Organization,
    changes: dict[str, Any],
    logo: IO[bytes] | None = None,
    remove_logo: bool = False,
) -> Organization:
    """Save the profile's ``changes`` (as ``update_organization`` takes them) and its new logo, or remove the logo;
    every field error at once, and nothing written when there is one."""
    require(actor, "organization.edit", organization)
    extension = check_image(logo, field="logo") if logo is not None else ""
    content = logo.read() if logo is not None else b""
    try:
        with transaction.atomic():
            organization = services.update_organization(actor=actor, organization=organization, **changes)
            old = organization.logo.name if organization.logo else ""
            if logo is not None:
                organization.logo.save(f"{organization.slug}.{extension}", ContentFile(content), save=True)
            elif remove_logo and old:
                organization.logo = ""
                organization.save(update_fields=["logo"])
            if organization.logo.name != old:
                record(
                    actor=actor,
                    action="organization.set_logo",
                    target=organization,
                    organization=organization,
                    before={"logo": old},
                    after={"logo": organization.logo.name or ""},
                )
    except DjangoValidationError as error:  # the model's own checks (a website that is no URL, through the API)
        raise ValidationFailed(
            [
                FieldError(name, "invalid", " ".join(str(m) for m in messages))
                for name, messages in error.message_dict.items()
            ],
            _("The profile could not be saved."),
        ) from error
    return organization
