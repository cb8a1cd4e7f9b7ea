"""``microcred manage skills_link TEXT``: print the ESCO skills a text mentions, best first, with their scores."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from microcred.errors import DomainError
from microcred.skills.linking import service


class Command(BaseCommand):
    help = "Link a text to ESCO skills and print the ranking."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("text")
        parser.add_argument("--limit", type=int, default=10)
        parser.add_argument("--engine", choices=service.ENGINES, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        status = service.engine_status()
        if status.reason:
            self.stderr.write(status.reason)
        try:
            matches = service.link_text(options["text"], limit=options["limit"], engine=options["engine"])
        except DomainError as error:
            raise CommandError(str(getattr(error, "errors", [error])[0].message)) from error
        for match in matches:
            self.stdout.write(f"{match.score:6.3f}  {match.label}  {match.uri}  ({match.engine})")
