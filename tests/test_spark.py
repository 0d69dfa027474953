"""Spark engine (vacscreen.spark) in local mode: the same rows as screen_frame, the declared schema, and the file
round trip of `vacscreen screen --engine spark`. Skipped without PySpark (the `spark` extra) or Java, unless
VACSCREEN_REQUIRE_SPARK=1 (CI), where that fails instead."""
from __future__ import annotations

import json
import math
import os
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import realdata

REQUIRE = os.environ.get("VACSCREEN_REQUIRE_SPARK") == "1"


def _unavailable(reason: str) -> None:
    if REQUIRE:
        pytest.fail(f"VACSCREEN_REQUIRE_SPARK=1 but {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


try:
    import pyspark  # noqa: F401
except ImportError as e:
    _unavailable(f"pyspark is not importable ({e}); install the `spark` extra")
if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
    _unavailable("no Java found (PySpark needs Java 17+ on PATH or JAVA_HOME)")

import vacscreen  # noqa: E402
from vacscreen.bulk import COLUMNS  # noqa: E402
from vacscreen.spark import output_schema, screen_files, screen_spark, session  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REAL = realdata.vdab_rows()
SCHEMA = "id string, title string, text string"
# PySpark 4.3's own notices about pandas 3 (its conversions are what these tests check)
pytestmark = [pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]


@pytest.fixture(scope="module")
def spark():
    s = session(app_name="vacscreen-test", master="local[2]")
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    """12 real VDAB vacancies, an empty text and a missing text."""
    rows = [{"id": r["vdab_number"], "title": r["title"], "text": r["text"]} for r in REAL[:12]]
    rows += [{"id": "leeg", "title": None, "text": ""}, {"id": "geen", "title": "Zonder tekst", "text": None}]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def expected(frame) -> pd.DataFrame:
    return vacscreen.screen_frame(frame)


def _plain(v):
    """A cell as a plain Python value: None for every kind of null, int/float/bool/str otherwise."""
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and v.is_integer():
        return int(v)  # toPandas gives float64 for a long column with nulls
    return v


def assert_same_rows(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(got.columns) == list(want.columns) == list(COLUMNS)
    assert len(got) == len(want)
    assert got["result_json"].tolist() == want["result_json"].tolist()  # the whole result, byte for byte
    for col, kind in COLUMNS.items():
        g = [_plain(v) for v in got[col]]
        w = [_plain(v) for v in want[col]]
        assert g == w, col
        if kind == "bool":
            assert all(v is None or isinstance(v, bool) for v in g), col


def _by_id(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values("id", kind="stable").reset_index(drop=True)


def test_screen_spark_matches_screen_frame(spark, frame, expected):
    sdf = spark.createDataFrame(frame, schema=SCHEMA).repartition(2)  # both workers screen
    out = screen_spark(sdf, batch_size=5)
    got = out.toPandas()
    assert_same_rows(_by_id(got), _by_id(expected))
    errors = dict(zip(got["id"], got["error"]))
    assert errors["leeg"] == "input is empty" and errors["geen"].startswith("no input")
    assert pd.isna(errors[frame.id[0]])
    assert got["n_flags"].notna().sum() == 12


def test_schema_has_the_declared_types(spark, frame):
    out = screen_spark(spark.createDataFrame(frame.head(2), schema=SCHEMA))
    spark_type = {"string": "string", "int": "bigint", "bool": "boolean", "double": "double"}
    assert [(f.name, f.dataType.simpleString()) for f in out.schema.fields] == \
        [(c, spark_type[t]) for c, t in COLUMNS.items()]
    assert out.schema == output_schema()
    assert all(f.nullable for f in out.schema.fields)


KEPT = ("region", "hours", "posted")


def test_other_column_names_kept_columns_and_occupation(spark, frame):
    src = frame.head(3).rename(columns={"id": "vdab_number", "text": "body"})
    src["region"] = ["Antwerpen", "Gent", None]
    src["beroep"] = ["Verpleegkundige", None, None]
    src["hours"] = pd.array([38, None, 19], dtype="Int64")
    src["posted"] = [date(2025, 9, 18), None, date(2025, 10, 1)]
    sdf = spark.createDataFrame(src, schema="vdab_number string, title string, body string, region string, "
                                            "beroep string, hours bigint, posted date")
    out = screen_spark(sdf, text_col="body", id_col="vdab_number", occupation_col="beroep",
                       keep=["region", "hours", "posted"])
    assert out.schema.fields[len(COLUMNS):] == [sdf.schema[c] for c in KEPT]
    kept = {r["id"]: (r["region"], r["hours"], r["posted"]) for r in out.select("id", *KEPT).collect()}
    assert kept == {"71982827": ("Antwerpen", 38, date(2025, 9, 18)), "72102195": ("Gent", None, None),
                    "72205048": (None, 19, date(2025, 10, 1))}
    got = out.drop(*KEPT).toPandas()
    want = vacscreen.screen_frame(frame.head(3).assign(occupation=src["beroep"]))
    assert_same_rows(_by_id(got), _by_id(want))
    assert got.loc[got["id"] == frame.id[0], "occupation"].item() == want["occupation"][0]


def test_missing_columns_are_refused(spark, frame):
    sdf = spark.createDataFrame(frame.head(1), schema=SCHEMA)
    with pytest.raises(ValueError, match="no `body` column"):
        screen_spark(sdf, text_col="body")
    with pytest.raises(ValueError, match="no `vdab_number` column"):
        screen_spark(sdf, id_col="vdab_number")
    with pytest.raises(ValueError, match="clashes"):
        screen_spark(sdf, keep=["id"])
    # the default optional columns may be absent: null id and title
    got = screen_spark(sdf.select("text")).toPandas()
    assert pd.isna(got["id"][0]) and json.loads(got["result_json"][0])["id"] is None


def test_screen_files_round_trip(spark, frame, expected, tmp_path):
    src = tmp_path / "in.jsonl"
    with src.open("w", encoding="utf-8") as f:
        for row in frame.to_dict("records"):
            row = {k: None if pd.isna(v) else v for k, v in row.items()}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    parquet = tmp_path / "out.parquet"
    assert screen_files(src, parquet, spark=spark, batch_size=5, partitions=3) == len(frame)
    assert parquet.is_file() and not (tmp_path / "out.parquet.spark-tmp").exists()
    got = pd.read_parquet(parquet)
    assert_same_rows(got, expected)  # input order kept

    jsonl = tmp_path / "out.jsonl"
    assert screen_files(src, jsonl, spark=spark, partitions=2) == len(frame)
    lines = jsonl.read_text(encoding="utf-8").splitlines()
    assert lines == expected["result_json"].tolist()

    with pytest.raises(FileExistsError):
        screen_files(src, parquet, spark=spark)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert screen_files(empty, tmp_path / "empty.parquet", spark=spark) == 0
    assert list(pd.read_parquet(tmp_path / "empty.parquet").columns) == list(COLUMNS)


def test_cli_engine_spark(spark, frame, expected, tmp_path):
    from typer.testing import CliRunner

    from vacscreen.cli import app

    src = tmp_path / "in.jsonl"
    with src.open("w", encoding="utf-8") as f:
        for row in frame.to_dict("records"):
            f.write(json.dumps({k: None if pd.isna(v) else v for k, v in row.items()}, ensure_ascii=False) + "\n")
    out = tmp_path / "out.parquet"
    runner = CliRunner()
    res = runner.invoke(app, ["screen", str(src), "-o", str(out), "--engine", "spark", "--batch-size", "5"])
    assert res.exit_code == 0, res.output
    assert f"{len(frame)} rows" in res.output
    got = pd.read_parquet(out)
    assert got["id"].astype(str).tolist() == frame["id"].astype(str).tolist()  # input order kept
    assert got["result_json"].tolist() == expected["result_json"].tolist()
    # an existing output is refused without --overwrite (a Spark run cannot resume) and kept as it was
    again = runner.invoke(app, ["screen", str(src), "-o", str(out.with_suffix(".jsonl")), "--engine", "spark"])
    assert again.exit_code == 0
    twice = runner.invoke(app, ["screen", str(src), "-o", str(out.with_suffix(".jsonl")), "--engine", "spark"])
    assert twice.exit_code == 2 and "--overwrite" in twice.output
    bad = runner.invoke(app, ["screen", str(src), "-o", str(out), "--engine", "flink"])
    assert bad.exit_code == 2
