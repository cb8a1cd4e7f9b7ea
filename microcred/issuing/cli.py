"""``microcred keys …``: create, rotate and publish an organization's signing keys.

``microcred issuing export-archive ORG_SLUG FILE`` / ``import-archive FILE``: an institution archive
(``issuing/archive.py``): its DID document, status lists (frozen) and credentials, without private keys.
"""

from __future__ import annotations

import argparse
import json
import os


def register(subparsers: argparse._SubParsersAction) -> None:
    keys = subparsers.add_parser("keys", help="an organization's signing keys and DID document")
    actions = keys.add_subparsers(dest="keys_action", required=True, metavar="ACTION")
    for name, help_text in (
        ("create", "create the organization's first signing key"),
        ("rotate", "replace the signing key; the old one keeps verifying what it signed"),
        ("list", "list the organization's keys (public parts only)"),
        ("export-did", "print the organization's DID document (did:web)"),
    ):
        parser = actions.add_parser(name, help=help_text, description=help_text)
        parser.add_argument("organization", help="the organization's short name (slug)")
        parser.set_defaults(func=run)
    help_text = "print the VC-API test issuer's did:key (test mode only), for the W3C test suites' manifest"
    parser = actions.add_parser("test-issuer", help=help_text, description=help_text)
    parser.set_defaults(func=run)
    help_text = "remove a retired key from the DID document (it leaked): what it signed stops verifying"
    parser = actions.add_parser("withdraw", help=help_text, description=help_text)
    parser.add_argument("organization", help="the organization's short name (slug)")
    parser.add_argument("key", help="the key's publicKeyMultibase (z6Mk…), as `keys list` prints it")
    parser.set_defaults(func=run)
    _register_archive(subparsers)


def _register_archive(subparsers: argparse._SubParsersAction) -> None:
    issuing = subparsers.add_parser("issuing", help="an organization's institution archive (export, import)")
    actions = issuing.add_subparsers(dest="issuing_action", required=True, metavar="ACTION")
    help_text = "write the organization's DID document, status lists and credentials to a zip (no private key)"
    parser = actions.add_parser("export-archive", help=help_text, description=help_text)
    parser.add_argument("organization", help="the organization's short name (slug)")
    parser.add_argument("file", help="the zip file to write")
    parser.set_defaults(func=run_archive)
    help_text = "serve an archived organization here: its DID document, frozen status lists and credentials"
    parser = actions.add_parser("import-archive", help=help_text, description=help_text)
    parser.add_argument("file", help="the zip file written by export-archive")
    parser.set_defaults(func=run_archive)


def run_archive(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcred.settings")
    import django

    django.setup()
    from microcred.accounts.permissions import CLI
    from microcred.accounts.selectors import organization_by_slug
    from microcred.errors import DomainError
    from microcred.issuing import archive

    try:
        if args.issuing_action == "export-archive":
            manifest = archive.export_archive(organization_by_slug(args.organization), args.file)
            print(f"wrote {args.file}: {len(manifest['files'])} files for {manifest['did']}")
            print(archive.FROZEN_NOTE)
        else:
            organization = archive.import_archive(args.file, actor=CLI)
            print(f"imported {organization.slug}: its DID document, frozen status lists and credentials are served")
    except DomainError as error:
        print(f"error [{error.code}]: {error.message}")
        return 2
    except OSError as error:
        print(f"error: {error}")
        return 2
    return 0


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcred.settings")
    import django

    django.setup()
    from microcred.accounts.permissions import CLI
    from microcred.accounts.selectors import organization_by_slug
    from microcred.errors import DomainError
    from microcred.issuing import identity, selectors, services

    if args.keys_action == "test-issuer":
        return _test_issuer()
    try:
        organization = organization_by_slug(args.organization)
        if args.keys_action == "create":
            key = services.create_issuer_key(actor=CLI, organization=organization)
            print(f"created {identity.verification_method_id(organization, key)}")
        elif args.keys_action == "rotate":
            key = services.rotate_issuer_key(actor=CLI, organization=organization)
            print(f"now signing with {identity.verification_method_id(organization, key)}")
        elif args.keys_action == "withdraw":
            key = selectors.key_by_multibase(organization, args.key)
            services.withdraw_issuer_key(actor=CLI, key=key)
            print(f"withdrawn {identity.verification_method_id(organization, key)}")
        elif args.keys_action == "list":
            for key in organization.issuer_keys.order_by("created_at"):
                state = "withdrawn" if key.withdrawn_at else "retired" if key.retired_at else "active"
                print(f"{key.public_key_multibase}  {state:9}  created {key.created_at:%Y-%m-%d %H:%M}")
        else:
            print(json.dumps(identity.did_document(organization), indent=2))
    except DomainError as error:
        print(f"error [{error.code}]: {error.message}")
        return 2
    return 0


def _test_issuer() -> int:
    from django.conf import settings

    from microcred.issuing import identity, services

    if not settings.VC_API_TEST_MODE:
        print("error: the VC-API test issuer exists only with MICROCRED_VC_API_TEST_MODE=1")
        return 2
    organization = services.vc_api_test_issuer()
    key = services.active_key(organization)
    assert key is not None
    print(f"issuer              {identity.issuer_did(organization, key)}")
    print(f"verificationMethod  {identity.signing_method_id(organization, key)}")
    return 0
