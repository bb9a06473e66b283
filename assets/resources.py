"""The one resource the assets need: where the raw reports are and where the warehouse goes."""


from pathlib import Path

import dagster as dg

from pipeline import config
from pipeline.cache import ParseCache


class PipelinePaths(dg.ConfigurableResource):
    """Folders from OGI_RAW_DIR / OGI_WAREHOUSE / OGI_CACHE_DIR (read when the run starts), else data/raw and
    data/warehouse."""

    raw_dir: str = ""
    warehouse: str = ""
    cache_dir: str = ""

    @property
    def raw_path(self) -> Path:
        return Path(self.raw_dir) if self.raw_dir else config.raw_dir()

    @property
    def warehouse_path(self) -> Path:
        return Path(self.warehouse) if self.warehouse else config.warehouse_path()

    @property
    def parse_cache(self) -> ParseCache:
        """Results of reading and extraction for unchanged files (OGI_CACHE_DIR, else next to the warehouse)."""
        return ParseCache(Path(self.cache_dir) if self.cache_dir else config.cache_dir(self.warehouse_path))
