"""``microcred bench frameworks``: import ESCO and a 100,000-competency framework, render the tree, rank suggestions.

Runs against a throwaway SQLite database in a temporary directory (or ``--database-url``), through
the same readers and services the pages, the API and the CLI use. It imports:

1. the official ESCO v1.1.1 export in ``../shared/data/esco`` (skills hierarchy, skill groups, all 13,896
   skills, the relation files, the collections), read where it lies: nothing is written next to it;
2. a synthetic framework of 100,000 competencies, as a CSV file (four levels: 10 × 10 × 10 × 100);

and prints import time and rows/s, peak memory, the tree page's render time for the largest
framework, and crosswalk-suggestion latency (p50/p95) for one competency against ESCO.
Targets: ESCO import under 60 s; peak memory under 1 GiB; framework page under 300 ms; p95 under 200 ms.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import statistics
import time
from pathlib import Path

from microcred.bench.sandbox import migrated_sandbox, peak_mib

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--esco-dir", default=str(DATA / "esco"), help="the ESCO CSV files (default ../shared/data/esco)"
    )
    parser.add_argument("--synthetic", type=int, default=100_000, help="competencies in the synthetic framework")
    parser.add_argument("--queries", type=int, default=200, help="suggestion queries to time")
    parser.add_argument("--database-url", default="", help="use this database instead of a temporary SQLite file")
    parser.add_argument("--seed", type=int, default=4)


def _line(label: str, count: int, seconds: float, unit: str = "rows") -> None:
    rate = count / seconds if seconds > 0 else float("inf")
    print(f"  {label:<44} {count:>8,} {unit:<6} {seconds:8.2f} s   {rate:>10,.0f} {unit}/s")


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return (
        f"p50 {statistics.median(ordered) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms   max {ordered[-1] * 1000:7.1f} ms"
    )


def run(args: argparse.Namespace) -> int:
    _workdir, seconds = migrated_sandbox("frameworks", database_url=args.database_url)
    print(f"microcred bench frameworks: database {os.environ['DATABASE_URL']}")
    print(f"  {'set-up (migrate)':<44} {seconds:8.2f} s")
    esco_dir = Path(args.esco_dir)
    if not esco_dir.is_dir():
        print(f"  the ESCO files are not at {esco_dir}; nothing to measure")
        return 2
    return _bench(args, esco_dir)


def _synthetic_csv(n: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "parent", "short_name", "statement", "type"])
    verbs = [
        "analyse",
        "design",
        "operate",
        "maintain",
        "communicate",
        "evaluate",
        "plan",
        "document",
        "repair",
        "teach",
    ]
    things = ["data", "systems", "safety", "teams", "budgets", "machines", "software", "clients", "networks", "energy"]
    count = 0
    for a in range(10):
        writer.writerow([f"D{a}", "", f"Domain {a}", f"Domain {a}: {things[a]}", "group"])
        count += 1
        for b in range(10):
            writer.writerow([f"D{a}.{b}", f"D{a}", "", f"{verbs[b].title()} {things[a]} (area {a}.{b})", "group"])
            count += 1
            for c in range(10):
                code = f"D{a}.{b}.{c}"
                writer.writerow(
                    [code, f"D{a}.{b}", "", f"{verbs[c].title()} {things[b]} for {things[a]}", "competency"]
                )
                count += 1
                leaves = max(0, n - 1110) // 1000 + (1 if (a * 100 + b * 10 + c) < max(0, n - 1110) % 1000 else 0)
                for d in range(leaves):
                    statement = f"{verbs[d % 10]} {things[(d // 10) % 10]} {things[c]} step {d}"
                    writer.writerow([f"{code}.{d}", code, "", statement, "skill"])
                    count += 1
    return out.getvalue().encode()


def _bench(args: argparse.Namespace, esco_dir: Path) -> int:
    from django.db import connection, reset_queries
    from django.test import Client

    from microcred.accounts.permissions import CLI
    from microcred.frameworks import esco, services, similarity, tabular
    from microcred.frameworks.models import Framework
    from microcred.testing.factories import make_organization

    rng = random.Random(args.seed)
    ok = True

    t = time.perf_counter()
    document = esco.parse_esco(esco_dir)
    parsed = time.perf_counter() - t
    result = services.import_document(actor=CLI, organization=None, document=document, source_format="esco")
    seconds = time.perf_counter() - t
    _line("ESCO files (read + check)", len(document.competencies), parsed)
    _line("ESCO files (read + check + write)", len(document.competencies), seconds)
    t = time.perf_counter()
    again = services.import_document(
        actor=CLI, organization=None, document=esco.parse_esco(esco_dir), source_format="esco"
    )
    _line("ESCO again (idempotent: nothing changes)", len(document.competencies), time.perf_counter() - t)
    assert not again.changed

    print(f"  {'ESCO import target':<44} under 60 s: {'met' if seconds < 60 else 'NOT met'}")
    ok = ok and seconds < 60
    full = result.framework

    provider = make_organization("provider", name="Bench College")
    data = _synthetic_csv(args.synthetic)
    t = time.perf_counter()
    document = tabular.parse_csv(data, title="Synthetic framework")
    result = services.import_document(actor=CLI, organization=provider, document=document, source_format="csv")
    seconds = time.perf_counter() - t
    _line(f"synthetic CSV ({len(data) / 1e6:.1f} MB, read + write)", len(document.competencies), seconds)
    synthetic = services.publish_framework(actor=CLI, framework=result.framework)
    del document, data

    largest = max(Framework.objects.all(), key=lambda f: f.competencies.count())
    client = Client()
    page = f"/frameworks/{largest.slug}/v/{largest.version}/"
    client.get(page)
    timings = []
    for _ in range(10):
        t = time.perf_counter()
        response = client.get(page)
        timings.append(time.perf_counter() - t)
        assert response.status_code == 200
    print(f"  {'framework page, largest (' + format(largest.competencies.count(), ',') + ')':<44} {_ms(timings)}")
    ok = ok and sorted(timings)[int(0.95 * len(timings)) - 1] < 0.3
    node = synthetic.competencies.filter(depth=2).first()
    timings = []
    for _ in range(10):
        t = time.perf_counter()
        client.get(f"/frameworks/{synthetic.slug}/v/{synthetic.version}/children/{node.identifier}/")
        timings.append(time.perf_counter() - t)
    print(f"  {'one deeper level (lazy load, 100 children)':<44} {_ms(timings)}")
    timings = []
    for word in ("maintain", "data", "energy networks", "step 7"):
        t = time.perf_counter()
        client.get(f"{page}?q={word}")
        timings.append(time.perf_counter() - t)
    print(f"  {'search within the largest framework':<44} {_ms(timings)}")

    t = time.perf_counter()
    index = similarity.index_for(full)
    print(f"  {'BM25 index of ESCO (built once, cached)':<44} {time.perf_counter() - t:8.2f} s")
    sources = list(synthetic.competencies.order_by("?")[: args.queries])
    sources += list(full.competencies.order_by("?")[: args.queries // 4])
    rng.shuffle(sources)
    timings = []
    for source in sources[: args.queries]:
        t = time.perf_counter()
        index.search(services.text_of(source), limit=10)
        timings.append(time.perf_counter() - t)
    print(f"  {'suggestions for one competency vs ESCO':<44} {_ms(timings)}")
    ok = ok and sorted(timings)[int(0.95 * len(timings)) - 1] < 0.2
    reset_queries()
    del connection
    print(f"  {'peak memory':<44} {peak_mib():8.0f} MiB   (target: under 1024 MiB)")
    ok = ok and peak_mib() < 1024
    return 0 if ok else 1
