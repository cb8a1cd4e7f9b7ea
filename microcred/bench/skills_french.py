"""French linking quality for ``microcred bench skills``, on a set built here from ESCO's French files.

No labelled French job-posting sentences are at hand, and ESCO's French skills file has no descriptions, so the set
is **synthetic, built from ESCO's French alternative labels**: for each French skill row with an alternative label
(one in ``STEP`` rows, in file order), that label is held out of the index and put in a short posting-like frame
("Compétence recherchée : …"); the gold is its skill. It measures how well French phrasings that are *not* in the
index find their skill among all 13,896 — a synonym test, easier than real postings, labelled as such where printed.
Gold sets have one skill, so RP@5 as published and the strict variant are the same figure.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

FRAMES = (
    "Compétence recherchée : {}.",
    "Exigence du poste : {}.",
    "Un atout pour ce poste : {}.",
    "Nous attendons de vous : {}.",
)
STEP = 3  # one French row with alternatives in three: about 450 sentences


def french_set(taxonomy, esco_fr_dir: Path) -> tuple[list[str], list[set[int]], dict[str, dict]]:  # type: ignore[no-untyped-def]
    """(sentences, gold positions, the French translations by URI with each held-out label removed)."""
    from microcred.frameworks.translations import read_esco_translations

    translations = read_esco_translations(esco_fr_dir, "fr")
    position = {uri: i for i, uri in enumerate(taxonomy.uris) if uri}
    texts: list[str] = []
    gold: list[set[int]] = []
    candidates = [uri for uri, row in translations.items() if row["alternatives"] and uri in position]
    for n, uri in enumerate(candidates[::STEP]):
        row = translations[uri]
        held_out = row["alternatives"][0]
        translations[uri] = {**row, "alternatives": row["alternatives"][1:]}
        texts.append(FRAMES[n % len(FRAMES)].format(held_out))
        gold.append({position[uri]})
    return texts, gold, translations


def run_french(taxonomy, esco_fr_dir: Path, metrics: Callable) -> None:  # type: ignore[no-untyped-def]
    """Print RP@5 and MRR of the English index and of the French one on the synthetic French set."""
    from microcred.skills.linking.lexical import LexicalEngine

    if not (esco_fr_dir / "skills_fr.csv").is_file():
        print(f"  French: no skills_fr.csv in {esco_fr_dir}; not measured")
        return
    texts, gold, translations = french_set(taxonomy, esco_fr_dir)
    french = taxonomy.translated(translations, "fr")
    covered = sum(1 for uri in taxonomy.uris if uri in translations)
    print(
        f"  French (synthetic set from ESCO French alternative labels held out of the index, {len(texts)} sentences; "
        f"French labels for {covered:,} of {len(taxonomy):,} skills):"
    )
    for name, engine in (("English index (no French labels)", LexicalEngine(taxonomy)), ("French index", None)):
        engine = engine or LexicalEngine(french)
        scores = metrics(np.stack([engine.scores(text) for text in texts]), gold)
        print(f"    lexical, {name:<36} RP@5 {scores.rp5:5.1f}   MRR {scores.mrr:5.1f}")
