"""``microcred bench load``: the whole platform under a mixed load over real HTTP, with 1 and then 2 app servers.

Starts a throwaway PostgreSQL server on loopback (``microcred.bench.postgres``; ``--database-url`` names an existing
one instead), migrates, collects the static files (production settings) and builds a bounded data set
(``load_data``). It times the library's verifier in this process on the learners' credentials (as ``bench verify``
does), then starts the two task workers (``microcred worker``) and, for each count in ``--workers``, gunicorn with that
many worker processes on a free loopback port, and drives it from ``--concurrency`` client threads here:

1. verify only: ``POST /api/v1/verify`` of the learners' signed credentials, for the HTTP verify rate per worker;
2. the mix, each client in turn: verify, catalog search (``GET /catalog/?q=…``), verify, a learner's wallet page
   (``GET /wallet/`` with the session cookie of a log-in through the real form); beside them, one award client per task
   worker enrols new learners (CSV), imports their results (gradebook preview + apply) and starts a bulk award
   through the API as the provider's admin, then polls its progress until the task workers have awarded and signed
   every credential.

Every answer is checked (status, and the content that shows the work was done); any failure is counted and printed.
Prints count, rate, p50/p95 per kind and phase, the HTTP verify rate per worker as a share of the library's, the
2-worker/1-worker ratio, whether the targets are met, and where the CPU went. Everything started here is stopped on
exit, including on Ctrl-C or SIGTERM, and the temporary directories are removed; nothing is written in the project.
Exits 1 when a request failed, else 0 (targets are reported, not enforced: they depend on the machine).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from microcred.bench import load_cpu
from microcred.bench.load_data import COHORT, LoadSite
from microcred.bench.load_traffic import KINDS, Phase, log_in, run_phase, warm
from microcred.bench.sandbox import migrate, new_workdir
from microcred.bench.verify import _environment, _library, _start_server, _stop_server, free_port, percentile

TASK_WORKERS = 2
SHARE_TARGET = 0.50  # HTTP verify per app-server worker, as a share of the library's rate in one process
SCALE_TARGET = 1.7  # 2 workers against 1
MIX = ("verify", "search", "verify", "wallet")
LIBRARY_COUNT = 200


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seconds", type=float, default=20, help="length of each timed phase (default 20)")
    parser.add_argument("--concurrency", type=int, default=8, help="HTTP clients of the mix (default 8)")
    parser.add_argument("--workers", default="1,2", help="gunicorn worker counts to run, comma-separated (default 1,2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    parser.add_argument("--learners", type=int, default=20, help="learners holding a credential (default 20)")
    parser.add_argument("--catalog", type=int, default=200, help="published credentials to search (default 200)")
    parser.add_argument(
        "--database-url", default="", help="use this PostgreSQL database instead of starting a throwaway server"
    )


def run(args: argparse.Namespace) -> int:
    try:
        counts = [int(value) for value in args.workers.split(",") if value.strip()]
    except ValueError:
        counts = []
    if not counts or min(counts) < 1 or args.concurrency < 1 or args.seconds <= 0 or args.learners < 1:
        print("--workers takes counts such as 1,2; --concurrency, --learners and --seconds must be positive")
        return 2
    if args.database_url and not args.database_url.startswith(("postgres://", "postgresql://")):
        print("--database-url must name a PostgreSQL database (postgres://…)")
        return 2
    previous = signal.signal(signal.SIGTERM, _interrupted)  # stop everything as on Ctrl-C
    try:
        with contextlib.ExitStack() as stack:
            url = args.database_url
            if not url:
                from microcred.bench.postgres import throwaway_postgres

                url = stack.enter_context(throwaway_postgres())
            workdir = new_workdir("load")
            stack.callback(shutil.rmtree, workdir, ignore_errors=True)
            return _bench(args, counts, url, workdir, stack)
    except KeyboardInterrupt:
        print("\ninterrupted: everything this benchmark started has been stopped")
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupted(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _bench(args: argparse.Namespace, counts: list[int], url: str, workdir: Path, stack: contextlib.ExitStack) -> int:
    port = free_port()
    environment = _environment(workdir, port)
    environment.update(
        {
            "DATABASE_URL": url,
            "MICROCRED_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            # every learner signs in from the one loopback address
            "MICROCRED_THROTTLES": environment["MICROCRED_THROTTLES"] + ",login.address=10000/60",
        }
    )
    os.environ.update(environment)
    load_before = os.getloadavg()
    started = time.perf_counter()
    migrating = migrate()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.PUBLIC_BASE_URL = environment["MICROCRED_PUBLIC_URL"]
    connection.ensure_connection()
    stage = time.perf_counter()
    call_command("collectstatic", "--no-input", verbosity=0)
    static, stage = time.perf_counter() - stage, time.perf_counter()
    from microcred.bench import load_data

    site = load_data.build(learners=args.learners, award_clients=TASK_WORKERS, catalog=args.catalog)
    version = connection.pg_version // 10000
    connection.close()
    print(
        f"microcred bench load: PostgreSQL {version}, {len(site.credentials)} learners holding "
        f"a {site.proof_format} credential, {args.catalog} more published credentials; load average "
        f"{_load(load_before)}; {os.cpu_count()} CPUs"
    )
    print(
        f"  set-up {time.perf_counter() - started:.0f} s (migrate {migrating:.0f} s, static files {static:.0f} s, "
        f"data {time.perf_counter() - stage:.0f} s)"
    )
    workers = [_start_task_worker(environment, workdir, n) for n in range(TASK_WORKERS)]
    for worker in workers:
        stack.callback(_stop_server, worker, 30)  # a task worker finishes its task first
    _wait_for_heartbeats(TASK_WORKERS, workers)
    database = load_cpu.postgres_pid(url)
    results: dict[int, dict[str, Phase]] = {}
    library: dict[int, float] = {}
    kept: dict[int, float] = {}
    sessions: dict[str, str] = {}
    for count in counts:
        print(
            f"\nN = {count}: gunicorn {count} worker(s) × {args.threads} threads on 127.0.0.1:{port}, "
            f"{TASK_WORKERS} task workers, {args.concurrency} clients, {args.seconds:g} s per phase"
        )
        library[count] = _library_rate(site)
        kept[count] = _library_rate(site, keep_lists=True)
        print(
            f"  library: vc.verify.verify() of the same {site.proof_format} credentials in this process, one after "
            f"another, just before: {library[count]:,.1f}/s; sharing its verified status lists across the calls, as "
            f"the server does: {kept[count]:,.1f}/s"
        )
        server_args = argparse.Namespace(workers=count, threads=args.threads)
        server = _start_server(port, server_args, environment, workdir)
        try:
            if not sessions:
                sessions = log_in(port, site)
            warm(port, site, sessions)
            print(_TABLE_HEADER)
            parts = {"app servers": {server.pid}, "task workers": {worker.pid for worker in workers}}
            if database is not None:
                parts["PostgreSQL"] = {database}
            verify_only = run_phase(port, site, sessions, args, mix=("verify",), award_clients=0, parts=parts)
            _print_phase("verify only", verify_only)
            mixed = run_phase(port, site, sessions, args, mix=MIX, award_clients=TASK_WORKERS, parts=parts)
            _print_phase("mix", mixed)
            results[count] = {"verify only": verify_only, "mix": mixed}
        finally:
            _stop_server(server)
    return _summary(results, library, kept, load_before, started)


def _library_rate(site: LoadSite, keep_lists: bool = False) -> float:
    """The library's verify rate on the learners' credentials, as ``bench verify`` measures it (DID document and
    status lists read once from the database, then from memory)."""
    from django.db import connection

    with contextlib.redirect_stdout(io.StringIO()):  # its own line is in bench verify's format; ours is printed
        rate, failures = _library(site.proof_format, _repeat(site.credentials, LIBRARY_COUNT), keep_lists)
    connection.close()
    if failures:
        raise RuntimeError(f"the library did not verify {failures} of the learners' credentials")
    return rate


# ---------------------------------------------------------------- processes


def _start_task_worker(environment: dict[str, str], workdir: Path, index: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "microcred.cli", "worker"]
    with (workdir / f"worker-{index}.log").open("wb") as log:
        return subprocess.Popen(  # noqa: S603 - our own fixed command line
            command, env={**os.environ, **environment}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )


def _wait_for_heartbeats(count: int, workers: list[subprocess.Popen[bytes]]) -> None:
    from django.db import connection

    from microcred.operations.models import WorkerHeartbeat

    deadline = time.monotonic() + 60
    pids = [worker.pid for worker in workers]
    while WorkerHeartbeat.objects.filter(pid__in=pids).count() < count:
        if any(worker.poll() is not None for worker in workers) or time.monotonic() > deadline:
            raise RuntimeError("the task workers did not start (microcred worker)")
        time.sleep(0.2)
    connection.close()


# ---------------------------------------------------------------- output


_TABLE_HEADER = f"  {'phase':<13}{'kind':<14}{'count':>8}{'per s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}"


def _print_phase(name: str, phase: Phase) -> None:
    for kind in KINDS:
        if not phase.latencies[kind]:
            continue
        p50, p95 = (percentile(phase.latencies[kind], f) * 1000 for f in (0.50, 0.95))
        label = f"award ×{COHORT}" if kind == "award" else kind
        print(
            f"  {name:<13}{label:<14}{phase.done[kind]:>8,}{phase.rate(kind):>9,.1f}{p50:>9,.0f}{p95:>9,.0f}"
            f"{len(phase.errors[kind]):>8}"
        )
        name = ""
    print(f"  {'':<13}{'all':<14}{sum(phase.done.values()):>8,}{phase.throughput:>9,.1f}{'':>18}{phase.error_count:>8}")
    if phase.cpu:
        parts = ", ".join(f"{part} {cores:.2f}" for part, cores in phase.cpu.items() if part != "machine")
        print(f"  {'':<13}cores used (of {os.cpu_count()}, {phase.cpu['machine']:.2f} busy): {parts}")
    for kind in KINDS:
        for error in phase.errors[kind][:5]:
            print(f"  ERROR {kind}: {error}")
        if len(phase.errors[kind]) > 5:
            print(f"  … and {len(phase.errors[kind]) - 5} more {kind} errors")


def _summary(
    results: dict[int, dict[str, Phase]],
    library: dict[int, float],
    kept: dict[int, float],
    load_before: Any,
    started: float,
) -> int:
    print("\nSummary (share: HTTP verify per worker / the library's rate; kept: the library keeping verified lists)")
    print(
        f"  {'N':>3}{'mix ops/s':>12}{'awards/s':>10}{'verify only/s':>15}{'per worker':>12}{'library/s':>11}"
        f"{'share':>8}{'kept/s':>9}{'share':>8}"
    )
    shares = {}
    for count, phases in results.items():
        verify_rate = phases["verify only"].rate("verify")
        shares[count] = verify_rate / count / library[count] if library[count] else 0.0
        kept_share = verify_rate / count / kept[count] if kept[count] else 0.0
        print(
            f"  {count:>3}{phases['mix'].throughput:>12,.1f}{phases['mix'].rate('award'):>10,.2f}{verify_rate:>15,.1f}"
            f"{verify_rate / count:>12,.1f}{library[count]:>11,.1f}{shares[count]:>8.0%}{kept[count]:>9,.1f}"
            f"{kept_share:>8.0%}"
        )
    met = all(share >= SHARE_TARGET for share in shares.values())
    print(
        f"  HTTP verify per worker ≥ {SHARE_TARGET:.0%} of the library's rate: "
        f"{'met' if met else 'NOT met'} ({', '.join(f'N={n}: {s:.0%}' for n, s in shares.items())})"
    )
    if 1 in results and 2 in results:
        mix = results[2]["mix"].throughput / results[1]["mix"].throughput if results[1]["mix"].throughput else 0.0
        one, two = (results[n]["verify only"].rate("verify") for n in (1, 2))
        verify = two / one if one else 0.0
        verdict = "met" if mix >= SCALE_TARGET else "NOT met"
        print(
            f"  2 workers / 1 worker: mix {mix:.2f}×, verify only {verify:.2f}× "
            f"(target ≥ {SCALE_TARGET}× for the mix: {verdict})"
        )
        _explain_scaling(results[1]["mix"], results[2]["mix"])
    errors = sum(phase.error_count for phases in results.values() for phase in phases.values())
    print(
        f"  errors: {errors}; load average {_load(load_before)} before, {_load(os.getloadavg())} after; "
        f"whole run {time.perf_counter() - started:.0f} s"
    )
    return 1 if errors else 0


def _explain_scaling(one: Phase, two: Phase) -> None:
    """Two workers can only be faster if they get more CPU than one had: say how much each run's app servers got."""
    if not one.cpu or not two.cpu:
        return
    print(
        f"  in the mix the app servers used {one.cpu['app servers']:.2f} cores with 1 worker and "
        f"{two.cpu['app servers']:.2f} with 2, of {os.cpu_count()}; beside them PostgreSQL, the task workers and the "
        f"load generator {_others(two):.2f}, and the rest of the machine (other processes) "
        f"{one.cpu['rest of the machine']:.2f} / {two.cpu['rest of the machine']:.2f}"
    )


def _others(phase: Phase) -> float:
    return sum(phase.cpu.get(part, 0.0) for part in ("PostgreSQL", "task workers", "load generator"))


def _load(values: Any) -> str:
    return " / ".join(f"{value:.2f}" for value in values)


def _repeat(values: list[Any], count: int) -> list[Any]:
    return [values[i % len(values)] for i in range(count)]
