"""``microcred europe …``: print a design as ELM 3 JSON-LD, import an ELM specification as a draft."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcred.settings")
    import django

    django.setup()


def register(subparsers: argparse._SubParsersAction) -> None:
    europe = subparsers.add_parser("europe", help="the European Learning Model (ELM 3): export and import")
    actions = europe.add_subparsers(dest="europe_action", required=True, metavar="ACTION")
    export = actions.add_parser("export", help="print a micro-credential version as ELM 3 JSON-LD")
    export.add_argument("provider", help="the provider's short name")
    export.add_argument("slug", help="the micro-credential's short name")
    export.add_argument("--version", dest="credential_version", type=int, help="default: the published version")
    export.set_defaults(func=run_export)
    imports = actions.add_parser("import", help="import an ELM specification (JSON-LD file, - for stdin) as a draft")
    imports.add_argument("path")
    imports.add_argument("--provider", required=True, help="the provider's short name")
    imports.set_defaults(func=run_import)


def run_export(args: argparse.Namespace) -> int:
    _setup()
    from microcred.catalog.models import MicroCredential, Status
    from microcred.europe.elm import to_elm

    versions = MicroCredential.objects.filter(provider__slug=args.provider, slug=args.slug)
    if args.credential_version:
        found = versions.filter(version=args.credential_version).first()
    else:
        found = versions.filter(status=Status.PUBLISHED).first() or versions.order_by("-version").first()
    if found is None:
        print(f"No micro-credential {args.provider}/{args.slug}.", file=sys.stderr)
        return 2
    print(json.dumps(to_elm(found), ensure_ascii=False, indent=2))
    return 0


def run_import(args: argparse.Namespace) -> int:
    _setup()
    from microcred.accounts.permissions import CLI
    from microcred.catalog import selectors
    from microcred.errors import DomainError
    from microcred.europe import services

    try:
        text = sys.stdin.read() if args.path == "-" else Path(args.path).read_text(encoding="utf-8")
        document = json.loads(text)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        print(f"Cannot read {args.path}: {error}", file=sys.stderr)
        return 2
    try:
        provider = selectors.provider_by_slug(args.provider)
        result = services.import_elm(actor=CLI, provider=provider, document=document)
    except DomainError as error:
        print(json.dumps(error.to_json(), ensure_ascii=False, default=str), file=sys.stderr)
        return 2
    made = result.credential
    print(f"Imported as a draft: {made.provider.slug}/{made.slug} v{made.version}")
    for line in result.unmapped:
        print(f"  not mapped: {line}")
    return 0
