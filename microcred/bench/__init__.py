"""``microcred bench NAME``: benchmarks that print their figures. Tests never assert timings; these do the measuring.

Each benchmark is a module with ``add_arguments(parser)`` and ``run(args) -> int``; list it in
``BENCHMARKS`` below.
"""

from __future__ import annotations

import argparse
import importlib
import os

BENCHMARKS: dict[str, tuple[str, str]] = {
    # name: (module, one-line description)
    "vc": ("microcred.vc.bench", "sign and verify Open Badges 3.0 credentials in every proof format"),
    "award": ("microcred.bench.award", "enrol a cohort, import its results, decide the rule, issue what is earned"),
    "frameworks": ("microcred.bench.frameworks", "import ESCO and 100,000 competencies, render trees, rank"),
    "reports": ("microcred.bench.reports", "fill 100,000 awards, render the provider dashboard, stream the CSV export"),
    "verify": ("microcred.bench.verify", "verify credentials of each proof format: library, and HTTP API under load"),
    "exchange": (
        "microcred.bench.exchange",
        "complete OID4VCI pre-authorized issuances per second over HTTP, 1 and 2 workers",
    ),
    "catalog": (
        "microcred.bench.catalog",
        "search 100,000 published micro-credentials with facet counts; compare four; permalink pages",
    ),
    "load": (
        "microcred.bench.load",
        "the platform under a mixed HTTP load (verify, search, wallet, awards by the task workers), 1 and 2 workers",
    ),
    "skills": ("microcred.bench.skills", "link sentences to 13,896 ESCO skills: RP@5 (published, strict), MRR, speed"),
}


def register(subparsers: argparse._SubParsersAction) -> None:
    bench = subparsers.add_parser("bench", help="run a benchmark and print its figures")
    names = bench.add_subparsers(dest="benchmark", required=True, metavar="NAME")
    for name, (module_name, description) in BENCHMARKS.items():
        parser = names.add_parser(name, help=description, description=description)
        parser.set_defaults(func=_runner(module_name), bench_module=module_name)
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue  # listed but not written yet: running it says so
        if hasattr(module, "add_arguments"):
            module.add_arguments(parser)


def _runner(module_name: str):  # type: ignore[no-untyped-def]
    def run(args: argparse.Namespace) -> int:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcred.settings")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            print(f"benchmark {args.benchmark} is not available yet ({module_name} is missing)")
            return 2
        return int(module.run(args) or 0)

    return run
