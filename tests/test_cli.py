"""The `vacscreen` command end to end: `screen` on .jsonl/.csv/.txt input (through typer's CliRunner and once as a
real subprocess), input errors, and `evaluate`."""
from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import realdata
from typer.testing import CliRunner

from vacscreen.cli import app

DATA = realdata.vdab_path()
ROWS = [json.loads(line) for line in DATA.open(encoding="utf-8")][:3]

SHORT = ("Magazijnier\nProfiel\n- Je hebt minstens 2 jaar ervaring als magazijnier.\n"
         "- Je spreekt vloeiend Nederlands.\n- Rijbewijs B is een must.\n")

runner = CliRunner()


def _plain(output: str) -> str:
    """CLI output without rich's box drawing and line wrapping."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", output).split())


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _mixed_jsonl(path: Path) -> list[str]:
    """A .jsonl with good rows and bad rows; returns the expected id per output line (None: no id known)."""
    lines = [
        json.dumps({"id": ROWS[0]["vdab_number"], "title": ROWS[0]["title"], "text": ROWS[0]["text"]}, ensure_ascii=False),
        json.dumps({"id": "empty", "title": "Leeg", "text": ""}),
        json.dumps({"id": "number", "text": 12345}),
        '{"id": "broken", "text": "Profiel\\nJe spreekt Nederlands',          # not valid JSON
        json.dumps({"id": "short", "text": SHORT}, ensure_ascii=False),
        json.dumps({"id": "no-text"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "spaces", "text": "   \n  "}),
        json.dumps({"id": ROWS[1]["vdab_number"], "text": ROWS[1]["text"]}, ensure_ascii=False),
        json.dumps({"id": "null", "text": None}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [ROWS[0]["vdab_number"], "empty", "number", None, "short", "no-text", None, "spaces",
            ROWS[1]["vdab_number"], "null"]


GOOD = {ROWS[0]["vdab_number"], "short", ROWS[1]["vdab_number"]}


def _check_mixed_output(out: list[dict], expected_ids: list) -> None:
    assert len(out) == len(expected_ids), "every input line gets exactly one output line"
    assert [d.get("id") for d in out] == expected_ids
    for d in out:
        if d.get("id") in GOOD:
            assert "error" not in d, d
            assert d["requirements"], d["id"]
            assert d["language"] == "nl"
        else:
            assert isinstance(d.get("error"), str) and d["error"], d
            assert "requirements" not in d
    by_id = {d["id"]: d for d in out if d.get("id")}
    assert by_id[ROWS[0]["vdab_number"]]["title"] == ROWS[0]["title"]
    assert "empty" in by_id["empty"]["error"]
    assert "JSON" in out[3]["error"] and "line 4" in out[3]["error"]
    assert "line 7" in out[6]["error"]
    short = by_id["short"]
    assert {(r["kind"], r.get("name") or r.get("language")) for r in short["requirements"]} >= {
        ("language", "nl"), ("licence", "rijbewijs B")}
    [exp] = [r for r in short["requirements"] if r["kind"] == "experience"]
    assert exp["min_years"] == 2
    assert SHORT[exp["start"]: exp["end"]] == exp["text"]


# --------------------------------------------------------------------------------------------------------------
# screen through CliRunner
# --------------------------------------------------------------------------------------------------------------

def test_screen_jsonl_mixed_rows(tmp_path):
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    expected = _mixed_jsonl(src)
    res = runner.invoke(app, ["screen", str(src), "-o", str(dst), "--batch-size", "2"])
    assert res.exit_code == 0, res.output
    _check_mixed_output(_read_jsonl(dst), expected)
    assert f"{len(expected)} rows, 7 errors" in res.output


def test_screen_jsonl_skips_blank_lines(tmp_path):
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(json.dumps({"id": "a", "text": SHORT}) + "\n\n   \n" + json.dumps({"id": "b", "text": SHORT}) + "\n",
                   encoding="utf-8")
    res = runner.invoke(app, ["screen", str(src), "-o", str(dst)])
    assert res.exit_code == 0, res.output
    assert [d["id"] for d in _read_jsonl(dst)] == ["a", "b"]


def test_screen_output_matches_api(tmp_path):
    from vacscreen import screen

    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text("".join(json.dumps({"id": r["vdab_number"], "title": r["title"], "text": r["text"]},
                                      ensure_ascii=False) + "\n" for r in ROWS), encoding="utf-8")
    res = runner.invoke(app, ["screen", str(src), "-o", str(dst)])
    assert res.exit_code == 0, res.output
    out = _read_jsonl(dst)
    assert out == [screen(r["text"], title=r["title"], id=r["vdab_number"]).to_dict() for r in ROWS]


def test_screen_csv(tmp_path):
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv.jsonl"
    with src.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "title", "text"])
        for r in ROWS:  # multi-line texts with quotes and commas: quoted CSV fields
            w.writerow([r["vdab_number"], r["title"], r["text"]])
        w.writerow(["leeg", "Lege vacature", ""])
        w.writerow(["kort", "Magazijnier", SHORT])
    res = runner.invoke(app, ["screen", str(src), "-o", str(dst)])
    assert res.exit_code == 0, res.output
    out = _read_jsonl(dst)
    assert [d["id"] for d in out] == [r["vdab_number"] for r in ROWS] + ["leeg", "kort"]
    assert [d["title"] for d in out] == [r["title"] for r in ROWS] + ["Lege vacature", "Magazijnier"]
    for d, r in zip(out, ROWS):
        assert "error" not in d
        for q in d["requirements"]:
            assert r["text"][q["start"]: q["end"]] == q["text"]
    assert "error" in out[3] and "requirements" not in out[3]
    assert any(q["kind"] == "licence" for q in out[4]["requirements"])


def test_screen_csv_without_text_column(tmp_path):
    src, dst = tmp_path / "in.csv", tmp_path / "out.jsonl"
    src.write_text("id,title,body\n1,Magazijnier,Je spreekt Nederlands\n", encoding="utf-8")
    res = runner.invoke(app, ["screen", str(src), "-o", str(dst)])
    assert res.exit_code == 2
    msg = _plain(res.output)
    assert "CSV has no `text` column" in msg
    assert "'body'" in msg  # the columns that are there are named
    assert "Traceback" not in res.output
    assert not dst.exists()


def test_screen_txt(tmp_path):
    src, dst = tmp_path / "magazijnier-gent.txt", tmp_path / "out.jsonl"
    src.write_text(SHORT, encoding="utf-8")
    res = runner.invoke(app, ["screen", str(src), "-o", str(dst)])
    assert res.exit_code == 0, res.output
    [d] = _read_jsonl(dst)
    assert d["id"] == "magazijnier-gent"
    assert "error" not in d
    assert {r["kind"] for r in d["requirements"]} >= {"experience", "language", "licence"}
    for r in d["requirements"]:
        assert SHORT[r["start"]: r["end"]] == r["text"]


def test_screen_txt_cp1252(tmp_path):
    src, dst = tmp_path / "oud.txt", tmp_path / "out.jsonl"
    text = "Profiel\n- Je hebt een diploma secundair onderwijs.\n- Je spreekt vloeiend Nederlands en een beetje Français.\n"
    src.write_bytes(text.encode("cp1252"))
    res = runner.invoke(app, ["screen", str(src), "-o", str(dst)])
    assert res.exit_code == 0, res.output
    [d] = _read_jsonl(dst)
    assert any("Windows-1252" in w for w in d["warnings"])
    assert any(r["kind"] == "education" for r in d["requirements"])


def test_screen_empty_txt_gives_error_row(tmp_path):
    src, dst = tmp_path / "leeg.txt", tmp_path / "out.jsonl"
    src.write_text("", encoding="utf-8")
    res = runner.invoke(app, ["screen", str(src), "-o", str(dst)])
    assert res.exit_code == 0, res.output
    [d] = _read_jsonl(dst)
    assert d["id"] == "leeg" and d["error"]


def test_screen_unsupported_suffix(tmp_path):
    src = tmp_path / "in.xml"
    src.write_text("<vacature/>", encoding="utf-8")
    res = runner.invoke(app, ["screen", str(src), "-o", str(tmp_path / "out.jsonl")])
    assert res.exit_code == 2
    assert "unsupported input type" in _plain(res.output)


def test_screen_missing_input(tmp_path):
    res = runner.invoke(app, ["screen", str(tmp_path / "bestaat-niet.jsonl"), "-o", str(tmp_path / "out.jsonl")])
    assert res.exit_code == 2
    assert "does not exist" in _plain(res.output)


def test_screen_requires_output(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text(SHORT, encoding="utf-8")
    res = runner.invoke(app, ["screen", str(src)])
    assert res.exit_code == 2
    assert "--output" in _plain(res.output)


# --------------------------------------------------------------------------------------------------------------
# evaluate, train guard
# --------------------------------------------------------------------------------------------------------------

def test_evaluate_extract_dev_prints_table():
    res = runner.invoke(app, ["evaluate", "--split", "dev", "--task", "extract"])
    assert res.exit_code == 0, res.output
    out = res.output
    assert "strict" in out and "loose" in out
    assert "macro-F1" in out
    for kind in ("education", "language", "experience", "licence+certificate"):
        assert kind in out
    macro = [float(x) for x in re.findall(r"macro-F1[^:]*:\s*([0-9.]+)", out)]
    assert len(macro) == 2 and all(0.0 <= m <= 1.0 for m in macro)


def test_train_refuses_test_split():
    res = runner.invoke(app, ["train", "--splits", "train,test"])
    assert res.exit_code == 2
    assert "held out" in _plain(res.output)


# --------------------------------------------------------------------------------------------------------------
# once as a real process
# --------------------------------------------------------------------------------------------------------------

def _command() -> list[str]:
    exe = Path(sys.executable).with_name("vacscreen")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "vacscreen.cli"]


def test_screen_subprocess(tmp_path):
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    expected = _mixed_jsonl(src)
    proc = subprocess.run(_command() + ["screen", str(src), "-o", str(dst)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    _check_mixed_output(_read_jsonl(dst), expected)
    assert f"{len(expected)} rows, 7 errors -> {dst}" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_module_entry_point_help():
    proc = subprocess.run([sys.executable, "-m", "vacscreen.cli", "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    for cmd in ("screen", "evaluate", "train"):
        assert cmd in proc.stdout


def test_screen_number_text_error_names_the_type(tmp_path):
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(json.dumps({"id": "number", "text": 12345}) + "\n", encoding="utf-8")
    assert runner.invoke(app, ["screen", str(src), "-o", str(dst)]).exit_code == 0
    [d] = _read_jsonl(dst)
    assert "int" in d["error"]


def test_error_rows_have_one_shape(tmp_path):
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text('{"id": "a", "text": ""}\n{broken\n', encoding="utf-8")
    assert runner.invoke(app, ["screen", str(src), "-o", str(dst)]).exit_code == 0
    a, b = _read_jsonl(dst)
    assert set(a) == set(b) == {"id", "title", "error"}


def test_screen_occupation_override(tmp_path):
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    inp.write_text(json.dumps({"id": "a", "title": "Magazijnier", "text": "Profiel\nJe hebt een heftruckattest."})
                   + "\n", encoding="utf-8")
    res = runner.invoke(app, ["screen", str(inp), "-o", str(out), "--occupation", "Heftruckchauffeur"])
    assert res.exit_code == 0, res.output
    occ = _read_jsonl(out)[0]["occupation"]
    assert occ["name"] == "Heftruckchauffeur" and occ["source"] == "user"


def test_screen_bad_profiles_csv_names_the_row(tmp_path):
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    inp.write_text(json.dumps({"id": "a", "text": "Profiel\nJe spreekt Nederlands."}) + "\n", encoding="utf-8")
    src = Path(__file__).resolve().parents[1] / "vacscreen" / "data" / "occupation_profiles.csv"
    rows = list(csv.reader(src.open(encoding="utf-8")))
    rows[3][rows[0].index("typical_vks_level")] = "zes"
    bad = tmp_path / "profiles.csv"
    with bad.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    proc = subprocess.run([sys.executable, "-m", "vacscreen.cli", "screen", str(inp), "-o", str(out),
                           "--profiles-csv", str(bad)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "row 4" in proc.stderr and "zes" in proc.stderr and "Traceback" not in proc.stderr


def test_evaluate_reports_every_group_with_figures_in_range(tmp_path):
    out_json = tmp_path / "dev.json"
    res = runner.invoke(app, ["evaluate", "--split", "dev", "--json", str(out_json)])
    assert res.exit_code == 0, res.output
    for label in ("VDAB pages", "other real Belgian", "real Dutch", "team-written", "by sector"):
        assert label in res.output
    assert "logged in" not in res.output  # only the sealed split is logged
    rep = json.loads(out_json.read_text())
    for name, g in rep["groups"].items():
        assert g["vacancies"] > 0, name
        for mode in ("strict", "loose"):
            m = g["extraction"][mode]["macro_f1"]
            assert m is None or 0.0 <= m <= 1.0
        assert g["flags"]["all"]["false_per_100"] >= 0.0


def test_test_scoring_is_logged(tmp_path, monkeypatch):
    from vacscreen import corpus, report

    monkeypatch.setattr(corpus, "ROOT", tmp_path)
    where = report.log_test_scoring("evaluate --split test", "VDAB pages n=1 strict 0.5")
    log = (tmp_path / where).read_text()
    assert log.startswith("# Scorings of the sealed test split") and "VDAB pages n=1 strict 0.5" in log
    report.log_test_scoring("evaluate --split test", "second")
    assert len([x for x in (tmp_path / where).read_text().splitlines() if x.startswith("- ")]) == 2


def test_users_commands(tmp_path, monkeypatch):
    """Issue 20: accounts from the command line; a refused change is one line and exit 2."""
    db = str(tmp_path / "labels.db")
    monkeypatch.setenv("VACSCREEN_PASSWORD", "geheim-1234")
    assert runner.invoke(app, ["users", "add", "anna", "--role", "lead", "--db", db]).exit_code == 0
    res = runner.invoke(app, ["users", "role", "anna", "baas", "--db", db])
    assert res.exit_code == 2 and "role must be one of" in res.output
    assert runner.invoke(app, ["users", "role", "anna", "admin", "--db", db]).exit_code == 0
    assert runner.invoke(app, ["users", "add", "anna", "--db", db]).exit_code == 2  # exists already
    listed = runner.invoke(app, ["users", "list", "--db", db]).output
    assert "anna" in listed and "admin" in listed
    audit = runner.invoke(app, ["users", "audit", "--db", db]).output
    assert "set_role" in audit and "add_user" in audit
