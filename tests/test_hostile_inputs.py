"""Issue 20: hostile inputs across the Python API and the CLI. No traceback, no lost row: every input row gets one
result, and a row that cannot be screened says why in its `error`, in input order."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

import vacscreen
from vacscreen.cli import app
from vacscreen.schema import InputError

runner = CliRunner()
GOOD = "Profiel\n- Je hebt rijbewijs B en je spreekt Nederlands."

# (row, screened?) : rows screen_many must survive; screened=False rows must come back as error rows
ROWS = [
    ({"text": GOOD}, True),
    ({"text": "Tekst met \ud800 een losse surrogaat en rijbewijs B."}, True),
    ({"text": "\udfff"}, True),
    ({"text": GOOD, "title": 123}, True),
    ({"text": GOOD, "title": 12.5}, True),
    ({"text": GOOD, "title": float("nan")}, True),
    ({"text": GOOD, "title": ["Kok"]}, False),
    ({"text": GOOD, "title": {"a": 1}}, False),
    ({"text": GOOD, "occupation": 7}, True),
    ({"text": GOOD, "occupation": ["Kok"]}, False),
    ({"text": GOOD, "title": True}, False),
    ({"text": None}, False),
    ({"text": 42}, False),
    ({"text": 4.2}, False),
    ({"text": ["a", "b"]}, False),
    ({"text": ""}, False),
    ({"text": "   \n\t "}, False),
    ({"text": "\x00\x01\x02binary"}, False),
    ({"text": b"\xff\xfe" + "Kok gezocht".encode("utf-16-le")}, True),
    ({"text": b"Caf\xe9 zoekt kok"}, True),
    ({"text": b"\x00\x00\x00"}, False),
    ({"text": "<html><body></body></html>"}, False),
    ({"text": "<div>" * 300 + "Je hebt rijbewijs B." + "</div>" * 300}, True),
    ({"text": "![x](http://evil.example/t.png) [hier](https://evil.example)"}, True),
    ({"text": "x" * 10}, True),
    ({"text": "🙂" * 50}, True),
    ({"text": "Kok\u202egezocht"}, True),
    ({"id": {"nested": 1}, "text": GOOD}, True),
    ({"id": None, "text": GOOD}, True),
    ({}, False),
    ("a bare text row with rijbewijs B", True),
    (None, False),
    (17, False),
]


def test_screen_many_returns_one_result_per_row_and_never_raises():
    rows = [r for r, _ in ROWS]
    out = list(vacscreen.screen_many(rows, batch_size=7))
    assert len(out) == len(rows)
    for (row, screened), res in zip(ROWS, out):
        assert ("error" not in res) is screened, (row if not isinstance(row, dict) else
                                                  {k: str(v)[:40] for k, v in row.items()}, res.get("error"))
        if not screened:
            assert isinstance(res["error"], str) and res["error"] and "Traceback" not in res["error"]
        json.dumps(res)  # JSON-ready, whatever came in


def test_one_batch_that_fails_as_a_whole_costs_only_its_bad_row(monkeypatch):
    """An error no input check foresaw (here: a crash on one text inside the pipeline) becomes that row's error."""
    from vacscreen import api

    screener = api.default_screener()
    real = screener.screen_docs

    def crash_on_marker(items, *a, **k):
        if any("BOOM" in doc.text for doc, *_ in items):
            raise RuntimeError("kapot")
        return real(items, *a, **k)

    monkeypatch.setattr(screener, "screen_docs", crash_on_marker)
    out = list(vacscreen.screen_many([GOOD, "Tekst met BOOM erin.", GOOD], batch_size=3))
    assert ["error" in r for r in out] == [False, True, False]
    assert "RuntimeError: kapot" in out[1]["error"]


def test_the_surrogate_is_replaced_and_said_and_offsets_stay_valid():
    text = "Je hebt \ud800 rijbewijs B."
    s = vacscreen.screen(text)
    assert any("lone surrogates" in w for w in s.warnings)
    for r in s.requirements:
        assert text[r.start:r.end].replace("\ud800", "\ufffd") == r.text


@pytest.mark.parametrize("value", [["Kok"], {"a": 1}])
def test_screen_frame_keeps_every_row(value):
    df = pd.DataFrame({"text": [GOOD, GOOD, "\ud800"], "title": ["Kok", value, 5]}, dtype=object)
    out = list(vacscreen.screen_many(df))
    assert len(out) == 3 and "error" not in out[0] and "must be text" in out[1]["error"] and "error" not in out[2]


def test_a_parquet_title_column_of_integers(tmp_path):
    path = tmp_path / "in.parquet"
    pd.DataFrame({"text": [GOOD, GOOD], "title": [101, 202]}).to_parquet(path)
    res = runner.invoke(app, ["screen", str(path), "-o", str(tmp_path / "out.jsonl")])
    assert res.exit_code == 0, res.output
    rows = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [r.get("title") for r in rows] == ["101", "202"] and not any("error" in r for r in rows)


@pytest.mark.parametrize("name, content", [
    ("corrupt.parquet", b"PAR1 not really parquet"),
    ("truncated.parquet", None),
    ("empty.parquet", b""),
])
def test_a_corrupt_file_gives_one_line_and_exit_2(tmp_path, name, content):
    path = tmp_path / name
    if content is None:  # a real Parquet file cut in half
        pd.DataFrame({"text": [GOOD] * 50}).to_parquet(path)
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    else:
        path.write_bytes(content)
    res = runner.invoke(app, ["screen", str(path), "-o", str(tmp_path / "out.jsonl")])
    assert res.exit_code == 2
    assert res.output.strip().startswith("error:") and "Traceback" not in res.output
    assert len(res.output.strip().splitlines()) == 1


@pytest.mark.parametrize("lines", [
    ['{"text": "Kok gezocht."}', "{kapot", '["een lijst"]', '"een tekst"', "null", '{"text": 5}',
     '{"text": "Tekst \\ud800 kapot", "title": ["a"]}', '{"text": "Kok", "title": 7}'],
])
def test_a_jsonl_with_bad_lines_gives_one_output_line_per_input_line(tmp_path, lines):
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = runner.invoke(app, ["screen", str(path), "-o", str(tmp_path / "out.jsonl")])
    assert res.exit_code == 0, res.output
    out = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert len(out) == len(lines)
    assert ["error" in r for r in out] == [False, True, True, True, True, True, True, False]


def test_resuming_against_another_input_without_ids_is_refused(tmp_path):
    a, b, out = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "out.jsonl"
    a.write_text(json.dumps({"text": GOOD}) + "\n" + json.dumps({"text": "Kok gezocht."}) + "\n", encoding="utf-8")
    b.write_text(json.dumps({"text": "Iets heel anders."}) + "\n" * 1 + json.dumps({"text": "Nog iets."}) + "\n",
                 encoding="utf-8")
    assert runner.invoke(app, ["screen", str(a), "-o", str(out)]).exit_code == 0
    # a run of `a` that was cut after its first row
    out.write_text(out.read_text().splitlines()[0] + "\n", encoding="utf-8")
    res = runner.invoke(app, ["screen", str(b), "-o", str(out)])
    assert res.exit_code == 2 and "another input" in res.output
    assert runner.invoke(app, ["screen", str(a), "-o", str(out)]).exit_code == 0  # the same input resumes
    assert len(out.read_text().splitlines()) == 2
    res = runner.invoke(app, ["screen", str(b), "-o", str(out), "--overwrite"])
    assert res.exit_code == 0 and len(out.read_text().splitlines()) == 2


def test_screen_raises_input_error_on_what_the_api_cannot_read():
    for bad in (None, 42, "", b"\x00\x00"):
        with pytest.raises(InputError):
            vacscreen.screen(bad)


def test_results_keep_their_row_after_rows_that_fail_at_different_steps():
    """A row failing in the text check and one failing in the field check, between good rows: ids stay in place."""
    rows = [{"id": "a", "text": GOOD}, {"id": "b", "text": 5}, {"id": "c", "text": GOOD, "title": [1]},
            {"id": "d", "text": GOOD}, {"id": "e", "text": ""}, {"id": "f", "text": GOOD, "title": 3}]
    out = list(vacscreen.screen_many(rows, batch_size=4))
    assert [r.get("id") for r in out] == list("abcdef")
    assert ["error" in r for r in out] == [False, True, True, False, True, False]
    assert out[5]["title"] == "3"
