"""Fine-tune the fact model (NER + relation heads) from the annotated corpus.

    python -m training.train --base checkpoints/base_encoder --out checkpoints/run1
    python -m training.train --base checkpoints/base_encoder --out fazhi_ie/models/fazhi-facts \\
        --layers 6 --epochs 8 --synth 600 --dtype fp16

``--base`` is a folder holding an XLM-R-style encoder (``config.json``,
``model.safetensors``, ``tokenizer.json``): the pruned multilingual-e5-small built
by ``python -m training.base_encoder``, or any local Hugging Face checkpoint (a
Chinese RoBERTa downloaded by a user who can reach a hub). The corpus is read
through :func:`fazhi_ie.annotations.load_dataset`; synthetic passages
(:mod:`training.synth`) are added to the training split only. Seeds are fixed.
Reports seqeval per entity type, relation P/R/F1, and fact-level P/R/F1 from the
same scorer as ``fazhi-ie evaluate``; writes them into the model card.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import time
from pathlib import Path
from typing import Any

from fazhi_ie.annotations import GoldDoc, load_splits
from fazhi_ie.model.align import Window, label_window, length_batches, passage_windows, special_ids, with_context
from fazhi_ie.model.heads import distance_bucket
from fazhi_ie.model.labels import RELATIONS, bio_tags
from fazhi_ie.model.load import build_model, save_model

ROOT = Path(__file__).resolve().parents[1]


def lexicon_hash() -> str:
    h = hashlib.sha256()
    for f in sorted((ROOT / "fazhi_ie" / "lexicon").glob("*.yaml")):
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def line_ranges(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if body.strip():
            out.append((pos, pos + len(body)))
        pos += len(line)
    return out


def doc_windows(tokenizer, docs: list[GoldDoc], max_len: int) -> list[Window]:
    windows = []
    special = special_ids(tokenizer)
    for i, d in enumerate(docs):
        ents = d.entities()
        ranges = [with_context(d.text, a, b) for a, b in line_ranges(d.text)]
        for w in passage_windows(tokenizer, d.text, ranges, i, max_len,
                                 cls=special["cls"], sep=special["sep"]):
            label_window(w, ents, d.facts)
            windows.append(w)
    return windows


def batches(windows: list[Window], batch_tokens: int, rng: random.Random | None):
    groups = length_batches([len(w.input_ids) for w in windows], batch_tokens)
    if rng is not None:
        rng.shuffle(groups)
    return groups


def tensors(windows: list[Window], group: list[int], pad: int = 1):
    import torch

    width = max(len(windows[k].input_ids) for k in group)
    ids = torch.full((len(group), width), pad, dtype=torch.long)
    mask = torch.zeros_like(ids)
    tags = torch.full_like(ids, -100)
    pairs, targets = [], []
    for r, k in enumerate(group):
        w = windows[k]
        n = len(w.input_ids)
        ids[r, :n] = torch.tensor(w.input_ids)
        mask[r, :n] = 1
        tags[r, 1:n - 1] = torch.tensor(w.tags[1:n - 1])
        for v, m, rel, y in w.relations:
            va, vb, _ = w.entities[v]
            ma, mb, _ = w.entities[m]
            pairs.append([r, va, vb, ma, mb, rel, distance_bucket(va, ma)])
            targets.append(y)
    return ids, mask, tags, torch.tensor(pairs, dtype=torch.long).reshape(-1, 7), torch.tensor(targets)


def evaluate_windows(model, windows: list[Window], batch_tokens: int, pad: int = 1) -> dict[str, Any]:
    """seqeval per entity type and relation P/R/F1 (on gold entities)."""
    import torch
    from seqeval.metrics import classification_report

    tags = bio_tags()
    coarse = lambda t: t if t == "O" else t.split(":")[0]   # noqa: E731 - B-SUBJECT:x → B-SUBJECT
    y_true, y_pred = [], []
    tp = fp = fn = 0
    model.eval()
    with torch.inference_mode():
        for group in batches(windows, batch_tokens, None):
            ids, mask, gold, pairs, targets = tensors(windows, group, pad)
            hidden = model.encode(ids, mask)
            pred = model.tag_logits(hidden).argmax(-1)
            for r, k in enumerate(group):
                n = len(windows[k].input_ids)
                y_true.append([coarse(tags[t]) for t in gold[r, 1:n - 1].tolist()])
                y_pred.append([coarse(tags[t]) for t in pred[r, 1:n - 1].tolist()])
            if len(targets):
                p = model.relation_logits(hidden, pairs).sigmoid() >= 0.5
                t = targets >= 0.5
                tp += int((p & t).sum())
                fp += int((p & ~t).sum())
                fn += int((~p & t).sum())
    report = classification_report(y_true, y_pred, output_dict=True, zero_division=0)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return {
        "entities": {k: {m: round(float(v[m]), 4) for m in ("precision", "recall", "f1-score", "support")}
                     for k, v in report.items()},
        "relations": {"precision": round(prec, 4), "recall": round(rec, 4),
                      "f1": round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0},
    }


def fact_scores(model_dir: Path, docs: list[GoldDoc], backend: str) -> dict[str, Any]:
    from fazhi_ie.evaluate import score
    from fazhi_ie.pipeline import Extractor

    ex = Extractor(backend=backend, model_dir=model_dir)
    result = score(docs, [ex(d.text, id=d.id) for d in docs])
    return {"core": result.core.as_dict(), "extended": result.extended.as_dict(),
            "year[core]": round(result.accuracy("year[core]"), 4),
            "measure[core]": round(result.accuracy("measure[core]"), 4)}


def base_encoder_state(base: Path, base_cfg: dict[str, Any], layers: int) -> dict[str, Any]:
    """The base encoder's weights, first ``layers`` layers. An XLM-R checkpoint is read
    straight from its safetensors; other architectures through transformers (offline)."""
    if base_cfg.get("model_type", "xlm-roberta") == "xlm-roberta" and (base / "model.safetensors").is_file():
        from safetensors.torch import load_file

        state = load_file(str(base / "model.safetensors"))
    else:
        from transformers import AutoModel

        state = AutoModel.from_pretrained(base, local_files_only=True).state_dict()
    prefix = next((p for p in ("roberta.", "bert.") if any(k.startswith(p) for k in state)), "")
    state = {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}
    return {k: v for k, v in state.items()
            if not k.startswith("encoder.layer.") or int(k.split(".")[2]) < layers}


def train(args: argparse.Namespace) -> dict[str, Any]:
    import torch
    from tokenizers import Tokenizer

    random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    base = Path(args.base)
    tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
    splits = load_splits(args.splits)
    train_docs = [d for name in args.train_splits.split(",") for d in splits[name]]
    if args.synth:
        from training.synth import generate

        train_docs += [GoldDoc(r["id"], r["text"], r["issuer"], r["report_year"], r["facts"], "synthetic")
                       for r in generate(args.synth, seed=args.seed)]
    if args.limit:
        train_docs = train_docs[: args.limit]
    train_w = doc_windows(tokenizer, train_docs, args.max_len)
    dev_w = doc_windows(tokenizer, splits[args.eval_split][: args.limit or None], args.max_len)

    base_cfg = json.loads((base / "config.json").read_text(encoding="utf-8"))
    layers = args.layers or base_cfg["num_hidden_layers"]
    keep = ("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
            "hidden_act", "max_position_embeddings", "type_vocab_size", "layer_norm_eps", "pad_token_id",
            "bos_token_id", "eos_token_id", "model_type")
    config = {
        "encoder": {**{k: base_cfg[k] for k in keep if k in base_cfg}, "num_hidden_layers": layers},
        "tags": list(bio_tags()), "relations": list(RELATIONS), "max_len": args.max_len,
        "special_ids": special_ids(tokenizer), "lexicon_sha": lexicon_hash(), "context": True,
        "base": str(args.base_name or base.name),
    }
    model = build_model(config)
    model.encoder.load_state_dict(base_encoder_state(base, base_cfg, layers), strict=False)
    head_params = [p for n, p in model.named_parameters() if not n.startswith("encoder.")]
    enc_params = [p for n, p in model.named_parameters() if n.startswith("encoder.")]
    opt = torch.optim.AdamW([{"params": enc_params, "lr": args.lr},
                             {"params": head_params, "lr": args.head_lr}], weight_decay=0.01)
    rng = random.Random(args.seed)
    steps_per_epoch = len(batches(train_w, args.batch_tokens, None))
    total = max(1, steps_per_epoch * args.epochs)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / max(1, total // 10)) * max(0.0, (total - s) / total))
    tag_loss = torch.nn.CrossEntropyLoss(ignore_index=-100)
    rel_loss = torch.nn.BCEWithLogitsLoss()
    t0, step = time.time(), 0
    for epoch in range(args.epochs):
        model.train()
        running = 0.0
        for group in batches(train_w, args.batch_tokens, rng):
            ids, mask, tags, pairs, targets = tensors(train_w, group, config["special_ids"]["pad"])
            hidden = model.encode(ids, mask)
            loss = tag_loss(model.tag_logits(hidden).flatten(0, 1), tags.flatten())
            if len(targets):
                loss = loss + rel_loss(model.relation_logits(hidden, pairs), targets.float())
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            running += float(loss.detach())
            step += 1
        print(f"epoch {epoch + 1}/{args.epochs} loss {running / max(1, steps_per_epoch):.4f} "
              f"({time.time() - t0:.0f}s)", flush=True)
        if args.time_budget and time.time() - t0 > args.time_budget:
            print("time budget reached", flush=True)
            break
    metrics = {"eval_split": args.eval_split, "train_splits": args.train_splits,
               "dev": evaluate_windows(model, dev_w, args.batch_tokens, config["special_ids"]["pad"]),
               "train_seconds": round(time.time() - t0, 1), "train_windows": len(train_w), "epochs": epoch + 1}
    out = save_model(model, tokenizer, args.out, {**config, "metrics": metrics}, dtype=args.dtype)
    if not args.skip_fact_eval:
        metrics["facts"] = {}
        for split in ("dev", "test"):
            docs = splits[split][: args.limit or None]
            metrics["facts"][split] = {b: fact_scores(out, docs, b) for b in ("rules", "model", "auto")}
        cfg = json.loads((out / "config.json").read_text(encoding="utf-8"))
        cfg["metrics"] = metrics
        (out / "config.json").write_text(json.dumps(cfg, ensure_ascii=False, indent=1), encoding="utf-8")
    write_card(out, config, metrics, args)
    return metrics


def write_card(out: Path, config: dict[str, Any], metrics: dict[str, Any], args: argparse.Namespace) -> None:
    size = (out / "model.safetensors").stat().st_size / 2**20
    lines = [
        "# fazhi-facts: NER + relation model for fazhi_ie", "",
        f"- base encoder: {config['base']} ({config['encoder']['num_hidden_layers']} layers, hidden "
        f"{config['encoder']['hidden_size']}, vocabulary {config['encoder']['vocab_size']})",
        f"- weights: {args.dtype}, {size:.1f} MiB; lexicon {config['lexicon_sha']}",
        f"- trained on the `{args.train_splits}` split(s) of annotations/splits.json + {args.synth} synthetic passages, "
        f"{metrics['epochs']} epochs, seed {args.seed}, {metrics['train_seconds']} s on CPU",
        "", f"## `{args.eval_split}` split: entities (seqeval) and relations", "",
        "| type | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|",
    ]
    for k, v in metrics["dev"]["entities"].items():
        lines.append(f"| {k} | {v['precision']} | {v['recall']} | {v['f1-score']} | {v['support']} |")
    r = metrics["dev"]["relations"]
    lines += ["", f"Relations (gold entities, threshold 0.5): P {r['precision']}, R {r['recall']}, F1 {r['f1']}"]
    if "facts" in metrics:
        lines += ["", "## Facts (core subjects), same scorer as `fazhi-ie evaluate`", "",
                  "| split | backend | P | R | F1 | year | measure |", "|---|---|---:|---:|---:|---:|---:|"]
        for split, by_backend in metrics["facts"].items():
            for b, m in by_backend.items():
                c = m["core"]
                lines.append(f"| {split} | {b} | {c['precision']} | {c['recall']} | {c['f1']} | "
                             f"{m['year[core]']} | {m['measure[core]']} |")
    lines += ["", "## Limits", "",
              "- Trained on about a hundred written and four real passages; wordings far from them fall back to the rules in `auto`.",
              "- Links a count only to mentions inside its own passage window; subjects inherited across paragraphs come from the rules.",
              "- Does not produce breakdowns; `auto` copies them from the rules."]
    (out / "MODEL_CARD.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--base", required=True, help="folder of the base encoder")
    p.add_argument("--base-name", default=None, help="name of the base encoder for the model card")
    p.add_argument("--out", required=True, help="output model folder")
    p.add_argument("--splits", default=str(ROOT / "annotations" / "splits.json"))
    p.add_argument("--train-splits", default="train",
                   help="comma-separated splits to train on (the shipped model: train,dev)")
    p.add_argument("--eval-split", default="dev", help="split for the seqeval and relation report")
    p.add_argument("--layers", type=int, default=6, help="keep the first N encoder layers (0: all)")
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--head-lr", type=float, default=1e-3)
    p.add_argument("--batch-tokens", type=int, default=2048)
    p.add_argument("--max-len", type=int, default=256)
    p.add_argument("--synth", type=int, default=600, help="synthetic training passages")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--dtype", choices=("fp32", "fp16", "int8"), default="fp16")
    p.add_argument("--limit", type=int, default=0, help="use only the first N documents (smoke tests)")
    p.add_argument("--time-budget", type=float, default=0, help="stop after this many seconds of training")
    p.add_argument("--skip-fact-eval", action="store_true")
    args = p.parse_args(argv)
    metrics = train(args)
    print(json.dumps(metrics, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
