"""Saving and loading a fact model folder: safetensors weights, config.json, tokenizer.json.

Only safetensors and JSON are read; nothing is fetched from a hub. Weights may be
stored as fp32, fp16, or int8 (per-row symmetric, with fp16 scales) to keep the
shipped model small; they are restored to fp32 on load.
"""
from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path
from typing import Any

FORMAT = "fazhi_ie-fact-model"
CONFIG, WEIGHTS, TOKENIZER = "config.json", "model.safetensors", "tokenizer.json"
# the model shipped inside the package
SHIPPED = "fazhi-facts"
QUANTIZE_MIN_ELEMENTS = 4096


class ModelLoadError(RuntimeError):
    """A model folder is missing, incomplete or not a fazhi_ie fact model."""


def shipped_model_dir() -> Path:
    return Path(str(resources.files("fazhi_ie").joinpath("models", SHIPPED)))


def has_shipped_model() -> bool:
    d = shipped_model_dir()
    return all((d / name).is_file() for name in (CONFIG, WEIGHTS, TOKENIZER))


def _import_torch():
    try:
        import safetensors  # noqa: F401
        import tokenizers  # noqa: F401
        import torch
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError("the model backend needs torch, tokenizers and safetensors "
                          "(install torch first, then fazhi_ie)") from exc
    return torch


def save_model(model, tokenizer, out_dir: str | Path, config: dict[str, Any], dtype: str = "fp16") -> Path:
    """Write ``model`` (a FactModel) to ``out_dir``; ``dtype`` is fp32, fp16 or int8."""
    torch = _import_torch()
    from safetensors.torch import save_file

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tensors: dict[str, Any] = {}
    for name, t in model.state_dict().items():
        t = t.detach().cpu().contiguous()
        if not torch.is_floating_point(t) or dtype == "fp32":
            tensors[name] = t
        elif dtype == "int8" and t.dim() == 2 and t.numel() >= QUANTIZE_MIN_ELEMENTS:
            scale = t.abs().amax(dim=1, keepdim=True).clamp(min=1e-8) / 127.0
            tensors[name + ".q8"] = torch.round(t / scale).to(torch.int8).contiguous()
            tensors[name + ".scale"] = scale.to(torch.float16).contiguous()
        else:
            tensors[name] = t.to(torch.float16)
    save_file(tensors, str(out / WEIGHTS), metadata={"format": FORMAT, "dtype": dtype})
    tokenizer.save(str(out / TOKENIZER))
    (out / CONFIG).write_text(json.dumps({**config, "format": FORMAT, "dtype": dtype}, ensure_ascii=False,
                                         indent=1), encoding="utf-8")
    return out


def build_model(config: dict[str, Any]):
    """An untrained FactModel shaped by ``config`` (no weights loaded). The encoder is
    the plain-torch XLM-R of :mod:`.encoder`, whose parameter names match transformers'."""
    _import_torch()
    from .heads import FactModel

    enc = config["encoder"]
    if enc.get("model_type", "xlm-roberta") == "xlm-roberta":
        from .encoder import Encoder, EncoderConfig

        encoder = Encoder(EncoderConfig.from_dict(enc))
    else:                  # another architecture (a Chinese BERT/RoBERTa): through transformers
        from transformers import AutoConfig, AutoModel

        encoder = AutoModel.from_config(AutoConfig.for_model(**enc), add_pooling_layer=False)
    return FactModel(encoder, n_tags=len(config["tags"]), hidden=enc["hidden_size"])


def read_weights(path: Path) -> dict[str, Any]:
    torch = _import_torch()
    from safetensors.torch import load_file

    raw = load_file(str(path))
    state = {}
    for name, t in raw.items():
        if name.endswith(".scale"):
            continue
        if name.endswith(".q8"):
            base = name[:-3]
            state[base] = t.to(torch.float32) * raw[base + ".scale"].to(torch.float32)
        else:
            state[name] = t.to(torch.float32) if torch.is_floating_point(t) else t
    return state


def load_model(model_dir: str | Path, int8: bool = False):
    """(model in eval mode, tokenizer, config) from a model folder. ``int8`` runs the
    linear layers with dynamically quantized int8 weights (per tensor); off by default,
    as it cost the shipped model 0.07 core F1 on its own (benchmarks/RESULTS.md)."""
    d = Path(model_dir)
    missing = [n for n in (CONFIG, WEIGHTS, TOKENIZER) if not (d / n).is_file()]
    if missing:
        raise ModelLoadError(f"{d} is not a fazhi_ie model folder: missing {', '.join(missing)}")
    config = json.loads((d / CONFIG).read_text(encoding="utf-8"))
    if config.get("format") != FORMAT:
        raise ModelLoadError(f"{d / CONFIG} is not a {FORMAT} config")
    from tokenizers import Tokenizer

    model = build_model(config)
    missing_keys, unexpected = model.load_state_dict(read_weights(d / WEIGHTS), strict=False)
    if missing_keys or unexpected:
        raise ModelLoadError(f"{d / WEIGHTS} does not fit its config: missing {missing_keys[:3]}, "
                             f"unexpected {unexpected[:3]}")
    model.eval()
    if int8:
        torch = _import_torch()
        model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    return model, Tokenizer.from_file(str(d / TOKENIZER)), config


@functools.lru_cache(maxsize=4)
def cached_model(model_dir: str, int8: bool = False):
    return load_model(model_dir, int8)
