"""The pkuseg model conversion reads pickles of plain data only and writes no pickle."""
import io
import pickle
import tarfile

import numpy as np
import pytest

from training.pkuseg_model import (
    DICT_MEMBER,
    FEATURES_MEMBER,
    WEIGHTS_MEMBER,
    DataOnlyUnpickler,
    convert_sdist,
    load_data_pickle,
)

srsly = pytest.importorskip("srsly")

FEATURES = {"unigram": ["行", "政"], "bigram": ["行政"], "feature_to_idx": {"c.行": 0, "c.政": 1},
            "tag_to_idx": {"B": 0, "I": 1}}


class Payload:
    def __reduce__(self):
        return (print, ("this ran",))


def tiny_sdist(path, features=FEATURES):
    weights = io.BytesIO()
    np.savez(weights, sizes=np.array([2, 3]), w=np.zeros(2 * (3 + 2)))
    members = {FEATURES_MEMBER: pickle.dumps(features, protocol=4),
               WEIGHTS_MEMBER: weights.getvalue(),
               DICT_MEMBER: pickle.dumps("法治政府\n行政复议\n")}
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_plain_data_is_read_and_code_is_refused():
    assert load_data_pickle(pickle.dumps(FEATURES)) == FEATURES
    assert load_data_pickle(pickle.dumps({"s": {1, 2}, "t": (1, "a")}, protocol=4)) == {"s": {1, 2}, "t": (1, "a")}
    for payload in (Payload(), np.zeros(2), [Payload()]):
        with pytest.raises(pickle.UnpicklingError, match="plain data"):
            DataOnlyUnpickler(io.BytesIO(pickle.dumps(payload))).load()


def test_convert_writes_msgpack_weights_and_words(tmp_path):
    sdist = tiny_sdist(tmp_path / "pkuseg.tar.gz")
    out = convert_sdist(sdist, tmp_path / "model", expected_sha256=None)
    assert sorted(p.name for p in out.iterdir()) == ["default_dict.txt", "features.msgpack", "source.json",
                                                     "weights.npz"]
    assert srsly.read_msgpack(out / "features.msgpack") == FEATURES
    assert (out / "default_dict.txt").read_text(encoding="utf-8").split() == ["法治政府", "行政复议"]
    with np.load(out / "weights.npz", allow_pickle=False) as npz:
        assert npz["sizes"].tolist() == [2, 3]


def test_convert_refuses_a_wrong_archive(tmp_path):
    sdist = tiny_sdist(tmp_path / "pkuseg.tar.gz")
    with pytest.raises(ValueError, match="SHA-256"):
        convert_sdist(sdist, tmp_path / "model")                     # not the pinned sdist
    bad = tiny_sdist(tmp_path / "bad.tar.gz", features={"unigram": []})
    with pytest.raises(ValueError, match="feature_to_idx"):
        convert_sdist(bad, tmp_path / "model", expected_sha256=None)
    evil = tiny_sdist(tmp_path / "evil.tar.gz", features=Payload())
    with pytest.raises(pickle.UnpicklingError):
        convert_sdist(evil, tmp_path / "model", expected_sha256=None)
