"""``microcred manage skills_embed``: compute the ESCO framework's skill embeddings now (or queue the task)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from microcred.accounts.permissions import CLI
from microcred.errors import DomainError
from microcred.skills.interfaces import skills_framework
from microcred.skills.linking import embeddings
from microcred.skills.linking.taxonomy import Taxonomy


class Command(BaseCommand):
    help = "Embed every skill of the ESCO framework for semantic linking (runs the ONNX Runtime engine)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue", action="store_true", help="queue the background task instead of running it")
        parser.add_argument("--force", action="store_true", help="restart a job left running by a worker that died")
        parser.add_argument(
            "--static-only",
            action="store_true",
            help="only build the model's static span table (faster linking; the embedding task builds it too)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        framework = skills_framework()
        if framework is None:
            raise CommandError("No ESCO framework is loaded (microcred frameworks import-esco DIR).")
        if options["static_only"]:
            path = embeddings.build_static_table(Taxonomy.from_framework(framework))
            if path is None:
                raise CommandError("building the static span table failed (see the log)")
            self.stdout.write(f"static span table: {path}")
            return
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
        path = embeddings.build_static_table(Taxonomy.from_framework(framework))
        if path is not None:
            self.stdout.write(f"static span table: {path}")
        self.stdout.write(f"{index.status}: {index.done} texts of {framework} in {index.seconds or 0:.1f} s")
