"""The ``fazhi-ie`` command: a thin layer over the public API."""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from contextlib import nullcontext
from typing import Sequence

from . import __version__, lexicon
from .evaluate import format_score, load_gold, score
from .io import BINARY_FORMATS, FactWriter, UnreadableFileError, atomic_output, format_for, iter_files, read_text
from .model.load import ModelLoadError
from .pipeline import BACKENDS, Extractor, ModelNotAvailableError


def _cmd_extract(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    extractor = Extractor(backend=args.backend, model_dir=args.model_dir)
    files = list(iter_files(args.paths))
    if not files:
        print("fazhi-ie: no input files found", file=sys.stderr)
        return 2
    fmt = format_for(args.output) if args.output else "jsonl"
    sink = (atomic_output(args.output, force=args.force, binary=fmt in BINARY_FORMATS) if args.output
            else nullcontext(sys.stdout))
    failed, per_subject, n_docs, n_warnings = 0, Counter(), 0, 0
    with sink as fh, FactWriter(fh, fmt) as writer:
        for path in tqdm(files, desc="reports", unit="file", disable=args.quiet or None, file=sys.stderr):
            try:
                text = read_text(path)
            except (UnreadableFileError, OSError) as exc:
                tqdm.write(f"fazhi-ie: skipped {path}: {exc}", file=sys.stderr)
                failed += 1
                continue
            doc = extractor(text, report_year=args.report_year, id=str(path))
            writer.write(doc)
            n_docs += 1
            per_subject.update(f.subject for f in doc.facts)
            warnings = doc.warnings()
            n_warnings += len(warnings)
            for warning in warnings if args.warnings else ():
                tqdm.write(f"fazhi-ie: {path}: {warning.code}: {warning.message}", file=sys.stderr)
    if not args.quiet:
        _summary(n_docs, failed, per_subject, n_warnings, listed=args.warnings)
    return 1 if failed and not n_docs else 0


def _summary(n_docs: int, failed: int, per_subject: Counter, n_warnings: int = 0, listed: bool = False) -> None:
    core = lexicon.core_subjects()
    print(f"\n{n_docs} reports read, {failed} skipped, {sum(per_subject.values())} facts", file=sys.stderr)
    hint = " (--warnings lists them)" if n_warnings and not listed else ""
    print(f"{n_warnings} consistency warning{'' if n_warnings == 1 else 's'}{hint}", file=sys.stderr)
    for subject, n in sorted(per_subject.items(), key=lambda kv: (kv[0] not in core, -kv[1])):
        print(f"  {subject:24}{n:6d}{'  core' if subject in core else ''}", file=sys.stderr)


def _cmd_evaluate(args: argparse.Namespace) -> int:
    import json

    gold = load_gold(args.gold)
    extractor = Extractor(backend=args.backend, model_dir=args.model_dir)
    predicted = [extractor(d.text, id=d.id) for d in gold]
    result = score(gold, predicted)
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_score(result, show_misses=args.misses))
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .annotations import validate_files

    files = [f for p in map(Path, args.paths)
             for f in (sorted(p.glob("*.jsonl")) if p.is_dir() else [p])]
    problems = 0
    for line in validate_files(files):
        print(line)
        problems += 1
    print(f"{len(files)} files, {problems} problems", file=sys.stderr)
    return 1 if problems else 0


def _cmd_ls_export(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from .annotations import GoldDoc, load_gold
    from .labelstudio import to_task

    extractor = Extractor(backend=args.backend, model_dir=args.model_dir) if args.predict else None
    tasks = []
    for path in map(Path, args.paths):
        if path.suffix == ".jsonl":
            docs = load_gold(path)
        else:
            docs = [GoldDoc(path.stem, read_text(path), None, None, [])]
        for doc in docs:
            if extractor is not None:
                pred = extractor(doc.text, id=doc.id)
                doc = GoldDoc(doc.id, doc.text, pred.issuer, pred.report_year,
                              [f.to_dict() for f in pred.facts], doc.genre)
            tasks.append(to_task(doc, as_prediction=extractor is not None))
    with atomic_output(args.output, force=args.force) as fh:
        json.dump(tasks, fh, ensure_ascii=False, indent=1)
    print(f"{len(tasks)} tasks written to {args.output}", file=sys.stderr)
    return 0


def _cmd_ls_import(args: argparse.Namespace) -> int:
    import json

    from .labelstudio import from_tasks, gold_record

    with open(args.tasks, encoding="utf-8") as fh:
        docs = from_tasks(json.load(fh))
    with atomic_output(args.output, force=args.force) as fh:
        for doc in docs:
            fh.write(json.dumps(gold_record(doc), ensure_ascii=False) + "\n")
    print(f"{len(docs)} documents written to {args.output}", file=sys.stderr)
    return 0


def _cmd_agree(args: argparse.Namespace) -> int:
    import json

    from .annotations import load_gold
    from .evaluate import agreement

    from pathlib import Path

    root = Path(args.first)
    first = [d for f in (sorted(root.glob("*.jsonl")) if root.is_dir() else [root]) for d in load_gold(f)]
    if args.ids:
        wanted = {line.strip() for line in open(args.ids, encoding="utf-8") if line.strip()}
        first = [d for d in first if d.id in wanted]
    second = {}
    with open(args.second, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                second[rec["id"]] = rec.get("facts", [])
    first = [d for d in first if d.id in second]
    print(json.dumps(agreement(first, second), ensure_ascii=False, indent=2))
    return 0


def _cmd_stats(args: argparse.Namespace) -> int:
    from .annotations import corpus_statistics, load_splits

    print(corpus_statistics(load_splits(args.splits)), end="")
    return 0


def _cmd_ls_config(args: argparse.Namespace) -> int:
    from .labelstudio import label_config

    print(label_config(), end="")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fazhi-ie", description="Count facts from Chinese rule-of-law government reports.")
    parser.add_argument("--version", action="version", version=f"fazhi-ie {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    ex = sub.add_parser("extract", help="extract facts from report files or folders")
    ex.add_argument("paths", nargs="+", help="text files, or folders of .txt files")
    ex.add_argument("-o", "--output", help="write to this .jsonl, .csv or .parquet file (default: JSONL on stdout)")
    ex.add_argument("--force", action="store_true", help="overwrite an existing output file")
    ex.add_argument("--backend", choices=BACKENDS, default="auto")
    ex.add_argument("--model-dir", default=None, help="a trained model folder (default: the shipped model)")
    ex.add_argument("--report-year", type=int, default=None, help="the year the reports cover, if known")
    ex.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")
    ex.add_argument("--warnings", action="store_true",
                    help="list each report's consistency warnings (counts that disagree) on stderr")
    ex.set_defaults(func=_cmd_extract)

    ev = sub.add_parser("evaluate", help="score extraction against a gold JSONL file")
    ev.add_argument("gold", help="gold annotations (JSONL, see annotations/GUIDELINES.md)")
    ev.add_argument("--backend", choices=BACKENDS, default="auto")
    ev.add_argument("--model-dir", default=None, help="a trained model folder (default: the shipped model)")
    ev.add_argument("--misses", action="store_true", help="list every missed and spurious fact")
    ev.add_argument("--json", action="store_true", help="print the scores as JSON")
    ev.set_defaults(func=_cmd_evaluate)

    ann = sub.add_parser("annotations", help="work with gold annotation files")
    ann_sub = ann.add_subparsers(dest="annotations_command", required=True)
    val = ann_sub.add_parser("validate", help="check gold JSONL files (offsets, labels, facts vs spans)")
    val.add_argument("paths", nargs="+", help="gold .jsonl files, or folders of them")
    val.set_defaults(func=_cmd_validate)
    exp = ann_sub.add_parser("export", help="Label Studio tasks from gold JSONL (or, with --predict, "
                                            "pre-annotations from the extractor; .txt files too)")
    exp.add_argument("paths", nargs="+")
    exp.add_argument("-o", "--output", required=True, help="tasks .json file")
    exp.add_argument("--predict", action="store_true", help="pre-annotate with the extractor")
    exp.add_argument("--backend", choices=BACKENDS, default="auto")
    exp.add_argument("--model-dir", default=None)
    exp.add_argument("--force", action="store_true")
    exp.set_defaults(func=_cmd_ls_export)
    imp = ann_sub.add_parser("import", help="gold JSONL from a Label Studio export (JSON)")
    imp.add_argument("tasks")
    imp.add_argument("-o", "--output", required=True, help="gold .jsonl file")
    imp.add_argument("--force", action="store_true")
    imp.set_defaults(func=_cmd_ls_import)
    agr = ann_sub.add_parser("agree", help="agreement between two annotations of the same documents")
    agr.add_argument("first", help="gold JSONL (texts and facts), or a folder of them")
    agr.add_argument("second", help="JSONL of {id, facts} by a second annotator")
    agr.add_argument("--ids", help="file of document ids to compare (default: those in SECOND)")
    agr.set_defaults(func=_cmd_agree)
    sta = ann_sub.add_parser("stats", help="counts per label and split (Markdown)")
    sta.add_argument("splits", help="splits.json")
    sta.set_defaults(func=_cmd_stats)
    cfg = ann_sub.add_parser("label-config", help="print the Label Studio labeling config")
    cfg.set_defaults(func=_cmd_ls_config)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (FileExistsError, FileNotFoundError, ValueError, ModelNotAvailableError, ModelLoadError) as exc:
        print(f"fazhi-ie: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
