"""The ``microcred`` command: serve, demo, migrate, manage, and the domain commands.

Each domain adds its subcommands through a ``register(subparsers)`` function; this module only
wires them up and starts Django.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcred.settings")
    import django

    django.setup()


def _manage(arguments: Sequence[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcred.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["microcred", *arguments])
    return 0


def compile_messages() -> list[str]:
    """Compile the .po catalogues to .mo with polib (no GNU gettext needed on the machine)."""
    from pathlib import Path

    import polib

    compiled = []
    for po_path in (Path(__file__).resolve().parent / "locale").glob("*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            # written aside and renamed: two test passes (or test workers) may compile at the same moment
            partial = mo_path.with_name(f"{mo_path.name}.{os.getpid()}.tmp")
            polib.pofile(str(po_path)).save_as_mofile(str(partial))
            os.replace(partial, mo_path)
            compiled.append(str(mo_path))
    return compiled


def cmd_serve(args: argparse.Namespace) -> int:
    compile_messages()
    if args.production:
        os.environ["MICROCRED_DEBUG"] = "0"
        _manage(["migrate", "--no-input", "-v", "0"])
        _manage(["collectstatic", "--no-input", "-v", "0"])
        from gunicorn.app.wsgiapp import run

        sys.argv = [
            "gunicorn",
            "microcred.wsgi:application",
            "--bind",
            f"{args.host}:{args.port}",
            "--workers",
            str(args.workers),
            "--access-logfile",
            "-",
        ]
        run()
        return 0
    return _manage(
        ["runserver", f"{args.host}:{args.port}", "--noreload"]
        if args.noreload
        else ["runserver", f"{args.host}:{args.port}"]
    )


def cmd_demo(args: argparse.Namespace) -> int:
    compile_messages()
    _manage(["migrate", "--no-input", "-v", "0"])
    from microcred.demo.loader import load_demo
    from microcred.demo.scenario import DEMO_PASSWORD

    summary = load_demo()
    print("Demo data " + ("loaded." if summary.created else "already present; nothing changed."))
    print(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, what in summary.logins:
        print(f"  {email:42} {what}")
    if args.no_serve:
        return 0
    print(f"microcred is serving on http://{args.host}:{args.port}/  (Ctrl-C to stop)")
    return _manage(["runserver", f"{args.host}:{args.port}", "--noreload"])


def cmd_migrate(args: argparse.Namespace) -> int:
    return _manage(["migrate", *args.rest])


def cmd_manage(args: argparse.Namespace) -> int:
    return _manage(args.rest or ["help"])


def cmd_worker(args: argparse.Namespace) -> int:
    """Run the background tasks (bulk awards, framework imports) queued in the database: no auto-reloader, a
    heartbeat, and the tasks of workers that died taken up again (``microcred.operations.worker``)."""
    _django_setup()
    from microcred.operations.worker import run_worker

    return run_worker(batch=args.batch)


def cmd_messages(args: argparse.Namespace) -> int:
    for path in compile_messages():
        print(f"compiled {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="microcred", description="The microcred micro-credential platform.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the web server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--production", action="store_true", help="gunicorn, DEBUG off, static files collected")
    serve.add_argument("--workers", type=int, default=max(2, (os.cpu_count() or 1) * 2))
    serve.add_argument("--noreload", action="store_true", help="development server without auto-reload")
    serve.set_defaults(func=cmd_serve)

    demo = sub.add_parser("demo", help="migrate, load the demo data set and serve it")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--no-serve", action="store_true", help="load the data and stop")
    demo.set_defaults(func=cmd_demo)

    migrate = sub.add_parser("migrate", help="apply database migrations")
    migrate.add_argument("rest", nargs=argparse.REMAINDER)
    migrate.set_defaults(func=cmd_migrate)

    manage = sub.add_parser("manage", help="any Django management command (microcred manage help)")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)

    messages = sub.add_parser("messages", help="compile the English and French message catalogues")
    messages.set_defaults(func=cmd_messages)

    worker = sub.add_parser("worker", help="run queued background tasks (bulk awards, framework imports)")
    worker.add_argument("--batch", action="store_true", help="run what is queued, then stop")
    worker.set_defaults(func=cmd_worker)

    for module in _domain_command_modules():
        module.register(sub)
    return parser


def _domain_command_modules() -> list:
    import importlib

    modules = []
    for name in (
        "microcred.vc.cli",
        "microcred.issuing.cli",
        "microcred.frameworks.cli",
        "microcred.europe.cli",
        "microcred.skills.cli",
        "microcred.lti.cli",
        "microcred.registry.cli",
        "microcred.operations.backup",
        "microcred.bench",
    ):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        if hasattr(module, "register"):
            modules.append(module)
    return modules


# Commands whose arguments are Django's own: argparse's REMAINDER refuses a remainder that starts with an option
# (`microcred migrate --no-input` failed), so they are passed on before argparse reads them.
PASS_THROUGH = {"migrate": ["migrate"], "manage": []}


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments and arguments[0] in PASS_THROUGH and arguments[1:2] not in (["-h"], ["--help"]):
        return _manage([*PASS_THROUGH[arguments[0]], *arguments[1:]])
    parser = build_parser()
    args = parser.parse_args(arguments)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
