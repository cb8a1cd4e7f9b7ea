"""CTIDs (``ce-`` + UUID) for organizations, designs, versions and pathways: made once, kept for life.

The first CTID of a record is derived (UUID 5) from names that do not change once published, so that what the
catalog exported before this table existed keeps its identifier; it is then stored, and the stored value is the
one used from then on. An organization's CTID is the one Credential Engine gave it, once its admins enter it.
"""

from __future__ import annotations

import re
import uuid

from django.db import IntegrityError, transaction

from microcred.accounts.models import Organization
from microcred.catalog.models import MicroCredential, Pathway
from microcred.registry.models import CTID_PATTERN, DesignCtid, OrganizationCtid, PathwayCtid, VersionCtid

# The namespace the catalog's first CTDL export derived version CTIDs in (kept: those CTIDs may be out there).
NAMESPACE = uuid.UUID("4f1c8a4e-5b8e-4c6a-9a59-2f8f6f0b6b11")
REGISTRY_RESOURCES = "https://credentialengineregistry.org/resources/"
_CTID = re.compile(CTID_PATTERN)


def is_ctid(value: object) -> bool:
    return isinstance(value, str) and bool(_CTID.match(value))


def _derived(name: str) -> str:
    return "ce-" + str(uuid.uuid5(NAMESPACE, name))


def _kept(model: type, lookup: dict, ctid: str) -> str:
    found = model.objects.filter(**lookup).values_list("ctid", flat=True).first()
    if found:
        return found
    try:
        with transaction.atomic():
            return model.objects.create(**lookup, ctid=ctid).ctid
    except IntegrityError:  # made by a concurrent request, or the derived value is taken: read or make a new one
        found = model.objects.filter(**lookup).values_list("ctid", flat=True).first()
        if found:
            return found
        with transaction.atomic():
            return model.objects.create(**lookup, ctid="ce-" + str(uuid.uuid4())).ctid


def organization_ctid(organization: Organization) -> str:
    return _kept(OrganizationCtid, {"organization": organization}, _derived(f"organization/{organization.slug}"))


def design_ctid(credential: MicroCredential) -> str:
    provider = credential.provider
    return _kept(
        DesignCtid, {"provider": provider, "slug": credential.slug}, _derived(f"{provider.slug}/{credential.slug}")
    )


def version_ctid(credential: MicroCredential) -> str:
    name = f"{credential.provider.slug}/{credential.slug}/{credential.version}"
    return _kept(VersionCtid, {"credential": credential}, _derived(name))


def pathway_ctid(pathway: Pathway) -> str:
    return _kept(PathwayCtid, {"pathway": pathway}, _derived(f"pathway/{pathway.slug}"))


def resource_url(ctid: str, base: str = REGISTRY_RESOURCES) -> str:
    """The ``@id`` the Credential Registry gives a resource: its resources URL and the CTID."""
    return f"{base.rstrip('/')}/{ctid}"


def set_organization_ctid(organization: Organization, ctid: str) -> None:
    """Record the CTID Credential Engine gave the organization (the caller checked it and may change it)."""
    OrganizationCtid.objects.update_or_create(organization=organization, defaults={"ctid": ctid})


def organization_for_ctid(ctid: str) -> Organization | None:
    record = OrganizationCtid.objects.select_related("organization").filter(ctid=ctid).first()
    return record.organization if record else None


def credential_for_design_ctid(ctid: str) -> MicroCredential | None:
    """The newest public version of the design with this CTID, if it is one of ours."""
    record = DesignCtid.objects.filter(ctid=ctid).first()
    if record is None:
        return None
    return MicroCredential.objects.filter(provider_id=record.provider_id, slug=record.slug).order_by("-version").first()


def kept_design_ctids(provider_id: int, slug: str) -> set[str]:
    """The CTIDs kept for a design and its versions (read only: none is made here), each also as the registry's
    resource URL, the form another platform's credential may name it by."""
    found = set(DesignCtid.objects.filter(provider_id=provider_id, slug=slug).values_list("ctid", flat=True))
    found.update(
        VersionCtid.objects.filter(credential__provider_id=provider_id, credential__slug=slug).values_list(
            "ctid", flat=True
        )
    )
    return found | {resource_url(ctid) for ctid in found}


def credential_for_ctid(reference: str) -> MicroCredential | None:
    """The version a kept CTID (or its registry resource URL) names: a version CTID's own version, a design CTID's
    newest; None when it names nothing here."""
    ctid = reference.rsplit("/", 1)[-1] if reference.startswith(("https://", "http://")) else reference
    if not is_ctid(ctid):
        return None
    version = VersionCtid.objects.filter(ctid=ctid).select_related("credential__provider").first()
    if version is not None:
        return version.credential
    return credential_for_design_ctid(ctid)
