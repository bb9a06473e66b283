"""Benchmark: reading PDF reports (pipeline.reading.pdf) in ms per page over every PDF in the test corpus.

    .venv/bin/python scripts/bench_pdf.py [--repeat 3]

Prints each file's pages and best-of-N milliseconds, then the average per page over all files (target ≤ 50 ms).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pypdfium2 as pdfium  # noqa: E402

from pipeline.reading.pdf import pdf_to_text  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "documents" / "pdf"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    total_ms, total_pages = 0.0, 0
    for path in sorted(CORPUS.rglob("*.pdf")):
        data = path.read_bytes()
        pages = len(pdfium.PdfDocument(data))
        best = min(_timed(data) for _ in range(args.repeat))
        total_ms += best
        total_pages += pages
        print(f"{path.relative_to(CORPUS).as_posix():<28}{pages:>4} pages {best:8.1f} ms {best / pages:6.1f} ms/page")
    print(f"\n{total_pages} pages: {total_ms / total_pages:.1f} ms per page on average (target <= 50 ms)")
    return 0


def _timed(data: bytes) -> float:
    started = time.perf_counter()
    pdf_to_text(data)
    return (time.perf_counter() - started) * 1000


if __name__ == "__main__":
    sys.exit(main())
