"""Where the pipeline reads and writes: `OGI_RAW_DIR`, `OGI_WAREHOUSE` and `OGI_CACHE_DIR`, defaulting to the
project's folders (the parse cache sits next to the warehouse)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RAW_DIR = PROJECT_ROOT / "data" / "raw"
DEFAULT_WAREHOUSE = PROJECT_ROOT / "data" / "warehouse" / "ogi.duckdb"


def raw_dir() -> Path:
    return Path(os.environ.get("OGI_RAW_DIR") or DEFAULT_RAW_DIR)


def warehouse_path() -> Path:
    return Path(os.environ.get("OGI_WAREHOUSE") or DEFAULT_WAREHOUSE)


def cache_dir(warehouse: Path | None = None) -> Path:
    return Path(os.environ.get("OGI_CACHE_DIR") or (warehouse or warehouse_path()).parent / "cache")
