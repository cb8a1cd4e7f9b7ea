"""The European standard elements and ELM through the API: 4xx with field, code and message for bad input."""

from __future__ import annotations

import pytest

from microcred.catalog.models import MicroCredential
from microcred.europe.elm import to_elm
from microcred.europe.tests.conftest import bilingual_draft, complete

pytestmark = pytest.mark.django_db


def test_a_designer_reads_and_states_the_elements(api_as, admin, provider) -> None:
    credential = bilingual_draft(admin, provider)
    api = api_as(admin)
    base = f"europe/credentials/{provider.slug}/{credential.slug}/versions/1"
    body = api.get(f"{base}/elements").json_body
    level = next(e for e in body["elements"] if e["key"] == "level")
    assert level == {"key": "level", "label": "Level (EQF or NQF)", "mandatory": True, "held_in": "europe",
                     "fields": "EQF level or NQF level", "stated": False, "value": ""}
    assert body["missing"] == []  # not under the European profile
    answer = api.patch(f"{base}/details", {"european_profile": True, "eqf_level": 9})
    assert answer.status_code == 400
    assert answer.json_body["errors"] == [{"field": "eqf_level", "code": "invalid_level",
                                           "message": "Enter an EQF level from 1 to 8."}]
    body = api.patch(f"{base}/details", {"european_profile": True, "eqf_level": 4}).json_body
    assert [e["field"] for e in body["missing"]] == ["european.quality_assurance"]
    assert api_as(None).get(f"{base}/elements").status_code == 401


def test_elm_export_and_import(api_as, admin, provider) -> None:
    credential = complete(admin, bilingual_draft(admin, provider))
    api = api_as(admin)
    document = api.get(f"europe/credentials/{provider.slug}/{credential.slug}/versions/1/elm").json_body
    assert document == to_elm(credential)
    assert api_as(None).get(f"europe/credentials/{provider.slug}/{credential.slug}/versions/1/elm").status_code == 404
    answer = api.post(f"europe/providers/{provider.slug}/elm-imports", document)
    assert answer.status_code == 201
    assert answer.json_body["slug"] == "grid-safety-2" and answer.json_body["status"] == "draft"
    bad = api.post(f"europe/providers/{provider.slug}/elm-imports", {"type": "Person"})
    assert bad.status_code == 400 and bad.json_body["errors"][0]["code"] == "not_a_specification"
    assert MicroCredential.objects.filter(provider=provider).count() == 2


def test_the_command_line_exports_and_imports(admin, provider, tmp_path, capsys) -> None:
    from microcred.cli import main

    credential = complete(admin, bilingual_draft(admin, provider))
    assert main(["europe", "export", provider.slug, credential.slug, "--version", "1"]) == 0
    document = capsys.readouterr().out
    path = tmp_path / "grid.jsonld"
    path.write_text(document)
    assert main(["europe", "import", str(path), "--provider", provider.slug]) == 0
    assert "Imported as a draft: maple-college/grid-safety-2 v1" in capsys.readouterr().out
    path.write_text('{"type": "Person"}')
    assert main(["europe", "import", str(path), "--provider", provider.slug]) == 2
    assert "not_a_specification" in capsys.readouterr().err
