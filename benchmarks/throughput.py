"""Rules-only throughput on report text, one process, one core.

    python benchmarks/throughput.py [--rounds N] [FILES or folders …]

Each report is extracted independently (as an app calling extract() per report
does), over several rounds; prints chars/s and UTF-8 MB/s.
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from fazhi_ie import Extractor
from fazhi_ie.io import iter_files, read_text

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="*", default=[str(ROOT / "corpus")])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--backend", default="rules")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})   # one core
    texts = [read_text(p) for p in iter_files(args.paths)]
    extractor = Extractor(backend=args.backend)
    for t in texts:          # warm-up: lexicon loading and regex compilation
        extractor(t)
    chars = sum(map(len, texts)) * args.rounds
    nbytes = sum(len(t.encode("utf-8")) for t in texts) * args.rounds
    facts = 0
    t0 = time.perf_counter()
    for _ in range(args.rounds):
        for t in texts:
            facts += len(extractor(t).facts)
    elapsed = time.perf_counter() - t0
    print(f"backend={args.backend} reports={len(texts)} rounds={args.rounds} chars={chars} facts={facts}")
    print(f"time {elapsed:.2f} s  |  {chars / elapsed:,.0f} chars/s  |  {nbytes / elapsed / 1e6:.2f} MB/s (UTF-8)")


if __name__ == "__main__":
    main()
