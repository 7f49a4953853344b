"""The scale-out recipes of the README, run on the bundled corpus: datasets.map with two
processes, and Spark mapInPandas on local[2]."""
import os
import sys

import pytest

from fazhi_ie import Extractor
from fazhi_ie.frames import facts_frame, typed_frame
from fazhi_ie.scale import (
    extract_dataset,
    extract_spark,
    extract_texts,
    facts_from_batch,
    facts_from_pandas,
    spark_schema,
    spark_texts,
    texts_frame,
)
from fazhi_ie.schema import FRAME_COLUMNS


@pytest.fixture(scope="module")
def texts(root):
    return texts_frame([root / "corpus"])


@pytest.fixture(scope="module")
def expected(texts):
    ex = Extractor(backend="rules")
    return facts_frame(ex(t, id=i) for i, t in zip(texts["id"], texts["text"]))


def in_text_order(frame):
    start = frame["span"].map(lambda s: int(s.split(":")[0]))
    return frame.assign(_start=start).sort_values(["doc_id", "_start", "subject", "action"],
                                                  kind="stable").drop(columns="_start").reset_index(drop=True)


def test_texts_frame_and_batch_functions(texts, expected):
    assert list(texts.columns) == ["id", "text"] and len(texts) == 4
    assert facts_from_pandas(texts).equals(expected)
    batch = facts_from_batch({"text": texts["text"].tolist(), "id": texts["id"].tolist()})
    assert list(batch) == list(FRAME_COLUMNS)
    assert batch["value"] == expected["value"].tolist() and all(isinstance(v, float) for v in batch["value"])
    # a report_year column is passed to the extractor
    [doc] = extract_texts(["今年共收到行政复议案件5件。"], report_years=[2019])
    assert doc.facts[0].year == 2019
    [doc] = extract_texts(["今年共收到行政复议案件5件。"], report_years=[float("nan")])
    assert doc.facts[0].year is None
    with pytest.raises(ValueError, match="text"):
        facts_from_batch({"body": ["x"]})
    with pytest.raises(ValueError, match="same length"):
        extract_texts(["a", "b"], ids=["x"])


@pytest.mark.slow
def test_datasets_map_with_two_processes(texts, expected):
    datasets = pytest.importorskip("datasets")
    # the README recipe
    ds = datasets.Dataset.from_pandas(texts)
    facts = extract_dataset(ds, num_proc=2)
    assert facts.column_names == list(FRAME_COLUMNS)
    assert str(facts.features["year"].dtype) == "int64" and str(facts.features["value"].dtype) == "float64"
    assert typed_frame(facts.to_pandas()).equals(expected)


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (SparkSession.builder.master("local[2]").appName("fazhi_ie-test")
               .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
               .config("spark.driver.bindAddress", "127.0.0.1").config("spark.sql.shuffle.partitions", "2")
               .getOrCreate())
    yield session
    session.stop()


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas", "ignore:The copy keyword")
def test_spark_map_in_pandas_on_local_2(spark, root, texts, expected):
    # the README recipe
    sdf = spark.createDataFrame(texts)
    facts = extract_spark(sdf)
    assert sdf.rdd.getNumPartitions() == 2
    assert facts.schema.simpleString() == f"struct<{spark_schema().replace(' ', ':').replace(',:', ',')}>"
    result = typed_frame(facts.toPandas())
    assert in_text_order(result).equals(in_text_order(expected))
    # the files read by Spark itself: the same facts, the file URI as id
    from_files = typed_frame(extract_spark(spark_texts(spark, str(root / "corpus" / "*.txt"))).toPandas())
    assert from_files["doc_id"].str.startswith("file:").all()
    same_ids = from_files.assign(doc_id=from_files["doc_id"].str.replace(r"^file:(//)?", "", regex=True))
    assert in_text_order(same_ids).equals(in_text_order(expected))
