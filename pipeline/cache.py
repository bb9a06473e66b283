"""A parse cache, so a nightly run re-reads and re-extracts only the files that changed.

Reading and table extraction are pure functions of a file's bytes, its metadata override and the code,
so their results are stored per report under `<cache dir>/<code version>/<stage>/<key>.pkl`, where the key
is the report_id (hash of the bytes) plus a hash of the override, and the code version is a hash of every
module in pipeline/ and schemas/. Changing a file, its override or the code therefore misses the cache;
an unchanged file is loaded in well under a millisecond instead of being parsed again. Validation and
loading always run over all reports (cross-year rules need the neighbours), which is fast.
Folders of other code versions are deleted when a run opens the cache. A corrupt entry is a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
from functools import cache
from pathlib import Path

_CODE_DIRS = ("pipeline", "schemas")


@cache
def code_version() -> str:
    """A hash of the source of every module that shapes parsed output."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for folder in _CODE_DIRS:
        for path in sorted((root / folder).rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def entry_key(report_id: str, override: dict | None) -> str:
    if not override:
        return report_id
    return report_id + "-" + hashlib.sha256(json.dumps(override, sort_keys=True).encode()).hexdigest()[:8]


class ParseCache:
    """Pickled stage results by (stage, key) for the current code version."""

    def __init__(self, directory: Path, version: str | None = None):
        self.version = version or code_version()
        self.root = directory / self.version
        self.hits = 0
        self.misses = 0
        if directory.is_dir():
            for other in directory.iterdir():
                if other.is_dir() and other.name != self.version:
                    shutil.rmtree(other, ignore_errors=True)

    def _path(self, stage: str, key: str) -> Path:
        return self.root / stage / f"{key}.pkl"

    def get(self, stage: str, key: str):
        path = self._path(stage, key)
        try:
            with path.open("rb") as fh:
                value = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, stage: str, key: str, value) -> None:
        path = self._path(stage, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # never a half-written entry, even with parallel writers
