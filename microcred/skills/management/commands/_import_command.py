"""What the three ``skills_import_*`` commands share: run the import now, in this process, and record the job
like an upload does; print its errors, fail when it failed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from microcred.errors import DomainError
from microcred.skills.imports import run_from_command_line


class ImportCommand(BaseCommand):
    kind: str
    argument: str  # "directory" or "file"
    argument_help: str

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(self.argument, help=self.argument_help)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            job = run_from_command_line(self.kind, options[self.argument])
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        for entry in job.errors:
            self.stderr.write(f"{entry.get('field', '')}: {entry.get('message', '')} ({entry.get('code', '')})")
        if job.status != "done":
            raise CommandError(f"Import failed ({len(job.errors)} error(s)).")
        self.stdout.write(f"Done: {job.created} new of {job.total} ({job.kind}).")
