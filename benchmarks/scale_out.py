"""Throughput of the scale-out recipes (README, "Scale-out"): one process, datasets.map
with N processes, Spark mapInPandas on local[N]; total and per process.

    python benchmarks/scale_out.py [--copies 50] [--procs 2] [--no-spark] [FILES or folders …]

The input is the bundled corpus repeated ``--copies`` times (each copy a separate
document). Every engine gets one untimed warm-up run (worker start-up, lexicon loading),
then ``--rounds`` timed runs, of which the fastest counts; Spark's session start is not
timed, and its output goes to the ``noop`` sink so that every row is computed and
nothing is collected. "per process" is the total divided by the processes used: on a
machine with as many idle cores as processes, it shows what each process loses to the
engine's overhead.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fazhi_ie.scale import extract_dataset, extract_spark, facts_from_pandas, texts_frame


def corpus(paths: list[str], copies: int) -> pd.DataFrame:
    base = texts_frame(paths)
    frames = [base.assign(id=base["id"] + f"#{i}") for i in range(copies)]
    return pd.concat(frames, ignore_index=True)


def timed(run, rounds: int) -> tuple[float, int]:
    """The fastest of ``rounds`` runs after a warm-up, and the facts the last one found."""
    run()
    best, n_facts = float("inf"), 0
    for _ in range(rounds):
        t0 = time.perf_counter()
        n_facts = run()
        best = min(best, time.perf_counter() - t0)
    return best, n_facts


def bench_single(texts: pd.DataFrame, rounds: int) -> tuple[float, int]:
    return timed(lambda: len(facts_from_pandas(texts)), rounds)


def bench_datasets(texts: pd.DataFrame, procs: int, rounds: int) -> tuple[float, int]:
    import datasets

    datasets.disable_progress_bars()
    datasets.disable_caching()
    ds = datasets.Dataset.from_pandas(texts)
    return timed(lambda: extract_dataset(ds, num_proc=procs if procs > 1 else None).num_rows, rounds)


def bench_spark(texts: pd.DataFrame, procs: int, rounds: int) -> tuple[float, int]:
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (SparkSession.builder.master(f"local[{procs}]").appName("fazhi_ie-bench")
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
             .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    try:
        sdf = spark.createDataFrame(texts).repartition(procs * 4).cache()
        sdf.count()

        def run() -> int:
            extract_spark(sdf).write.format("noop").mode("overwrite").save()
            return 0
        elapsed, _ = timed(run, rounds)
        return elapsed, extract_spark(sdf).count()
    finally:
        spark.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", default=[str(ROOT / "corpus")])
    parser.add_argument("--copies", type=int, default=50)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2, help="timed runs per recipe (the fastest counts)")
    parser.add_argument("--no-spark", action="store_true")
    args = parser.parse_args()
    texts = corpus(args.paths, args.copies)
    chars = int(texts["text"].str.len().sum())
    print(f"{len(texts)} documents, {chars:,} chars, {os.cpu_count()} CPUs")
    n, rounds = args.procs, args.rounds
    runs = [("one process (facts_from_pandas)", 1, lambda: bench_single(texts, rounds)),
            ("datasets.map num_proc=1", 1, lambda: bench_datasets(texts, 1, rounds)),
            (f"datasets.map num_proc={n}", n, lambda: bench_datasets(texts, n, rounds))]
    if not args.no_spark:
        runs += [("spark mapInPandas local[1]", 1, lambda: bench_spark(texts, 1, rounds)),
                 (f"spark mapInPandas local[{n}]", n, lambda: bench_spark(texts, n, rounds))]
    print(f"{'recipe':36}{'time s':>8}{'docs/s':>9}{'chars/s':>12}{'chars/s per process':>22}")
    for name, procs, run in runs:
        elapsed, n_facts = run()
        print(f"{name:36}{elapsed:8.2f}{len(texts) / elapsed:9.1f}{chars / elapsed:12,.0f}"
              f"{chars / elapsed / procs:22,.0f}   ({n_facts} facts)")


if __name__ == "__main__":
    main()
