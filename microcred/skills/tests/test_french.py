"""French: ESCO's French labels laid over the English framework; French postings and texts link to the same skills;
the language guess; the demand of French postings; the CLI; and, where the shared French export is here, all of it."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from microcred.accounts.permissions import CLI
from microcred.audit.models import AuditEntry
from microcred.errors import PermissionDenied, ValidationFailed
from microcred.frameworks import esco, services
from microcred.frameworks.models import Framework
from microcred.frameworks.translations import import_esco_translations
from microcred.skills import extraction
from microcred.skills.linking import service as linking
from microcred.skills.linking.text import french_tokens, guess_language
from microcred.skills.models import JobPosting, PostingSkill
from microcred.skills.tests.test_linking import write_esco
from microcred.skills.words import covered
from microcred.testing.factories import make_member, make_organization

SHARED_FR = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "esco-fr"
FRENCH = [
    ("python", "knowledge", "Python (programmation informatique)", ["Python"], ""),
    ("team", "skill/competence", "gérer une équipe", ["diriger une équipe", "encadrer une équipe"], ""),
    ("wiring", "knowledge", "plans de câblage électrique", ["schémas de câblage"], ""),
    ("lights", "skill/competence", "installer des luminaires", ["poser des lampes"], ""),
    ("pastry", "skill/competence", "préparer des produits de pâtisserie", ["faire des croissants"], ""),
    ("invoices", "skill/competence", "émettre des factures de vente", ["facturer les clients"], ""),
    ("retired", "skill/competence", "compétence d'une ancienne version", [], ""),  # not in the English framework
]  # "javascript" and "sql" have no French row, as 517 skills of ESCO v1.1.1 have none


def write_french(directory: Path) -> Path:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["conceptType", "conceptUri", "skillType", "reuseLevel", "preferredLabel", "altLabels", "description"]
    )
    for key, kind, label, alternatives, description in FRENCH:
        writer.writerow(
            ["KnowledgeSkillCompetence", f"http://data.europa.eu/esco/skill/test-{key}", kind, "cross-sector", label,
             "\n".join(alternatives), description]
        )  # fmt: skip
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "skills_fr.csv").write_text(out.getvalue(), encoding="utf-8")
    return directory


@pytest.fixture
def framework(tmp_path: Path, db: None) -> Framework:
    (tmp_path / "en").mkdir()
    document = esco.parse_esco(write_esco(tmp_path / "en", collections=False))
    framework = services.import_document(
        actor=CLI, organization=None, document=document, source_format="esco"
    ).framework
    counts = import_esco_translations(
        actor=CLI, framework=framework, directory=write_french(tmp_path / "fr"), language="fr"
    )
    assert (counts.rows, counts.matched, counts.changed, counts.unknown) == (7, 6, 6, 1)
    return framework


def test_french_labels_are_laid_over_the_english_framework_once(framework: Framework, tmp_path: Path) -> None:
    team = framework.competencies.get(uri__endswith="/test-team")
    assert team.short_name == "manage a team"  # the framework keeps its own language
    assert team.translations["fr"] == {
        "label": "gérer une équipe",
        "alternatives": ["diriger une équipe", "encadrer une équipe"],
        "description": "",
    }
    again = import_esco_translations(actor=CLI, framework=framework, directory=tmp_path / "fr", language="fr")
    assert again.changed == 0
    assert AuditEntry.objects.filter(action="frameworks.import_translations").count() == 2


def test_french_texts_link_to_the_same_skills(framework: Framework) -> None:
    found = linking.link_text("Vous encadrez une équipe de cinq techniciens.", limit=3)
    assert found[0].uri.endswith("/test-team") and found[0].label == "gérer une équipe"
    assert found[0].engine == "lexical"
    # accents dropped, plural, another form of the verb: the same skill
    assert linking.link_text("installation de luminaires et pose de lampes", limit=1)[0].uri.endswith("/test-lights")
    assert linking.link_text("Nous recherchons un pâtissier pour faire des croissants", limit=1)[0].uri.endswith(
        "/test-pastry"
    )
    # a skill with no French row keeps its English label, so a term French postings borrow is still found
    assert linking.link_text("Maîtrise de JavaScript exigée pour ce poste", limit=1)[0].uri.endswith("/test-javascript")
    # English texts are linked in English as before
    assert linking.link_text("You will manage a team of technicians", limit=1)[0].label == "manage a team"
    # the language can be given; an unknown one is refused
    assert linking.link_text("facturer les clients", language="fr", limit=1)[0].uri.endswith("/test-invoices")
    with pytest.raises(ValidationFailed) as failed:
        linking.link_text("facturer", language="de")
    assert (failed.value.errors[0].field, failed.value.errors[0].code) == ("language", "invalid")


def test_the_language_guess_and_the_french_words() -> None:
    assert guess_language("Nous recherchons un électricien qualifié pour installer des luminaires") == "fr"
    assert guess_language("We are looking for a qualified electrician") == "en"
    assert guess_language("Python") == "en"  # too short to be sure: the framework's own language
    assert french_tokens("l'électricité") == french_tokens("electricite")
    assert "les" not in french_tokens("les plans de câblage")
    assert covered("gérer une équipe", "Vous allez gérer l'équipe de nuit", "fr") == 1.0


def test_french_postings_count_in_demand(framework: Framework) -> None:
    posting = JobPosting.objects.create(
        title="Électricien ou électricienne",
        text="Vous installerez des luminaires dans des bâtiments neufs. Lecture de plans de câblage électrique.",
        location="QC",
        posted_on="2026-11-02",
        fingerprint="french-posting",
    )
    assert extraction.extract([posting]) == 1
    found = set(PostingSkill.objects.filter(posting=posting).values_list("competency__uri", flat=True))
    assert {"http://data.europa.eu/esco/skill/test-lights", "http://data.europa.eu/esco/skill/test-wiring"} <= found


def test_only_the_platform_adds_labels_to_public_frameworks(framework: Framework, tmp_path: Path) -> None:
    admin = make_member(make_organization("provider", name="Maple College"), "admin", email="a@maple.example")
    with pytest.raises(PermissionDenied):
        import_esco_translations(actor=admin, framework=framework, directory=tmp_path / "fr", language="fr")
    with pytest.raises(ValidationFailed) as failed:
        import_esco_translations(actor=CLI, framework=framework, directory=tmp_path / "fr", language="en")
    assert failed.value.errors[0].code == "same_language"
    with pytest.raises(ValidationFailed) as failed:
        import_esco_translations(actor=CLI, framework=framework, directory=tmp_path / "nowhere", language="fr")
    assert failed.value.errors[0].code == "not_found"
    with pytest.raises(ValidationFailed) as failed:
        import_esco_translations(actor=CLI, framework=framework, directory=tmp_path / "fr", language="../x")
    assert failed.value.errors[0].field == "language"


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED_FR / "skills_fr.csv").exists(), reason="the shared French ESCO files are absent")
def test_the_shared_french_export_through_the_command(tmp_path: Path, migrated_sqlite: Callable[[Path], str]) -> None:
    """`microcred frameworks import-esco` then `import-esco-labels --language fr`, as users run them, on the shared
    v1.1.1 export and the older French release: 13,379 French skill rows name v1.1.1 skills, and every skill group."""
    environment = {"MICROCRED_DATA_DIR": str(tmp_path), "DATABASE_URL": migrated_sqlite(tmp_path / "fr.sqlite3")}
    run = [sys.executable, "-m", "microcred.cli"]
    env = {**os.environ, **environment}
    subprocess.run([*run, "migrate"], env=env, check=True, capture_output=True, timeout=600)
    english = subprocess.run(
        [*run, "frameworks", "import-esco", str(SHARED_FR.parent / "esco")], env=env, capture_output=True, text=True
    )
    assert english.returncode == 0, english.stderr[-2000:]
    done = subprocess.run(
        [*run, "frameworks", "import-esco-labels", str(SHARED_FR), "--language", "fr"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "14019 of 14125 fr rows matched" in done.stdout  # 13,379 skills + 640 skill groups; 106 retired skills
