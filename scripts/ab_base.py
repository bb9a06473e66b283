"""A copy of another tree's `pipeline` package importable next to this one, as `pipeline_base`, for in-process
comparisons (scripts/ab_extract_tables.py, scripts/check_same_mutated.py).

    from ab_base import load_base
    base = load_base("/tmp/base_tree")   # the pipeline_base package (a tree checked out at the base commit)

The copy goes to a temporary folder with every `pipeline.` import rewritten to `pipeline_base.`; both packages then
live in one process, with their own caches.
"""

from __future__ import annotations

import importlib
import re
import shutil
import sys
import tempfile
from pathlib import Path

_IMPORT = re.compile(r"\bpipeline(?=\.)|(?<=from )pipeline(?= import)|(?<=^import )pipeline$", re.MULTILINE)


def load_base(tree: str | Path):
    """Import `tree`/pipeline as the package `pipeline_base`."""
    root = Path(tempfile.mkdtemp(prefix="ab_base_"))
    target = root / "pipeline_base"
    shutil.copytree(Path(tree) / "pipeline", target, ignore=shutil.ignore_patterns("__pycache__"))
    for path in target.rglob("*.py"):
        path.write_text(_IMPORT.sub("pipeline_base", path.read_text(encoding="utf-8")), encoding="utf-8")
    sys.path.insert(0, str(root))
    return importlib.import_module("pipeline_base")
