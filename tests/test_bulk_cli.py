"""Bulk scoring: screen_many over DataFrames and processes, screen_frame, and the CLI's formats and resume."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import realdata
from typer.testing import CliRunner

import vacscreen
from vacscreen.bulk import COLUMNS, FLAG_KINDS, flatten
from vacscreen.cli import app

ROOT = Path(__file__).resolve().parents[1]
REAL = realdata.vdab_rows()
runner = CliRunner()


def frame(n: int = 12) -> pd.DataFrame:
    rows = [{"id": r["vdab_number"], "title": r["title"], "text": r["text"]} for r in REAL[:n]]
    return pd.DataFrame(rows + [{"id": "leeg", "title": None, "text": ""}])


def test_screen_many_takes_a_dataframe_and_keeps_order():
    df = frame()
    out = list(vacscreen.screen_many(df, batch_size=5))
    assert [o["id"] for o in out] == list(df["id"])
    assert out[-1] == {"id": "leeg", "title": None, "error": "input is empty"}
    assert out[0] == vacscreen.screen(df.text[0], title=df.title[0], id=df.id[0]).to_dict()


def test_screen_many_without_text_column_is_refused():
    with pytest.raises(ValueError, match="no `text` column"):
        list(vacscreen.screen_many(pd.DataFrame({"body": ["x"]})))


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_two_processes_give_the_same_results(method, monkeypatch):
    # fork: workers inherit the loaded models (and run the encoder on titles new to them); spawn: they load them.
    monkeypatch.setenv("VACSCREEN_START_METHOD", method)
    df = frame(8)
    df["title"] = [f"{t} {i}" for i, t in enumerate(df["title"].fillna(""))]  # titles no process has seen
    assert list(vacscreen.screen_many(df, batch_size=3, n_process=2)) == list(vacscreen.screen_many(df))


def test_an_unknown_start_method_is_refused(monkeypatch):
    monkeypatch.setenv("VACSCREEN_START_METHOD", "teleport")
    with pytest.raises(ValueError, match="VACSCREEN_START_METHOD"):
        list(vacscreen.screen_many(frame(2), n_process=2))


def test_screen_frame_has_the_flat_typed_columns():
    df = frame()
    out = vacscreen.screen_frame(df)
    assert list(out.columns) == list(COLUMNS) and len(out) == len(df)
    assert str(out["n_flags"].dtype) == "Int64" and str(out["bottleneck"].dtype) == "boolean"
    results = list(vacscreen.screen_many(df))
    for (_, row), res in zip(out.iterrows(), results):
        assert json.loads(row["result_json"]) == res
        if "error" in res:
            assert row["error"] == res["error"] and pd.isna(row["n_flags"])
            continue
        assert row["n_flags"] == len(res["flags"]) == sum(row[f"flag_{k}"] for k in FLAG_KINDS)
        assert row["n_requirements"] == len(res["requirements"])
        assert row["occupation"] == res["occupation"]["name"]


def _write_jsonl(path: Path, n: int) -> list[str]:
    ids = []
    with path.open("w", encoding="utf-8") as f:
        for k in range(n):
            r = REAL[k % len(REAL)]
            ids.append(f"{r['vdab_number']}-{k}")
            f.write(json.dumps({"id": ids[-1], "title": r["title"], "text": r["text"]}, ensure_ascii=False) + "\n")
    return ids


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_flat_outputs_and_parquet_input(tmp_path, suffix):
    src = tmp_path / "in.jsonl"
    ids = _write_jsonl(src, 6)
    out = tmp_path / f"out{suffix}"
    res = runner.invoke(app, ["screen", str(src), "-o", str(out)])
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out, dtype={"id": str}) if suffix == ".csv" else pd.read_parquet(out)
    assert list(table.columns) == list(COLUMNS) and list(table["id"]) == ids
    assert not (tmp_path / f"out{suffix}.partial.jsonl").exists()
    if suffix == ".parquet":  # the flat parquet goes back in as input (it has id and text? no: result_json)
        pq_in = tmp_path / "in.parquet"
        pd.read_json(src, lines=True, dtype={"id": str}).to_parquet(pq_in)
        back = tmp_path / "back.jsonl"
        assert runner.invoke(app, ["screen", str(pq_in), "-o", str(back)]).exit_code == 0
        assert [json.loads(x) for x in back.read_text().splitlines()] == [json.loads(x) for x in table["result_json"]]
    again = runner.invoke(app, ["screen", str(src), "-o", str(out)])
    assert again.exit_code == 0 and "complete already" in again.output


def test_killed_run_resumes_and_every_row_is_written_once(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    ids = _write_jsonl(src, 240)
    cmd = [sys.executable, "-m", "vacscreen.cli", "screen", str(src), "-o", str(out), "--batch-size", "8"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and (not out.exists() or out.read_bytes().count(b"\n") < 40):
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    written = out.read_bytes().count(b"\n")
    assert 40 <= written < len(ids), "the run was not killed mid-way"
    with out.open("ab") as f:  # a line cut by the kill
        f.write(b'{"id": "half')
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "resumed from an earlier run" in done.stderr
    results = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in results] == ids
    assert results[written] == vacscreen.screen(REAL[written % len(REAL)]["text"], title=REAL[written % len(REAL)]["title"],
                                                id=ids[written]).to_dict()


def test_resume_refuses_an_output_of_another_input(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    _write_jsonl(src, 3)
    out.write_text(json.dumps({"id": "other", "title": None, "error": "x"}) + "\n")
    res = runner.invoke(app, ["screen", str(src), "-o", str(out)])
    assert res.exit_code == 2 and "another input" in res.output
    assert runner.invoke(app, ["screen", str(src), "-o", str(out), "--overwrite"]).exit_code == 0
    assert len(out.read_text().splitlines()) == 3


def test_flatten_error_row():
    row = flatten({"id": 5, "title": "t", "error": "input is empty"})
    assert row["id"] == "5" and row["error"] == "input is empty" and row["n_flags"] is None
    assert set(row) == set(COLUMNS)
