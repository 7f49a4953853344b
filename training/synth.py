"""Synthetic training sentences, labelled by construction.

    python -m training.synth --n 2000 --seed 13 --out runs/synth.jsonl

Each record is a short passage in the gold format of annotations/GUIDELINES.md,
mention spans included. Wordings come from the lexicon (fazhi_ie/lexicon), so
the generator teaches the model the lexicon's vocabulary in many frames and
number forms; sentences that hold only look-alike counts teach it what not to
extract. Synthetic records are for training only: never put them in dev or test.
"""
from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fazhi_ie import lexicon

CN_DIGITS = "零一二三四五六七八九"
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ISSUERS = ["市人民政府", "县人民政府", "区人民政府", "旗人民政府", "镇人民政府", "市司法局", "县司法局", "区政府"]
PLACES = ["江北", "城关", "新华", "滨海", "青山", "河西", "东湖", "白云", "长宁", "永和", "安定", "金川"]
TIMES = [("{y}年", 0), ("{y}年度", 0), ("今年以来", 0), ("全年", 0), ("截至{y}年11月", 0), ("{y}年1至10月", 0)]
CONNECT = ["，", "，其中", "；", "，另"]
DISTRACTOR_FRAMES = [
    "办理行政处罚案件{n}件，罚没款{m}万元",
    "审查各类合同{n}份，涉法文件{n2}件",
    "受理政府信息公开申请{n}件",
    "组织领导干部学法{n}次，举办法治讲座{n2}场",
    "开展普法宣传活动{n}场次，发放宣传资料{m}余份",
    "开展公平竞争审查{n}件",
    "召开常务会议{n}次，审议议题{n2}个",
]
# (subject, action) -> units that read naturally
UNITS = {"enforcement_personnel": ["人", "名"], "supervision_personnel": ["人", "名"],
         "enforcement_auxiliary": ["人", "名"], "special_supervisor": ["人", "名"]}
CASE_UNITS = ["件", "宗", "起"]
DOC_UNITS = ["件", "份"]


def chinese_numeral(n: int) -> str:
    """0 < n < 100000 as written in reports: 十三, 二十, 一百零五."""
    if n < 10:
        return "两" if n == 2 else CN_DIGITS[n]
    out, units = "", [(10000, "万"), (1000, "千"), (100, "百"), (10, "十")]
    zero = False
    for size, name in units:
        d, n = divmod(n, size)
        if d:
            if zero:
                out += "零"
            out += ("" if (name == "十" and not out and d == 1) else CN_DIGITS[d]) + name
            zero = False
        elif out:
            zero = True
    if n:
        out += ("零" if zero else "") + CN_DIGITS[n]
    return out


@dataclass
class Builder:
    """Appends text and records the offsets of what it appends."""

    text: str = ""
    facts: list[dict[str, Any]] = field(default_factory=list)

    def add(self, piece: str) -> tuple[int, int]:
        start = len(self.text)
        self.text += piece
        return start, len(self.text)


def number_form(rng: random.Random, value: int) -> tuple[str, int | float, str]:
    """A surface for a count and its qualifier: 17, １７, 十七, 200余, 1.2万."""
    r = rng.random()
    if value >= 10000 and r < 0.5:
        w = round(value / 10000, 1)
        return f"{w:g}万", int(w * 10000) if float(w * 10000).is_integer() else w * 10000, "exact"
    if r < 0.12 and value < 100000:
        return chinese_numeral(value), value, "exact"
    if r < 0.2:
        return str(value).translate(FULLWIDTH), value, "exact"
    if r < 0.3 and value >= 20:
        rounded = value // 10 * 10
        return f"{rounded}{rng.choice('余多')}", rounded, "at_least"
    return str(value), value, "exact"


def _wordings(kind: str, code: str) -> list[str]:
    return lexicon.load(kind)[code]["wordings"]


def passage(rng: random.Random) -> dict[str, Any]:
    subjects = lexicon.subjects()
    year = rng.randint(2015, 2025)
    issuer = rng.choice(PLACES) + rng.choice(ISSUERS)
    b = Builder()
    b.add(f"{issuer}{year}年法治政府建设情况\n")
    for _ in range(rng.randint(1, 3)):
        if rng.random() < 0.25:
            frame = rng.choice(DISTRACTOR_FRAMES)
            b.add(frame.format(n=rng.randint(2, 900), n2=rng.randint(2, 90), m=rng.randint(2, 500)) + "。")
            continue
        core = [c for c, e in subjects.items() if e.get("core")]
        code = rng.choice(core if rng.random() < 0.85 else list(subjects))
        info = subjects[code]
        time_tpl, shift = rng.choice(TIMES)
        time_span = b.add(time_tpl.format(y=year)) if rng.random() < 0.7 else None
        if time_span:
            b.add("，")
        b.add(rng.choice(["", "共", "全市共", "全县共", "累计"]))
        actions = rng.sample(info["actions"], k=min(len(info["actions"]), rng.randint(1, 4)))
        subject_span = None
        total = rng.randint(5, 3000)
        for i, action in enumerate(actions):
            if i:
                b.add(rng.choice(CONNECT))
            action_span = b.add(rng.choice(_wordings("actions", action)))
            if subject_span is None:
                subject_span = b.add(rng.choice(info["wordings"]))
            units = UNITS.get(code) or (DOC_UNITS if code == "normative_document" else CASE_UNITS)
            value = total if i == 0 else rng.randint(1, max(1, total))
            surface, norm, qualifier = number_form(rng, value)
            unit = rng.choice(units)
            span = b.add(surface + unit)
            b.facts.append({
                "subject": code, "action": action, "value": norm, "unit": unit, "qualifier": qualifier,
                "year": year + shift, "period": b.text[time_span[0]:time_span[1]] if time_span else None,
                "measure": None, "section": [], "breakdown": None, "span": list(span),
                "subject_span": list(subject_span), "action_span": list(action_span),
                "time_span": list(time_span) if time_span else None,
            })
        b.add("。")
    return {"text": b.text, "issuer": issuer, "report_year": year, "genre": "synthetic", "facts": b.facts}


def generate(n: int, seed: int = 13) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        rec = passage(rng)
        rec["id"] = f"synth_{seed}_{i:05d}"
        out.append(rec)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as fh:
        for rec in generate(args.n, args.seed):
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(f"wrote {args.n} synthetic passages to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
