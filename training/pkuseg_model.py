"""Get a pkuseg word-segmentation model for spaCy's Chinese tokenizer, without pickles.

    python -m training.pkuseg_model                     # fetch from PyPI, convert into the default folder
    python -m training.pkuseg_model --out DIR           # … into DIR
    python -m training.pkuseg_model --sdist pkuseg-0.0.25.tar.gz --out DIR   # offline, from a copy

spacy-pkuseg ships no model and would download one from a code host at run time,
which this project never does. The sdist of ``pkuseg==0.0.25`` on PyPI contains the
default model (``pkuseg/models/default/``): ``weights.npz`` (plain numpy arrays) and
``features.pkl`` (a pickle). This script downloads that sdist once with ``pip download``
(the sdist's setup.py needs ``wheel``, ``numpy`` and ``cython`` installed, hence
``--no-build-isolation``), checks it against a pinned SHA-256, and converts it into a
folder that loads with no unpickling at all:

* ``features.msgpack``: the feature tables, read from ``features.pkl`` by an unpickler
  that refuses every class or function reference (the file holds only dicts, lists,
  strings and ints), written as msgpack, which spacy-pkuseg reads first;
* ``weights.npz``: copied after a check that it loads with ``allow_pickle=False``;
* ``default_dict.txt``: pkuseg's default post-processing dictionary (one word a line),
  read the same way from ``pkuseg/dicts/default.pkl``;
* ``source.json``: where it came from and the checksums.

The folder is about 180 MB and is never committed. :func:`fazhi_ie.segmenter.load_pkuseg`
loads it; ``FAZHI_IE_PKUSEG_MODEL`` names a folder other than the default
(:func:`fazhi_ie.segmenter.default_pkuseg_dir`).
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import pickle
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

SDIST = "pkuseg==0.0.25"
SDIST_NAME = "pkuseg-0.0.25.tar.gz"
SDIST_SHA256 = "dd012bf93689721c9574bc2b2ba98fb4ac22790cec0af354a78e217828b81e91"
FEATURES_MEMBER = "pkuseg-0.0.25/pkuseg/models/default/features.pkl"
WEIGHTS_MEMBER = "pkuseg-0.0.25/pkuseg/models/default/weights.npz"
DICT_MEMBER = "pkuseg-0.0.25/pkuseg/dicts/default.pkl"
FEATURE_KEYS = ("unigram", "bigram", "feature_to_idx", "tag_to_idx")
BUILD_NEEDS = ("wheel", "numpy", "cython")


class DataOnlyUnpickler(pickle.Unpickler):
    """Reads pickles of plain data (dict, list, str, int, float, set, tuple) and refuses
    any reference to a class or function, so reading one cannot run code."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"refusing {module}.{name}: expected a pickle of plain data only")


def load_data_pickle(data: bytes) -> Any:
    """Unpickle ``data`` with :class:`DataOnlyUnpickler`."""
    return DataOnlyUnpickler(io.BytesIO(data)).load()


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download_sdist(folder: Path) -> Path:
    """``pip download`` the pkuseg sdist into ``folder``; returns the archive's path."""
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
           "--no-build-isolation", "-d", str(folder), SDIST]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    path = folder / SDIST_NAME
    if result.returncode != 0 or not path.exists():
        raise RuntimeError(
            f"pip download {SDIST} failed (its setup.py needs {', '.join(BUILD_NEEDS)}: "
            f"pip install {' '.join(BUILD_NEEDS)}):\n{result.stderr[-2000:]}")
    return path


def convert_features(pickled: bytes) -> dict[str, Any]:
    """The feature tables of ``features.pkl``, checked to have the keys spacy-pkuseg reads."""
    data = load_data_pickle(pickled)
    if not isinstance(data, dict) or set(FEATURE_KEYS) - set(data):
        raise ValueError(f"features.pkl: expected a dict with keys {FEATURE_KEYS}")
    return {key: data[key] for key in FEATURE_KEYS}


def convert_dictionary(pickled: bytes) -> list[str]:
    """The words of pkuseg's ``dicts/default.pkl`` (one pickled str, a word per line)."""
    words = load_data_pickle(pickled)
    if not isinstance(words, str):
        raise ValueError("default.pkl: expected a pickled str of words")
    return [w for w in (line.strip() for line in words.split("\n")) if w]


def check_weights(data: bytes) -> None:
    """Raise unless ``data`` is an .npz with ``sizes`` and ``w`` and no pickled arrays."""
    import numpy as np

    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        if {"sizes", "w"} - set(npz.files):
            raise ValueError("weights.npz: expected arrays 'sizes' and 'w'")
        n_tag, n_feature = (int(x) for x in npz["sizes"])
        if npz["w"].shape[0] != n_tag * (n_feature + n_tag):
            raise ValueError("weights.npz: 'w' does not match 'sizes'")


def convert_sdist(sdist: Path, out: Path, expected_sha256: str | None = SDIST_SHA256) -> Path:
    """Write the converted model folder ``out`` from the pkuseg sdist archive, after
    checking the archive against ``expected_sha256`` (None: no check, for tests)."""
    import srsly

    digest = sha256(sdist)
    if expected_sha256 is not None and digest != expected_sha256:
        raise ValueError(f"{sdist}: SHA-256 {digest} is not the pinned {expected_sha256}")
    with tarfile.open(sdist, "r:gz") as tar:
        members = {m: tar.extractfile(m).read() for m in (FEATURES_MEMBER, WEIGHTS_MEMBER, DICT_MEMBER)}
    features = convert_features(members[FEATURES_MEMBER])
    words = convert_dictionary(members[DICT_MEMBER])
    check_weights(members[WEIGHTS_MEMBER])
    out.mkdir(parents=True, exist_ok=True)
    srsly.write_msgpack(out / "features.msgpack", features)
    (out / "weights.npz").write_bytes(members[WEIGHTS_MEMBER])
    (out / "default_dict.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
    (out / "source.json").write_text(json.dumps({
        "sdist": SDIST, "sdist_sha256": digest,
        "members": {name: hashlib.sha256(data).hexdigest() for name, data in members.items()},
        "files": ["features.msgpack", "weights.npz", "default_dict.txt"],
    }, indent=1) + "\n", encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    from fazhi_ie.segmenter import default_pkuseg_dir

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=None,
                        help=f"model folder to write (default: {default_pkuseg_dir()})")
    parser.add_argument("--sdist", type=Path, default=None,
                        help=f"a local {SDIST_NAME} instead of downloading it")
    args = parser.parse_args(argv)
    out = args.out or default_pkuseg_dir()
    with tempfile.TemporaryDirectory() as tmp:
        sdist = args.sdist or download_sdist(Path(tmp))
        convert_sdist(sdist, out)
    size = sum(f.stat().st_size for f in out.iterdir()) / 1e6
    print(f"pkuseg model written to {out} ({size:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
