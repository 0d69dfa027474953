"""The flag commands of the `vacscreen` CLI: `evaluate --task flags` prints the flag table, `train` refuses the
held-out test split (and leaves the trained flag model untouched)."""
from __future__ import annotations

import re

from typer.testing import CliRunner

from vacscreen.cli import app
from vacscreen.settings import current as current_settings

runner = CliRunner()


def _plain(output: str) -> str:
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", output).split())


def test_evaluate_flags_dev():
    res = runner.invoke(app, ["evaluate", "--split", "dev", "--task", "flags"])
    assert res.exit_code == 0, res.output
    out = res.output
    assert "Flags (per vacancy and kind)" in out and "split=dev" in out
    assert "macro-F1" not in out, "--task flags skips the extraction table"
    [micro] = [line for line in out.splitlines() if line.startswith("micro")]
    values = [float(x) for x in micro.split()[1:4] + micro.split()[5:]]
    assert len(values) == 6 and all(0.0 <= v <= 1.0 for v in values), micro
    assert int(micro.split()[4]) > 0, "the dev split has gold flags"
    assert re.search(r"matched flags: severity agrees [0-9.]+, span overlaps gold [0-9.]+", out)


def test_evaluate_rejects_an_unknown_task():
    res = runner.invoke(app, ["evaluate", "--split", "dev", "--task", "flagz"])
    assert res.exit_code != 0


def test_train_refuses_the_test_split():
    model = current_settings().flags_dir / "HISTORY.jsonl"
    before = model.stat().st_mtime_ns if model.exists() else None
    for splits in ("test", "train,test", "dev, test"):
        res = runner.invoke(app, ["train", "--splits", splits, "--component", "flags"])
        assert res.exit_code != 0, splits
        assert "held out" in _plain(res.output)
    assert (model.stat().st_mtime_ns if model.exists() else None) == before, "nothing was trained"


def test_tune_flags_refuses_the_test_split():
    res = runner.invoke(app, ["tune-flags", "--splits", "train,test"])
    assert res.exit_code != 0
    assert "held out" in _plain(res.output)
