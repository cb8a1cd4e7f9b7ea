"""``microcred manage skills_extract [--all]``: find the skills of job postings not read yet (or of all)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from microcred.skills import extraction
from microcred.skills.models import JobPosting


class Command(BaseCommand):
    help = "Find the ESCO skills of job postings not read yet (--all: read every posting again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="read every posting again (after a new ESCO version)")
        parser.add_argument("--engine", default=None, help="lexical, semantic or hybrid (default: the best ready)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["all"]:
            JobPosting.objects.update(extracted_at=None)
        done = extraction.extract_pending(engine=options["engine"])
        self.stdout.write(f"Read {done} posting(s).")
