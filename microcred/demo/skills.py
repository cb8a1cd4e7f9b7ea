"""The demo's labour-market data: a small ESCO sample (45 skills, seven occupations), 60 job postings, alignments.

``load_labour_market_data`` imports ``data/esco-sample`` (ESCO classification of the European Commission) as the
ESCO framework skills are linked to, its occupations with their essential/optional skills, and
``data/postings.jsonl`` (invented postings in Canadian cities, November 2025 to October 2026), whose skills
are then found. ``align_credential`` aligns a demo design, while it is a draft, to the ESCO skills it
teaches, so the catalog's in-demand marker and the gap recommendations have something to show. The marker
itself is refreshed when the demo's transaction commits (the extraction tells ``DEMAND_CHANGED``).
"""

from __future__ import annotations

from pathlib import Path

from microcred.accounts.models import User
from microcred.accounts.permissions import SYSTEM
from microcred.catalog.alignments import align
from microcred.catalog.models import MicroCredential
from microcred.frameworks import esco
from microcred.frameworks import services as framework_services
from microcred.frameworks.models import Competency, Framework
from microcred.skills import extraction, services
from microcred.skills.interfaces import skills_framework
from microcred.skills.linking import semantic
from microcred.skills.linking.embeddings import run_embedding, start_embedding
from microcred.skills.models import EmbeddingIndex
from microcred.skills.occupations import import_esco_occupations

DATA = Path(__file__).resolve().parent / "data"
ESCO_SAMPLE = DATA / "esco-sample"
POSTINGS = DATA / "postings.jsonl"

ALIGNMENTS = {
    "wil": [
        "use different communication channels",
        "adapt communication style according to recipient",
        "teamwork principles",
        "give live presentation",
        "use online tools to collaborate",
    ],
    "informatics": [
        "health informatics",
        "manage healthcare users' data",
        "medical terminology",
        "protect personal data and privacy",
        "use databases",
    ],
    "marketing": [
        "social media marketing techniques",
        "plan marketing strategy",
        "execute email marketing",
        "web analytics",
        "content marketing strategy",
    ],
    "webdesign": [
        "manage website",
        "use content management system software",
        "design graphics",
        "translate requirements into visual design",
    ],
    "ecommerce": [
        "develop online sales business plan",
        "process customer orders",
        "respond to customers' inquiries",
        "customer relationship management",
        "perform data analysis",
        "use spreadsheets software",
    ],
}


def load_labour_market_data() -> Framework:
    """The ESCO sample (unless an ESCO framework is already loaded), its occupations, the postings and their skills."""
    framework = skills_framework()
    if framework is None:
        document = esco.parse_esco(ESCO_SAMPLE)
        framework = framework_services.import_document(
            actor=SYSTEM, organization=None, document=document, source_format="esco"
        ).framework
    import_esco_occupations(ESCO_SAMPLE)
    services.import_postings(POSTINGS.read_bytes(), filename=POSTINGS.name)
    extraction.extract_pending(engine="lexical")
    if semantic.available() and not EmbeddingIndex.objects.filter(framework=framework, status="done").exists():
        # the demo's 45 skills take seconds: compute them now, so the pages serve the hybrid engine at once
        run_embedding(start_embedding(SYSTEM, framework, enqueue=False).pk)
    return framework


def align_credential(admin: User, credential: MicroCredential, key: str) -> None:
    framework = skills_framework()
    if framework is None:
        return
    for label in ALIGNMENTS.get(key, []):
        competency = Competency.objects.filter(framework=framework, short_name=label).first()
        if competency is not None:
            align(actor=admin, credential=credential, competency=competency)
