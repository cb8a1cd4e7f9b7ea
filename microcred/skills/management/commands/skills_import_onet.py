"""``microcred manage skills_import_onet DIRECTORY``.

Import O*NET occupations, tasks and technology skills.
Runs now, in this process, and records the job like an upload does.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from microcred.errors import DomainError
from microcred.skills.imports import run_from_command_line
from microcred.skills.models import ImportKind


class Command(BaseCommand):
    help = "Import O*NET occupations, tasks and technology skills."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "directory", help="a folder of O*NET files (occupation_data, task_statements, technology_skills as CSV)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            job = run_from_command_line(ImportKind.ONET, options["directory"])
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        for entry in job.errors:
            self.stderr.write(f"{entry.get('field', '')}: {entry.get('message', '')} ({entry.get('code', '')})")
        if job.status != "done":
            raise CommandError(f"Import failed ({len(job.errors)} error(s)).")
        self.stdout.write(f"Done: {job.created} new of {job.total} ({job.kind}).")
