"""What employers add to the catalog's pages, registered in ``EmployersConfig.ready`` (the catalog never imports
employers): the endorsements panel and co-design on a micro-credential's page, and the endorsements in its
exported OB 3.0 ``Achievement``."""

from __future__ import annotations

from typing import Any

from microcred.accounts.models import Organization, OrganizationKind
from microcred.accounts.permissions import can
from microcred.catalog.extensions import Panel
from microcred.catalog.models import MicroCredential, Status
from microcred.employers import selectors
from microcred.employers.services import CODESIGN_OPEN


def credential_panel(request: Any, credential: MicroCredential) -> Panel | None:
    user = request.user
    endorsements = selectors.endorsements_of_credential(credential)
    provider_endorsements = selectors.endorsements_of_provider(credential.provider) if credential.is_public else []
    endorsers = selectors.employers_of(user, "employers.endorse") if credential.status == Status.PUBLISHED else []
    designer = can(user, "catalog.edit", credential)
    invitations = [
        invitation
        for invitation in selectors.invitations_of_credential(credential)
        if designer or can(user, "employers.codesign", invitation.employer)
    ]
    can_invite = designer and credential.status in CODESIGN_OPEN
    invitable = []
    if can_invite:
        invited = {invitation.employer_id for invitation in invitations}
        invitable = [
            organization
            for organization in Organization.objects.filter(kind=OrganizationKind.EMPLOYER).order_by("name")
            if organization.pk not in invited
        ]
    if not (endorsements or provider_endorsements or endorsers or invitations or can_invite):
        return None
    mine = {organization.pk for organization in endorsers}
    return Panel(
        "employers/catalog_panel.html",
        {
            "credential": credential,
            "endorsements": endorsements,
            "provider_endorsements": provider_endorsements,
            "endorsers": endorsers,
            "withdrawable": {e.pk for e in [*endorsements, *provider_endorsements] if e.employer_id in mine},
            "invitations": invitations,
            "can_invite": can_invite,
            "invitable": invitable,
        },
    )


def add_endorsements(credential: MicroCredential, document: dict[str, Any]) -> None:
    """The signed endorsements of this version (``endorsement``) and of its provider (``creator.endorsement``)."""
    endorsements = [e.document for e in selectors.endorsements_of_credential(credential)]
    if endorsements:
        document["endorsement"] = endorsements
    of_provider = [e.document for e in selectors.endorsements_of_provider(credential.provider)]
    if of_provider and isinstance(document.get("creator"), dict):
        document["creator"]["endorsement"] = of_provider
