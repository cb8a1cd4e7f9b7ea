"""Institution archives (issue 17 part 3): export from one database, import into a fresh one, verify there."""

from __future__ import annotations

import io
import json
import zipfile
from contextlib import redirect_stdout
from urllib.parse import urlsplit

import pytest
from django.test import Client

from microcred.accounts.models import Organization
from microcred.accounts.permissions import SYSTEM
from microcred.errors import Conflict, ValidationFailed
from microcred.issuing import archive, bundles, identity, services, verification
from microcred.issuing.models import IssuedCredential, IssuerKey, StatusList
from microcred.issuing.tests.conftest import issue
from microcred.vc import bundle as vc_bundle

pytestmark = pytest.mark.django_db


def _close(organization: Organization) -> None:
    """The institution closes: its issuing rows leave this database, as on a host that never had them (the audit
    log is append-only, so the organization row stays, under another short name: its DID is no longer served)."""
    IssuedCredential.objects.filter(organization=organization).delete()
    StatusList.objects.filter(organization=organization).delete()
    IssuerKey.objects.filter(organization=organization).delete()
    Organization.objects.filter(pk=organization.pk).update(slug=f"closed-{organization.pk}")


def test_export_close_import_and_verify_on_the_new_host(provider, achievement, learner, admin, tmp_path) -> None:
    old = issue(provider, achievement, learner)
    services.rotate_issuer_key(actor=admin, organization=provider)
    kept = issue(provider, achievement, learner)
    revoked = issue(provider, achievement, learner)
    services.revoke_credential(actor=SYSTEM, credential=revoked, reason="error")
    did_document = identity.did_document(provider)
    kept.revocation_list.refresh_from_db()
    archived_list = services.signed_status_list_credential(kept.revocation_list)
    documents = {c.public_id: c.document for c in (old, kept, revoked)}
    path = tmp_path / "maple.zip"
    from microcred.cli import main

    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["issuing", "export-archive", provider.slug, str(path)]) == 0
    assert "frozen" in out.getvalue()
    with zipfile.ZipFile(path) as zipped:
        names = zipped.namelist()
        manifest = json.loads(zipped.read("manifest.json"))
        everything = b"".join(zipped.read(name) for name in names)
    assert manifest["type"] == "InstitutionArchive" and manifest["frozen"] is True
    assert set(manifest["files"]) == set(names) - {"manifest.json"}
    assert b"encrypted_private_key" not in everything and b"secretKeyMultibase" not in everything
    for key in IssuerKey.objects.filter(organization=provider):
        assert bytes(key.encrypted_private_key) not in everything

    slug = provider.slug
    _close(provider)
    assert not verification.verify_credential(documents[old.public_id]).valid  # the host no longer knows it

    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["issuing", "import-archive", str(path)]) == 0
    imported = Organization.objects.get(slug=slug)
    assert identity.did_document(imported) == did_document
    assert verification.verify_credential(documents[old.public_id]).valid  # rotated-out key, via the resolver
    assert verification.verify_credential(documents[kept.public_id]).valid
    report = verification.verify_credential(documents[revoked.public_id])
    assert not report.valid and report.check("status").reason == "revoked"
    # frozen: nothing more is signed or revoked there, and a bundle is still made from the archived lists? No key.
    copy = IssuedCredential.objects.get(public_id=kept.public_id)
    with pytest.raises(Conflict):
        services.revoke_credential(actor=SYSTEM, credential=copy, reason="too late")
    with pytest.raises(Conflict):
        bundles.build_bundle(copy)
    assert verification.verify_credential(documents[kept.public_id]).valid
    client = Client()  # the imported host serves the DID document, the status lists and the credential pages
    assert client.get(f"/organizations/{slug}/did.json").json() == did_document
    assert client.get(f"/credentials/{kept.public_id}").status_code == 200
    status_url = documents[kept.public_id]["credentialStatus"][0]["statusListCredential"]
    assert client.get(urlsplit(status_url).path).json() == archived_list
    # importing twice is refused
    with pytest.raises(Conflict):
        archive.import_archive(path)


def test_a_changed_or_hostile_archive_is_refused(provider, achievement, learner, tmp_path) -> None:
    issue(provider, achievement, learner)
    path = tmp_path / "maple.zip"
    archive.export_archive(provider, path)
    _close(provider)
    changed = tmp_path / "changed.zip"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(changed, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "did.json":
                data = data.replace(b"z6Mk", b"z6Mj", 1)
            target.writestr(name, data)
    with pytest.raises(ValidationFailed) as error:
        archive.import_archive(changed)
    assert error.value.errors[0].code == "archive_altered"
    with pytest.raises(ValidationFailed) as error:
        archive.import_archive(io.BytesIO(b"not a zip"))
    assert error.value.errors[0].code == "archive_not_zip"
    assert not Organization.objects.filter(slug=provider.slug).exists()
    assert vc_bundle.MEDIA_TYPE != archive.MEDIA_TYPE
