"""``microcred frameworks …``: import a framework file (CASE, CSV) or an ESCO download, export one.

``microcred import framework FILE`` is the same import under the command family ``import``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time


def _add_import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="the file (CASE JSON, CSV) or, for esco, the directory of the ESCO CSV files")
    parser.add_argument("--format", choices=["case", "csv", "esco"], default=None, help="default: from the extension")
    parser.add_argument("--organization", help="the publisher organization's short name; none: a public framework")
    parser.add_argument("--title", help="CSV: the framework's title")
    parser.add_argument("--version", dest="framework_version", default="1", help="CSV: the version (default 1)")
    parser.add_argument("--publisher", default="", help="CSV: the publisher")
    parser.add_argument("--language", default="en", help="CSV/ESCO: the language (default en)")
    parser.add_argument("--esco-version", default="1.1", help="ESCO: the version of the files (default 1.1)")
    parser.set_defaults(func=run_import)


def register(subparsers: argparse._SubParsersAction) -> None:
    frameworks = subparsers.add_parser("frameworks", help="import and export competency frameworks")
    actions = frameworks.add_subparsers(dest="frameworks_action", required=True, metavar="ACTION")
    _add_import_arguments(actions.add_parser("import", help="import a CASE JSON or CSV file, or an ESCO directory"))
    esco = actions.add_parser("import-esco", help="import ESCO's skills pillar from a directory of its CSV files")
    _add_import_arguments(esco)
    esco.set_defaults(format="esco")
    translations = actions.add_parser(
        "import-esco-labels",
        help="add ESCO's labels in another language (skills_fr.csv, …) to the imported ESCO framework",
    )
    translations.add_argument("path", help="the directory of that language's ESCO CSV files")
    translations.add_argument("--language", required=True, help="the language code of the files, e.g. fr")
    translations.add_argument("--framework", default="", help="the framework's short name (default: the latest ESCO)")
    translations.set_defaults(func=run_import_translations)
    sample = actions.add_parser("load-sample", help="import the Future-ready talent sample (12 competencies, 6 levels)")
    sample.add_argument("--organization", help="the publisher organization's short name; none: a public framework")
    sample.set_defaults(func=run_load_sample)
    export = actions.add_parser("export", help="print a framework version as CASE JSON or CSV")
    export.add_argument("slug", help="the framework's short name")
    export.add_argument("--version", dest="framework_version", help="default: the latest version")
    export.add_argument("--format", choices=["case", "csv"], default="case")
    export.set_defaults(func=run_export)
    if "import" not in subparsers.choices:  # another domain may own the command family one day
        imports = subparsers.add_parser("import", help="import data into microcred")
        kinds = imports.add_subparsers(dest="import_kind", required=True, metavar="KIND")
        _add_import_arguments(kinds.add_parser("framework", help="a competency framework (CASE, CSV or ESCO)"))


class ProgressBar:
    def __init__(self, label: str, stream=None) -> None:  # type: ignore[no-untyped-def]
        self.label, self.stream, self.started = label, stream or sys.stderr, time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        self.stream.flush()

    def finish(self) -> None:
        self.stream.write(f"  {time.monotonic() - self.started:.1f} s\n")


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcred.settings")
    import django

    django.setup()


def run_import(args: argparse.Namespace) -> int:
    _setup()
    from pathlib import Path

    from microcred.accounts.permissions import CLI
    from microcred.accounts.selectors import organization_by_slug
    from microcred.errors import DomainError, ValidationFailed
    from microcred.frameworks import document as doc
    from microcred.frameworks import esco, imports, services

    path = Path(args.path)
    source_format = args.format or ("esco" if path.is_dir() else "csv" if path.suffix.lower() == ".csv" else "case")
    try:
        organization = organization_by_slug(args.organization) if args.organization else None
        if source_format == "esco":
            document = esco.parse_esco(path, language=args.language, version=args.esco_version)
        else:
            if not path.is_file():
                raise ValidationFailed.single("path", "not_found", f"{path} is not a file.")
            if path.stat().st_size > doc.MAX_FILE_BYTES:
                raise doc.FileTooLarge(f"{path} is larger than {doc.MAX_FILE_BYTES // (1024 * 1024)} MB.")
            options = {
                "title": args.title or path.stem,
                "version": args.framework_version,
                "publisher": args.publisher or (organization.name if organization else ""),
                "language": args.language,
            }
            document = imports.parse(source_format, path.read_bytes(), options)
        bar = ProgressBar(f"importing {len(document.competencies)} competencies")
        result = services.import_document(
            actor=CLI, organization=organization, document=document, source_format=source_format, progress=bar
        )
        bar.finish()
    except DomainError as error:
        print(f"error [{error.code}]: {error.message}", file=sys.stderr)
        for item in getattr(error, "errors", [])[:50]:
            print(f"  {item.field}: [{item.code}] {item.message}", file=sys.stderr)
        return 2
    framework = result.framework
    state = "created" if result.created else "updated" if result.changed else "unchanged (already imported)"
    count = framework.competencies.count()
    print(f"{framework.title} {framework.version} ({framework.slug}): {state}; {count} competencies")
    for warning in document.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def run_import_translations(args: argparse.Namespace) -> int:
    _setup()
    from microcred.accounts.permissions import CLI
    from microcred.errors import DomainError
    from microcred.frameworks.models import Framework, SourceFormat
    from microcred.frameworks.translations import import_esco_translations

    frameworks = Framework.objects.filter(organization=None)
    frameworks = (
        frameworks.filter(slug=args.framework) if args.framework else frameworks.filter(source_format=SourceFormat.ESCO)
    )
    framework = frameworks.order_by("-created_at").first()
    if framework is None:
        print("error [framework_not_found]: import the ESCO framework first (import-esco DIR)", file=sys.stderr)
        return 2
    try:
        counts = import_esco_translations(actor=CLI, framework=framework, directory=args.path, language=args.language)
    except DomainError as error:
        print(f"error [{error.code}]: {error.message}", file=sys.stderr)
        for item in getattr(error, "errors", [])[:50]:
            print(f"  {item.field}: [{item.code}] {item.message}", file=sys.stderr)
        return 2
    print(
        f"{framework.title} {framework.version}: {counts.matched} of {counts.rows} {counts.language} rows matched, "
        f"{counts.changed} changed, {counts.unknown} name concepts this framework lacks"
    )
    return 0


def run_export(args: argparse.Namespace) -> int:
    _setup()
    from microcred.frameworks import case, tabular
    from microcred.frameworks.models import Framework

    frameworks = Framework.objects.filter(slug=args.slug)
    if args.framework_version:
        frameworks = frameworks.filter(version=args.framework_version)
    framework = frameworks.order_by("-created_at").first()
    if framework is None:
        print(f"error [framework_not_found]: no framework {args.slug}", file=sys.stderr)
        return 2
    if args.format == "csv":
        sys.stdout.write(tabular.export_csv(framework))
    else:
        json.dump(case.export_case(framework), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    return 0


def run_load_sample(args: argparse.Namespace) -> int:
    _setup()
    from microcred.accounts.permissions import CLI
    from microcred.accounts.selectors import organization_by_slug
    from microcred.errors import DomainError
    from microcred.frameworks.samples import load_future_ready_talent

    try:
        organization = organization_by_slug(args.organization) if args.organization else None
        framework = load_future_ready_talent(actor=CLI, organization=organization)
    except DomainError as error:
        print(f"error [{error.code}]: {error.message}", file=sys.stderr)
        return 2
    print(f"{framework.title} {framework.version} ({framework.slug}): {framework.competencies.count()} entries")
    return 0
