"""The code version: a hash of every module that shapes the warehouse's rows.

Each report in the warehouse records the version that built it (`ingest_state.code_version`); a run whose code
differs rebuilds every report once, so an edit to an extractor or a rule never leaves stale rows behind.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_CODE_DIRS = ("pipeline", "schemas")


@cache
def code_version() -> str:
    """A hash of the source of every module (sub-packages included) under pipeline/ and schemas/."""
    digest = hashlib.sha256()
    for folder in _CODE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]
