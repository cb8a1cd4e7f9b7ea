"""``microcred lti keys|rotate-key|retire-key KID``: the LTI tool's own signing keys (its JWKS at ``/lti/jwks``).

A rotation makes a new signing key at once; the previous key stays published (platforms cache the JWKS) until it
is retired."""

from __future__ import annotations

import argparse
import os


def register(subparsers: argparse._SubParsersAction) -> None:
    lti = subparsers.add_parser("lti", help="the LTI 1.3 tool's signing keys")
    actions = lti.add_subparsers(dest="lti_action", required=True, metavar="ACTION")
    for name, help_text in (
        ("keys", "list the published keys (kid, since, superseded)"),
        ("rotate-key", "a new signing key; the previous one stays published until retired"),
    ):
        parser = actions.add_parser(name, help=help_text, description=help_text)
        parser.set_defaults(func=run)
    help_text = "stop publishing a superseded key"
    parser = actions.add_parser("retire-key", help=help_text, description=help_text)
    parser.add_argument("kid", help="the key id, as `microcred lti keys` prints it")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcred.settings")
    import django

    django.setup()
    from microcred.accounts.permissions import CLI
    from microcred.errors import DomainError
    from microcred.lti import keys
    from microcred.lti.models import ToolKey

    try:
        if args.lti_action == "rotate-key":
            print(f"signing key: {keys.rotate(actor=CLI).kid}")
        elif args.lti_action == "retire-key":
            print(f"retired: {keys.retire(actor=CLI, kid=args.kid).kid}")
        keys.signing_key()
        for key in ToolKey.objects.filter(retired_at__isnull=True):
            state = f"superseded {key.superseded_at:%Y-%m-%d}" if key.superseded_at else "signing"
            print(f"{key.kid}  since {key.created_at:%Y-%m-%d}  {state}")
    except DomainError as error:
        print(f"error: {error.message} ({error.code})")
        return 1
    return 0
