"""Model-backend costs: cold load time, chars/s for rules, model and auto, peak memory.

    python benchmarks/model_speed.py [--model-dir DIR] [--rounds N]

Each measurement that needs a cold start runs in a fresh subprocess, so import and
load times are real. Peak RSS is the subprocess's maximum resident set size.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
import torch
t_torch = time.perf_counter() - t0
from fazhi_ie import Extractor
from fazhi_ie.io import iter_files, read_text
backend, model_dir, rounds = sys.argv[1], sys.argv[2] or None, int(sys.argv[3])
t1 = time.perf_counter()
ex = Extractor(backend=backend, model_dir=model_dir)
load = time.perf_counter() - t1
texts = [read_text(p) for p in iter_files([sys.argv[4]])]
ex(texts[0])                                    # warm-up
t2 = time.perf_counter()
for _ in range(rounds):
    for t in texts:
        ex(t)
elapsed = time.perf_counter() - t2
chars = sum(map(len, texts)) * rounds
print(json.dumps({"backend": backend, "import_torch_s": round(t_torch, 2), "load_s": round(load, 2),
                  "chars_per_s": round(chars / elapsed), "peak_rss_mb": round(
                      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
"""


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--model-dir", default="")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--corpus", default=str(ROOT / "corpus"))
    args = p.parse_args()
    for backend in ("rules", "model", "auto"):
        out = subprocess.run([sys.executable, "-c", CHILD, backend, args.model_dir, str(args.rounds), args.corpus],
                             capture_output=True, text=True)
        line = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else out.stderr.strip()[-300:]
        print(line)


if __name__ == "__main__":
    main()
