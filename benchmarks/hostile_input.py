"""Hostile input: regular-expression time budget, a fuzz run, and one very large input.

    .venv/bin/python benchmarks/hostile_input.py regex            # every pattern vs adversarial strings
    .venv/bin/python benchmarks/hostile_input.py fuzz --seconds 300
    .venv/bin/python benchmarks/hostile_input.py big --mb 50      # worst-case time and peak memory

regex: every compiled pattern the package uses (module globals and the lexicon-built
matchers) is run with ``finditer`` over strings of n = 2,000 and 8,000 characters built
from its own literal characters (one character repeated, two alternating, a near-match
repeated). Linear matching grows ×4 from the short to the long string; super-linear
backtracking grows ×16 or more. The budget is 0.25 s per pattern at n = 8,000.
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import random
import re
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import fazhi_ie  # noqa: E402
from fazhi_ie import extract  # noqa: E402

BUDGET_S = 0.25


def _patterns_in(obj, found: dict, where: str, depth: int = 0) -> None:
    if isinstance(obj, re.Pattern):
        found.setdefault(obj.pattern, (obj, where))
    elif depth < 3 and isinstance(obj, dict):
        for k, v in obj.items():
            _patterns_in(v, found, f"{where}[{k!r}]", depth + 1)
    elif depth < 3 and isinstance(obj, (list, tuple, set, frozenset)):
        for i, v in enumerate(obj):
            _patterns_in(v, found, f"{where}[{i}]", depth + 1)
    elif depth < 3 and hasattr(obj, "__dict__") and not isinstance(obj, type) and not callable(obj):
        for k, v in vars(obj).items():
            _patterns_in(v, found, f"{where}.{k}", depth + 1)


def all_patterns() -> dict[str, tuple[re.Pattern, str]]:
    """Every compiled pattern of the package: module globals, and what the cached
    builders (functions without arguments, e.g. the lexicon matchers) return."""
    found: dict = {}
    for info in pkgutil.walk_packages(fazhi_ie.__path__, "fazhi_ie."):
        if ".model" in info.name or info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if getattr(value, "__module__", None) != module.__name__ and not isinstance(value, re.Pattern):
                continue
            if isinstance(value, re.Pattern):
                _patterns_in(value, found, f"{info.name}.{name}")
            elif callable(value) and hasattr(value, "cache_info"):
                try:
                    _patterns_in(value(), found, f"{info.name}.{name}()")
                except TypeError:
                    pass      # a cached function that takes arguments
    return found


def adversarial(pattern: str, n: int, rng: random.Random) -> list[str]:
    chars = sorted({c for c in pattern if not c.isascii() or c.isdigit()} | set("0１年件,，。 \n"))
    rng.shuffle(chars)
    chars = chars[:24]
    out = [c * n for c in chars]
    out += [(a + b) * (n // 2) for a, b in zip(chars, chars[1:])]
    words = re.findall(r"[^\W\d_a-zA-Z]{2,8}", pattern)[:8]
    out += [(w + "1") * (n // (len(w) + 1)) for w in words]
    return out


def regex_budget() -> int:
    worst = []
    for source, (pattern, where) in all_patterns().items():
        ratio_worst, long_worst = 0.0, 0.0
        for short, long in zip(adversarial(source, 2000, random.Random(1)), adversarial(source, 8000, random.Random(1))):
            t0 = time.perf_counter()
            for _ in pattern.finditer(short):
                pass
            t1 = time.perf_counter()
            for _ in pattern.finditer(long):
                pass
            t2 = time.perf_counter()
            long_worst = max(long_worst, t2 - t1)
            if t2 - t1 > 0.002:
                ratio_worst = max(ratio_worst, (t2 - t1) / max(t1 - t0, 1e-6))
        worst.append((long_worst, ratio_worst, where))
    worst.sort(reverse=True)
    print(f"{len(worst)} patterns; slowest at n=8000 (seconds, growth from n=2000):")
    for t, ratio, where in worst[:8]:
        print(f"  {t:8.4f} s  x{ratio:5.1f}  {where}")
    over = [w for w in worst if w[0] > BUDGET_S]
    print(f"over the {BUDGET_S} s budget: {len(over)}")
    return 1 if over else 0


PIECES = ["行政复议", "行政诉讼", "规范性文件", "执法证", "收到", "受理", "办结", "其中", "共",
          "件", "起", "名", "余", "多", "约", "2021年", "去年", "截至", "一、", "（一）", "1.",
          "一是", "|", "，", "。", "\n", "\r\n", "\u200b", "&nbsp;", "<p>", "</p>", "<td>",
          "１７", "17", "二十余", "31.5万", "〔2021〕9号", "複議", "審結", "\x00", "\ufffd"]


def fuzz(seconds: float) -> int:
    rng = random.Random(12345)
    deadline, n, chars, slowest, errors = time.time() + seconds, 0, 0, 0.0, 0
    while time.time() < deadline:
        kind = rng.random()
        if kind < 0.5:
            text = "".join(rng.choice(PIECES) for _ in range(rng.randrange(1, 400)))
        elif kind < 0.8:
            text = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4000))).decode(
                rng.choice(["latin-1", "utf-8", "gb18030"]), "replace")
        else:
            text = "".join(chr(rng.randrange(1, 0x30000)) for _ in range(rng.randrange(1, 2000)))
        t0 = time.perf_counter()
        try:
            doc = extract(text, report_year=rng.choice([None, 2021]), backend="rules")
            for f in doc.facts:
                assert 0 <= f.span[0] < f.span[1] <= len(text), f.span
        except Exception as exc:            # noqa: BLE001 — the fuzz run counts every failure
            errors += 1
            print(f"FAILED on {text[:60]!r}…: {type(exc).__name__}: {str(exc)[:120]}")
        slowest = max(slowest, time.perf_counter() - t0)
        n += 1
        chars += len(text)
    print(f"fuzz: {n} inputs, {chars:,} chars in {seconds:.0f} s; errors {errors}; slowest input {slowest:.3f} s")
    return 1 if errors else 0


def big(mb: float) -> int:
    corpus = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt")))
    hostile = ("收到行政复议申请17件" * 2000 + "\n" + "一、\n" * 500 + "|17|" * 3000 + "\n"
               + "1" * 20000 + "\n" + "行政复议" * 5000 + "。\n")
    unit = corpus + "\n" + hostile
    reps = max(1, int(mb * 1e6 / len(unit.encode("utf-8"))))
    text = unit * reps
    size = len(text.encode("utf-8")) / 1e6
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    doc = extract(text, backend="rules")
    took = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"big: {size:.1f} MB ({len(text):,} chars) in {took:.1f} s = {size / took:.2f} MB/s; "
          f"{len(doc.facts)} facts; peak RSS {rss:.0f} MB (before the call {rss0:.0f} MB)")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="what", required=True)
    sub.add_parser("regex")
    f = sub.add_parser("fuzz")
    f.add_argument("--seconds", type=float, default=60)
    b = sub.add_parser("big")
    b.add_argument("--mb", type=float, default=50)
    args = ap.parse_args()
    if args.what == "regex":
        return regex_budget()
    if args.what == "fuzz":
        return fuzz(args.seconds)
    return big(args.mb)


if __name__ == "__main__":
    raise SystemExit(main())
