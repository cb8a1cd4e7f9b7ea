"""``microcred manage skills_embed``: compute the ESCO framework's skill embeddings now (or queue the task)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from microcred.accounts.permissions import CLI
from microcred.errors import DomainError
from microcred.skills.interfaces import skills_framework
from microcred.skills.linking import embeddings


class Command(BaseCommand):
    help = "Embed every skill of the ESCO framework for semantic linking (runs the ONNX Runtime engine)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue", action="store_true", help="queue the background task instead of running it")
        parser.add_argument("--force", action="store_true", help="restart a job left running by a worker that died")

    def handle(self, *args: Any, **options: Any) -> None:
        framework = skills_framework()
        if framework is None:
            raise CommandError("No ESCO framework is loaded (microcred frameworks import-esco DIR).")
        try:
            index = embeddings.start_embedding(CLI, framework, enqueue=options["queue"], force=options["force"])
        except DomainError as error:
            raise CommandError(str(getattr(error, "errors", [error])[0].message)) from error
        if options["queue"]:
            self.stdout.write(f"queued: embedding index {index.pk} of {framework}")
            return
        index = embeddings.run_embedding(index.pk)
        if index.error:
            raise CommandError(f"failed: {index.error}")
        self.stdout.write(f"{index.status}: {index.done} texts of {framework} in {index.seconds or 0:.1f} s")
