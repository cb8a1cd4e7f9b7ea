"""F4 of issue 21: a competency written like a spreadsheet formula comes out of ``competencies.csv`` (and a
crosswalk's ``links.csv``) as text, and the export imports back unchanged."""

from __future__ import annotations

import csv
import io

from django.test import Client

from microcred.accounts.models import Organization, User
from microcred.frameworks import services, tabular

HOSTILE = """code,short_name,statement,notes
=1+1,+SUM(1+1),"=HYPERLINK(""https://evil.example"",""x"")",@cmd
"""


def test_competencies_csv_holds_no_live_formula_and_round_trips(admin: User, provider: Organization) -> None:
    document = tabular.parse_csv(HOSTILE.encode(), title="Hostile", publisher="Maple College")
    result = services.import_document(actor=admin, organization=provider, document=document, source_format="csv")
    framework = result.framework
    services.publish_framework(actor=admin, framework=framework)
    version = framework.version
    response = Client().get(f"/api/v1/frameworks/{framework.slug}/versions/{version}/competencies.csv")
    assert response.status_code == 200, response.content[:300]
    (row,) = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert row["code"] == "'=1+1"
    assert row["short_name"] == "'+SUM(1+1)"
    assert row["statement"] == '\'=HYPERLINK("https://evil.example","x")'
    assert row["notes"] == "'@cmd"
    again = tabular.parse_csv(response.content, title="Copy", publisher="Maple College")
    assert [c.statement for c in again.competencies] == ['=HYPERLINK("https://evil.example","x")']


def test_every_csv_writer_is_the_formula_safe_one() -> None:
    """``microcred.tables.csv_lines`` writes every CSV microcred serves (the benchmarks' synthetic inputs aside)."""
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2]
    writers = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if not {"tests", "bench"} & set(path.relative_to(root).parts)
        and ("csv.writer" in path.read_text() or "csv.DictWriter" in path.read_text())
    )
    assert writers == ["tables.py"]
