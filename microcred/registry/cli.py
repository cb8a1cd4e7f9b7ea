"""``microcred registry export-ctdl|import-ctdl|publish-pending``: a version's complete CTDL, a CTDL credential in
as a draft (with what could not be carried over), and queuing the published versions the registry has not heard of."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    registry = subparsers.add_parser("registry", help="CTDL and the Credential Registry")
    actions = registry.add_subparsers(dest="registry_action", required=True, metavar="ACTION")
    export = actions.add_parser("export-ctdl", help="print a version's complete CTDL (JSON-LD)")
    export.add_argument("provider", help="the provider's short name")
    export.add_argument("slug", help="the micro-credential's short name")
    export.add_argument("--version", dest="credential_version", type=int, help="default: the newest version")
    export.set_defaults(func=run)
    imports = actions.add_parser("import-ctdl", help="a CTDL credential (a registry export) in as a draft")
    imports.add_argument("path", help="the JSON-LD file, or - for standard input")
    imports.add_argument("--provider", required=True, help="the provider's short name")
    imports.set_defaults(func=run)
    pending = actions.add_parser(
        "publish-pending", help="queue every published version not sent yet, for each provider that publishes"
    )
    pending.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcred.settings")
    import django

    django.setup()
    from microcred.accounts.permissions import CLI
    from microcred.catalog.models import MicroCredential
    from microcred.catalog.selectors import provider_by_slug
    from microcred.errors import DomainError
    from microcred.registry import ctdl, services
    from microcred.registry.models import RegistrySettings

    try:
        if args.registry_action == "export-ctdl":
            versions = MicroCredential.objects.filter(provider__slug=args.provider, slug=args.slug)
            if args.credential_version:
                versions = versions.filter(version=args.credential_version)
            found = versions.order_by("-version").first()
            if found is None:
                print("no such micro-credential", file=sys.stderr)
                return 1
            print(json.dumps(ctdl.catalog_export(found), ensure_ascii=False, indent=2))
        elif args.registry_action == "import-ctdl":
            provider = provider_by_slug(args.provider)
            text = sys.stdin.read() if args.path == "-" else Path(args.path).read_text(encoding="utf-8")
            try:
                document = json.loads(text)
            except (ValueError, RecursionError):
                print("not JSON", file=sys.stderr)
                return 1
            made, notes = services.import_ctdl(actor=CLI, provider=provider, document=document)
            print(f"draft: {made.provider.slug}/{made.slug} v{made.version}")
            for note in notes:
                print(f"- {note}")
        else:
            for row in RegistrySettings.objects.filter(enabled=True).select_related("organization"):
                queued = services.publish_existing(actor=CLI, organization=row.organization)
                print(f"{row.organization.slug}: {len(queued)} queued")
    except DomainError as error:
        field_errors = getattr(error, "errors", [])
        for field_error in field_errors:
            print(f"{field_error.field}: {field_error.code}: {field_error.message}", file=sys.stderr)
        if not field_errors:
            print(f"{error.code}: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(str(error), file=sys.stderr)
        return 1
    return 0
