"""The one resource the assets need: where the raw reports are and where the warehouse goes.

Definitions configure it with `dg.EnvVar("OGI_RAW_DIR")` / `dg.EnvVar("OGI_WAREHOUSE")`, so the UI shows where data
lives; unset, definitions.py sets them to data/raw and data/warehouse/ogi.duckdb.
"""

from pathlib import Path

import dagster as dg

from pipeline import config


class PipelinePaths(dg.ConfigurableResource):
    """The raw folder and the warehouse file."""

    raw_dir: str = ""
    warehouse: str = ""

    @property
    def raw_path(self) -> Path:
        return Path(self.raw_dir) if self.raw_dir else config.raw_dir()

    @property
    def warehouse_path(self) -> Path:
        return Path(self.warehouse) if self.warehouse else config.warehouse_path()

    @property
    def parts_path(self) -> Path:
        """Where partition steps leave their Parquet batches for the publishing step (shared storage on a cluster)."""
        return self.warehouse_path.with_name(self.warehouse_path.name + ".dagster.parts")
