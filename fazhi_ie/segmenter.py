"""A blank Chinese spaCy pipeline: word tokens through spacy-pkuseg where a converted
pkuseg model is present, one token per character otherwise.

The model folder is made once by ``python -m training.pkuseg_model`` (see its
docstring): ``features.msgpack``, ``weights.npz`` and ``default_dict.txt``. Loading it
unpickles nothing: :func:`load_pkuseg` builds the segmenter with ``user_dict=None``
(spacy-pkuseg would otherwise read its own bundled ``dicts/default.pkl``) and fills the
post-processing dictionary from ``default_dict.txt``.

spaCy and spacy-pkuseg are imported inside the functions, so importing this module is
cheap.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PKUSEG_ENV = "FAZHI_IE_PKUSEG_MODEL"
PKUSEG_FILES = ("features.msgpack", "weights.npz")
SEGMENTERS = ("auto", "pkuseg", "char")


def default_pkuseg_dir() -> Path:
    """Where the converted model is looked for: ``$FAZHI_IE_PKUSEG_MODEL``, else
    ``$XDG_CACHE_HOME/fazhi_ie/pkuseg`` (``~/.cache/fazhi_ie/pkuseg``)."""
    if os.environ.get(PKUSEG_ENV):
        return Path(os.environ[PKUSEG_ENV]).expanduser()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "fazhi_ie" / "pkuseg"


def is_pkuseg_model(folder: str | Path) -> bool:
    """True when ``folder`` holds a converted (pickle-free) pkuseg model."""
    return all((Path(folder) / name).is_file() for name in PKUSEG_FILES)


def find_pkuseg_model() -> Path | None:
    """The default model folder if it holds a converted model, else None."""
    folder = default_pkuseg_dir()
    return folder if is_pkuseg_model(folder) else None


def load_pkuseg(model_dir: str | Path) -> Any:
    """A ``spacy_pkuseg.pkuseg`` segmenter read from a converted model folder."""
    folder = Path(model_dir).expanduser()
    if not is_pkuseg_model(folder):
        raise FileNotFoundError(
            f"{folder} is not a converted pkuseg model (needs {' and '.join(PKUSEG_FILES)}); "
            "make one with: python -m training.pkuseg_model --out " + str(folder))
    try:
        import spacy_pkuseg
    except ImportError as exc:   # pragma: no cover - depends on the install
        raise ImportError("word tokens need spacy-pkuseg: pip install spacy-pkuseg") from exc
    seg = spacy_pkuseg.pkuseg(str(folder), user_dict=None)
    words_file = folder / "default_dict.txt"
    if words_file.is_file():
        seg.postprocesser.do_process = True
        seg.postprocesser.common_words = set()
        lines = words_file.read_text(encoding="utf-8").splitlines()
        seg.postprocesser.other_words = {w.strip() for w in lines if w.strip()}
    return seg


def blank_zh(pkuseg_model: str | Path | None = None, *, segmenter: str = "auto"):
    """``spacy.blank("zh")`` with the tokenizer this machine allows.

    ``pkuseg_model`` names a converted model folder (``FileNotFoundError`` if it is
    not one). Without it, ``segmenter="auto"`` uses the default folder (see
    :func:`default_pkuseg_dir`) if it holds a model and characters otherwise;
    ``"pkuseg"`` insists on words; ``"char"`` always gives characters.
    """
    import spacy

    if segmenter not in SEGMENTERS:
        raise ValueError(f"segmenter must be one of {SEGMENTERS}, got {segmenter!r}")
    if segmenter == "char":
        return spacy.blank("zh")
    model = pkuseg_model if pkuseg_model is not None else find_pkuseg_model()
    if model is None:
        if segmenter == "auto":
            return spacy.blank("zh")
        model = default_pkuseg_dir()      # load_pkuseg says how to make one
    seg = load_pkuseg(model)
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "pkuseg"}}})
    nlp.tokenizer.pkuseg_seg = seg
    return nlp
