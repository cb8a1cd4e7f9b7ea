"""``microcred manage skills_import_onet DIRECTORY``: Import O*NET occupations, tasks and technology skills."""

from __future__ import annotations

from microcred.skills.management.commands._import_command import ImportCommand
from microcred.skills.models import ImportKind


class Command(ImportCommand):
    help = "Import O*NET occupations, tasks and technology skills."
    kind = ImportKind.ONET
    argument = "directory"
    argument_help = "a folder of O*NET files (occupation_data, task_statements, technology_skills as CSV)"
