"""``microcred manage skills_import_postings FILE``.

Import job postings, then find their skills.
Runs now, in this process, and records the job like an upload does.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from microcred.errors import DomainError
from microcred.skills.imports import run_from_command_line
from microcred.skills.models import ImportKind


class Command(BaseCommand):
    help = "Import job postings, then find their skills."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", help="a CSV or JSON-lines file of job postings (title, text, location, date, employer)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            job = run_from_command_line(ImportKind.POSTINGS, options["file"])
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        for entry in job.errors:
            self.stderr.write(f"{entry.get('field', '')}: {entry.get('message', '')} ({entry.get('code', '')})")
        if job.status != "done":
            raise CommandError(f"Import failed ({len(job.errors)} error(s)).")
        self.stdout.write(f"Done: {job.created} new of {job.total} ({job.kind}).")
