"""``microcred manage skills_import_postings FILE``: Import job postings, then find their skills."""

from __future__ import annotations

from microcred.skills.management.commands._import_command import ImportCommand
from microcred.skills.models import ImportKind


class Command(ImportCommand):
    help = "Import job postings, then find their skills."
    kind = ImportKind.POSTINGS
    argument = "file"
    argument_help = "a CSV or JSON-lines file of job postings (title, text, location, date, employer)"
