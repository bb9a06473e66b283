"""Where the pipeline reads and writes: `OGI_RAW_DIR` and `OGI_WAREHOUSE`, defaulting to the project's folders."""

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

