"""Frameworks as CSV: documented columns, parents by code or URI, round trip, errors that name row and column."""

from __future__ import annotations

import pytest

from microcred.accounts.models import Organization, User
from microcred.errors import ValidationFailed
from microcred.frameworks import services, tabular
from microcred.frameworks.document import FileTooLarge, UnreadableFile
from microcred.frameworks.models import Competency, Framework

GOOD = """code,parent,short_name,statement,type,alternative_labels
FRT-1,,Thinking,Thinking,group,
FRT-1.1,FRT-1,Problem solving,Solve complex problems with data,skill,analytical thinking | reasoning
FRT-1.2,FRT-1,,Think critically about sources,,
FRT-2,,Others,Working with others,group,
FRT-2.1,https://x.example/frt-2,,Communicate clearly,attribute,
"""


def import_csv(admin: User, provider: Organization, text: str | bytes, title: str = "Future-ready talent"):
    data = text.encode() if isinstance(text, str) else text
    document = tabular.parse_csv(data, title=title, publisher="Maple College")
    return services.import_document(actor=admin, organization=provider, document=document, source_format="csv")


def codes(text: str | bytes, admin: User, provider: Organization) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as failed:
        import_csv(admin, provider, text)
    assert not Competency.objects.exists() and not Framework.objects.exists()
    return {e.field: e.code for e in failed.value.errors}


def test_rows_become_a_tree_with_parents_by_code_or_uri(admin: User, provider: Organization) -> None:
    text = GOOD.replace("FRT-2,,Others", "FRT-2,,Others").replace("FRT-2.1,https://x.example/frt-2", "FRT-2.1,FRT-2")
    framework = import_csv(admin, provider, text).framework
    assert framework.competencies.count() == 5
    problem = framework.competencies.get(code="FRT-1.1")
    assert problem.parent.code == "FRT-1" and problem.alternative_labels == ["analytical thinking", "reasoning"]
    assert (
        problem.competency_type == "skill"
        and framework.competencies.get(code="FRT-1.2").competency_type == "competency"
    )
    by_uri = GOOD.replace("FRT-2,,Others,Working", "FRT-2,,Others,Working")
    by_uri = "uri," + by_uri.replace("\nFRT-2,", "\nhttps://x.example/frt-2,FRT-2,").replace("\nFRT-", "\n,FRT-")
    framework = import_csv(admin, provider, by_uri, title="By URI").framework
    assert framework.competencies.get(code="FRT-2.1").parent.code == "FRT-2"


def test_export_then_import_gives_the_same_rows(admin: User, provider: Organization, employer: Organization) -> None:
    from microcred.testing.factories import make_member

    text = GOOD.replace("FRT-2.1,https://x.example/frt-2", "FRT-2.1,FRT-2")
    exported = tabular.export_csv(import_csv(admin, provider, text).framework)
    other = make_member(employer, "admin")
    document = tabular.parse_csv(exported.encode(), title="Copy")
    again = services.import_document(actor=other, organization=employer, document=document, source_format="csv")
    assert tabular.export_csv(again.framework) == exported
    assert exported.splitlines()[0] == ",".join(tabular.COLUMNS)


def test_importing_the_same_csv_twice_changes_nothing(admin: User, provider: Organization) -> None:
    text = GOOD.replace("FRT-2.1,https://x.example/frt-2", "FRT-2.1,FRT-2")
    import_csv(admin, provider, text)
    assert not import_csv(admin, provider, text).changed
    assert Framework.objects.count() == 1 and Competency.objects.count() == 5


def test_row_and_column_errors(admin: User, provider: Organization) -> None:
    assert codes(GOOD, admin, provider) == {"rows.6.parent": "unknown_parent"}
    assert codes("code,statment\nA,x\n", admin, provider) == {
        "columns.statment": "unknown_column",
        "columns.statement": "required",
    }
    bad = "code,parent,statement,type,sort_order\nA,,a,skill,1\nA,,b,robot,x\nC,,,skill,\n"
    assert codes(bad, admin, provider) == {
        "rows.3.type": "invalid",
        "rows.3.sort_order": "invalid",
    }
    dupes = "code,parent,statement\nA,,a\nA,,b\nC,,\n"
    assert codes(dupes, admin, provider) == {"rows.3.code": "duplicate", "rows.4.statement": "required"}
    assert codes("code,statement\nA,a,extra\n", admin, provider) == {"rows.2": "too_many_values"}


def test_cycles_are_refused(admin: User, provider: Organization) -> None:
    text = "code,parent,statement\nA,C,a\nB,A,b\nC,B,c\nD,,d\n"
    assert set(codes(text, admin, provider).values()) == {"cycle"}
    assert set(codes("code,parent,statement\nA,A,a\n", admin, provider).values()) == {"cycle"}


def test_too_deep_a_hierarchy_is_refused(admin: User, provider: Organization) -> None:
    rows = ["code,parent,statement"] + [f"C{i},{f'C{i - 1}' if i else ''},level {i}" for i in range(40)]
    assert "too_deep" in codes("\n".join(rows), admin, provider).values()


def test_unreadable_files(admin: User, provider: Organization) -> None:
    with pytest.raises(UnreadableFile) as failed:
        import_csv(admin, provider, "code,statement\nA,é\n".encode("utf-16"))
    assert failed.value.code == "invalid_encoding"
    with pytest.raises(UnreadableFile) as failed:
        import_csv(admin, provider, b'code,statement\nA,"unterminated\n' + b"x" * 200_000)
    assert failed.value.code == "malformed_csv"
    with pytest.raises(FileTooLarge):
        import_csv(admin, provider, b"code,statement\n" + b"A,b\n" * (13 * 1024 * 1024 // 2))
    with pytest.raises(ValidationFailed):
        import_csv(admin, provider, b"")
    assert not Framework.objects.exists()


def test_a_utf8_byte_order_mark_is_accepted(admin: User, provider: Organization) -> None:
    framework = import_csv(admin, provider, "\ufeffcode,statement\nA,Écrire clairement\n".encode()).framework
    assert framework.competencies.get().statement == "Écrire clairement"
