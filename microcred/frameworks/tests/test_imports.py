"""Imports as background jobs and from the command line: progress, outcome on the job, idempotence, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from microcred.accounts.models import Organization, User
from microcred.cli import main
from microcred.errors import PermissionDenied, ValidationFailed
from microcred.frameworks import imports
from microcred.frameworks.document import FileTooLarge
from microcred.frameworks.models import Competency, Framework, ImportStatus
from microcred.frameworks.tests.conftest import as_bytes, case_package


@pytest.fixture(autouse=True)
def media(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.FRAMEWORK_IMPORT_DIR = tmp_path / "uploads"


def test_an_import_job_reports_its_outcome(admin: User, provider: Organization) -> None:
    job = imports.start_import(
        actor=admin,
        organization=provider,
        source_format="case",
        data=as_bytes(case_package()),
        file_name="a/b.json",
        enqueue=False,
    )
    assert job.status == ImportStatus.QUEUED and job.file_name == "b.json" and Path(job.path).exists()
    job = imports.run_import(job.pk)
    assert job.status == ImportStatus.DONE and job.percent == 100 and job.framework.competencies.count() == 5
    assert job.options["result"]["competencies_created"] == 5 and not Path(job.path).exists()
    assert imports.run_import(job.pk).status == ImportStatus.DONE  # running it again does nothing
    again = imports.run_import(
        imports.start_import(
            actor=admin, organization=provider, source_format="case", data=as_bytes(case_package()), enqueue=False
        ).pk
    )
    assert again.options["result"]["changed"] is False and Framework.objects.count() == 1


def test_a_bad_file_fails_the_job_with_the_reason_and_writes_nothing(admin: User, provider: Organization) -> None:
    job = imports.start_import(
        actor=admin,
        organization=provider,
        source_format="csv",
        data=b"code,parent,statement\nA,B,a\n",
        options={"title": "T"},
        enqueue=False,
    )
    job = imports.run_import(job.pk)
    assert job.status == ImportStatus.FAILED and job.errors["code"] == "validation_failed"
    assert job.errors["errors"][0]["field"] == "rows.2.parent"
    assert not Competency.objects.exists()


def test_refused_before_queuing(admin: User, provider: Organization, learner: User) -> None:
    with pytest.raises(PermissionDenied):
        imports.start_import(actor=learner, organization=provider, source_format="case", data=b"{}", enqueue=False)
    with pytest.raises(ValidationFailed):
        imports.start_import(actor=admin, organization=provider, source_format="xlsx", data=b"{}", enqueue=False)
    with pytest.raises(ValidationFailed):
        imports.start_import(
            actor=admin, organization=provider, source_format="csv", data=b"statement\nx\n", enqueue=False
        )
    with pytest.raises(FileTooLarge):
        imports.start_import(
            actor=admin, organization=provider, source_format="case", data=b" " * (21 * 1024 * 1024), enqueue=False
        )


def test_the_command_line_imports_and_exports(tmp_path: Path, provider: Organization, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "frt.json"
    path.write_bytes(as_bytes(case_package()))
    assert main(["import", "framework", str(path), "--organization", provider.slug]) == 0
    assert "created; 5 competencies" in capsys.readouterr().out
    assert main(["frameworks", "import", str(path), "--format", "case", "--organization", provider.slug]) == 0
    assert "unchanged" in capsys.readouterr().out
    slug = Framework.objects.get().slug
    assert main(["frameworks", "export", slug, "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("identifier,uri,code,parent")
    bad = tmp_path / "bad.csv"
    bad.write_text("code,parent,statement\nA,A,a\n")
    assert main(["import", "framework", str(bad), "--organization", provider.slug]) == 2
    assert "rows.2.parent: [cycle]" in capsys.readouterr().err


def test_the_command_line_imports_esco(tmp_path: Path, db: None, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "skills_en.csv").write_text(
        "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,description\n"
        "KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/a1,skill/competence,cross-sector,"
        "manage a team,,Lead.\n"
    )
    assert main(["frameworks", "import-esco", str(tmp_path)]) == 0
    assert "ESCO skills pillar 1.1" in capsys.readouterr().out
    assert Framework.objects.get().organization is None


def test_the_command_line_loads_the_sample(provider: Organization, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["frameworks", "load-sample", "--organization", provider.slug]) == 0
    assert "Future-ready talent 1.0" in capsys.readouterr().out
    assert main(["frameworks", "load-sample", "--organization", "nobody"]) == 2
