"""F4 of issue 21: a credential titled or described like a spreadsheet formula comes out of the public catalog's
CSV export as text, and the export imports back unchanged."""

from __future__ import annotations

import csv
import io

from django.test import Client

from microcred.catalog import services, transfer
from microcred.catalog.models import MicroCredential
from microcred.testing.factories import make_member, make_organization

FORMULA_TITLE = "+SUM(1+1)"
FORMULA_DESCRIPTION = '=HYPERLINK("https://evil.example/x","Click")'


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_public_catalog_csv_holds_no_live_formula(published) -> None:
    published(FORMULA_TITLE, description=FORMULA_DESCRIPTION, learning_outcomes=["@SUM(A1)", "-1+2"])
    response = Client().get("/api/v1/catalog/export?format=csv")
    assert response.status_code == 200
    (row,) = _rows(response.content.decode())
    assert row["title"] == "'" + FORMULA_TITLE
    assert row["description"] == "'" + FORMULA_DESCRIPTION
    for cell in row.values():
        assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), cell


def test_the_quoted_export_imports_back_unchanged(admin, provider, published) -> None:
    published(FORMULA_TITLE, description=FORMULA_DESCRIPTION)
    exported = transfer.export_csv(MicroCredential.objects.all())
    other = make_organization("provider")
    copy = services.bulk_import(
        actor=make_member(other, "admin"), provider=other, rows=transfer.rows_from_csv(exported)
    )
    assert (copy[0].title, copy[0].description) == (FORMULA_TITLE, FORMULA_DESCRIPTION)
