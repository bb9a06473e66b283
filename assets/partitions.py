"""Raw files in 16 hash buckets (by path), so the UI shows which parts of the folder a run covers and Dagster's
executors can process buckets side by side; one run covers all of them (single-run backfill policy)."""

import hashlib

import dagster as dg

BUCKETS = [f"{i:x}" for i in range(16)]
raw_buckets = dg.StaticPartitionsDefinition(BUCKETS)

#: run tags that make one run cover every bucket (what the schedule and the sensor launch)
ALL_BUCKETS_TAGS = {
    "dagster/asset_partition_range_start": BUCKETS[0],
    "dagster/asset_partition_range_end": BUCKETS[-1],
}


def bucket_of(source_path: str) -> str:
    """A file's bucket: the first hex digit of the hash of its path (an edit keeps a file in its bucket)."""
    return hashlib.sha256(source_path.encode("utf-8", "surrogateescape")).hexdigest()[0]
