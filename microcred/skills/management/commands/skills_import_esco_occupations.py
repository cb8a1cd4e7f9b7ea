"""``microcred manage skills_import_esco_occupations DIRECTORY``: ESCO occupations and their skills."""

from __future__ import annotations

from microcred.skills.management.commands._import_command import ImportCommand
from microcred.skills.models import ImportKind


class Command(ImportCommand):
    help = "Import ESCO occupations and their essential/optional skills."
    kind = ImportKind.ESCO_OCCUPATIONS
    argument = "directory"
    argument_help = "a folder of ESCO CSV files (occupations_en.csv, occupationSkillRelations.csv)"
