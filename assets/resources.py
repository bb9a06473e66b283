"""The one resource the assets need: where the raw reports are and where the warehouse goes."""


from pathlib import Path

import dagster as dg

from pipeline import config


class PipelinePaths(dg.ConfigurableResource):
    """Folders from OGI_RAW_DIR / OGI_WAREHOUSE (read when the run starts), else data/raw and data/warehouse."""

    raw_dir: str = ""
    warehouse: str = ""

    @property
    def raw_path(self) -> Path:
        return Path(self.raw_dir) if self.raw_dir else config.raw_dir()

    @property
    def warehouse_path(self) -> Path:
        return Path(self.warehouse) if self.warehouse else config.warehouse_path()
