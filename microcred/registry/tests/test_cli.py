"""``microcred registry``: a version's CTDL out, a CTDL credential in as a draft, queuing what was not sent."""

from __future__ import annotations

import json

import pytest

from microcred.catalog.models import MicroCredential, Status
from microcred.cli import main
from microcred.registry import services
from microcred.registry.models import Publication
from microcred.registry.tests.conftest import API_KEY, ORG_CTID
from microcred.registry.tests.registry_server import RESOURCES
from microcred.registry.tests.test_ctdl import REGISTRY_EXPORT

pytestmark = pytest.mark.django_db(transaction=True)


def test_export_import_and_publish_pending(tmp_path, capsys, registry, published, admin, provider) -> None:
    credential = published("Data Literacy")
    assert main(["registry", "export-ctdl", provider.slug, credential.slug]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["ceterms:name"] == {"en": "Data Literacy"}

    path = tmp_path / "forklift.json"
    path.write_text(json.dumps(REGISTRY_EXPORT))
    assert main(["registry", "import-ctdl", str(path), "--provider", provider.slug]) == 0
    out = capsys.readouterr().out
    assert "draft:" in out and "ceterms:naics" in out
    assert MicroCredential.objects.filter(title="Forklift Operation", status=Status.DRAFT).exists()
    path.write_text("{nope")
    assert main(["registry", "import-ctdl", str(path), "--provider", provider.slug]) == 1
    path.write_text(json.dumps({"@type": "ceterms:Course"}))
    assert main(["registry", "import-ctdl", str(path), "--provider", provider.slug]) == 2
    assert "unsupported_type" in capsys.readouterr().err

    services.configure(
        actor=admin,
        organization=provider,
        data={"assistant_url": registry.url, "api_key": API_KEY, "organization_ctid": ORG_CTID,
              "resource_base": RESOURCES},
    )  # fmt: skip
    assert main(["registry", "publish-pending"]) == 0
    assert f"{provider.slug}: 1 queued" in capsys.readouterr().out
    assert Publication.objects.get(credential=credential).status == "succeeded"
