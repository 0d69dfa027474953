"""Flag model versions on disk: build atomically, activate, roll back; a killed training leaves the active model."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vacscreen.flags import load_flagger
from vacscreen.flags.registry import Registry, RegistryError

ROOT = Path(__file__).resolve().parents[1]


def _fake_version(folder: Path, name: str, f1: float) -> None:
    src = Registry(ROOT / "models" / "flags")
    active = src.path(src.names()[-1])
    shutil.copy(active / "flags.skops", folder / "flags.skops")
    meta = json.loads((active / "meta.json").read_text())
    meta.update(version=name, created_at=f"2026-11-28T00:00:{len(name):02d}")
    meta["metrics"]["cv_train"]["micro"]["f1"] = f1
    (folder / "meta.json").write_text(json.dumps(meta))


@pytest.fixture
def reg(tmp_path):
    return Registry(tmp_path / "flags")


def test_shipped_registry_flags_with_the_rules_and_keeps_its_versions_loadable():
    """Issue 18: the classifier does not beat the rule layer in grouped CV, so no version is active (docs/evaluation.md);
    every kept version still loads by name, and the history says why none is active."""
    reg = Registry(ROOT / "models" / "flags")
    assert reg.active() is None and reg.names()
    assert load_flagger(ROOT / "models" / "flags").model is None
    flagger = load_flagger(ROOT / "models" / "flags", version=reg.names()[-1])
    assert flagger.model is not None and flagger.version == reg.names()[-1]
    assert reg.history()[-1]["version"] is None


def test_deactivate_and_rollback(reg):
    reg.add("v1", lambda d: _fake_version(d, "v1", 0.5))
    reg.activate("v1")
    reg.deactivate(reason="rules beat the model")
    assert reg.active() is None and load_flagger(reg.root).model is None
    assert reg.rollback() == "v1" and reg.active() == "v1"
    reg.deactivate()
    reg.deactivate()  # nothing active: no second history line
    assert [h["version"] for h in reg.history()] == ["v1", None, "v1", None]


def test_add_activate_and_rollback(reg):
    assert reg.active() is None and reg.versions() == []
    reg.add("v1", lambda d: _fake_version(d, "v1", 0.5))
    reg.activate("v1")
    reg.add("v2", lambda d: _fake_version(d, "v2", 0.6))
    reg.activate("v2")
    assert reg.active() == "v2"
    assert [v["version"] for v in reg.versions() if v["active"]] == ["v2"]
    assert reg.rollback() == "v1" and reg.active() == "v1"
    assert load_flagger(reg.root).version == "v1"
    assert [h["version"] for h in reg.history()] == ["v1", "v2", "v1"]


def test_unknown_version_and_nothing_to_roll_back(reg):
    with pytest.raises(RegistryError, match="unknown model version"):
        reg.activate("nope")
    reg.add("v1", lambda d: _fake_version(d, "v1", 0.5))
    reg.activate("v1")
    with pytest.raises(RegistryError, match="nothing to roll back"):
        reg.rollback()


def test_a_failing_build_leaves_no_version(reg):
    def build(d):
        (d / "flags.skops").write_bytes(b"half")
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        reg.add("v1", build)
    assert reg.names() == [] and not list((reg.root / "versions").iterdir())
    reg.add("v2", lambda d: _fake_version(d, "v2", 0.5))
    with pytest.raises(RegistryError, match="exists"):
        reg.add("v2", lambda d: None)


def test_killed_while_writing_a_version(reg):
    """SIGKILL in the middle of writing a version folder: the version does not exist, the active one stays."""
    reg.add("v1", lambda d: _fake_version(d, "v1", 0.5))
    reg.activate("v1")
    code = (f"import time; from pathlib import Path; from vacscreen.flags.registry import Registry\n"
            f"def build(d):\n    (d / 'flags.skops').write_bytes(b'half'); print('writing', flush=True); time.sleep(60)\n"
            f"r = Registry(Path({str(reg.root)!r})); r.add('v2', build); r.activate('v2')")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert reg.names() == ["v1"] and reg.active() == "v1"
    assert load_flagger(reg.root).version == "v1"
    assert reg.clean_partial() == 1 and reg.names() == ["v1"]


def test_without_a_model_the_rule_layer_is_used(tmp_path):
    assert load_flagger(tmp_path / "empty").model is None


def test_cli_models_list_activate_rollback(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    models = tmp_path / "models"
    shutil.copytree(ROOT / "models", models)
    reg = Registry(models / "flags")
    reg.add("flags-test", lambda d: _fake_version(d, "flags-test", 0.1))
    env = {**os.environ, "VACSCREEN_MODELS": str(models)}
    run = lambda *a: subprocess.run([sys.executable, "-m", "vacscreen.cli", *a], env=env, capture_output=True,  # noqa: E731
                                    text=True, timeout=120)
    out = run("models", "list")
    assert out.returncode == 0 and "flags-test" in out.stdout
    first = reg.names()[0]
    assert run("models", "activate", first).returncode == 0 and reg.active() == first
    assert run("models", "activate", "flags-test").returncode == 0 and reg.active() == "flags-test"
    assert run("models", "rollback").returncode == 0 and reg.active() == first
    bad = run("models", "activate", "nope")
    assert bad.returncode == 2 and "unknown model version" in bad.stderr
    assert run("models", "deactivate").returncode == 0 and reg.active() is None
    assert CliRunner  # typer's runner is not used: the env var must be read at import


def test_killed_training_leaves_the_active_model_working(tmp_path):
    """SIGKILL `vacscreen train --component flags` while it builds the new version: ACTIVE is unchanged, no
    partial version is listed, and screening still uses the active model."""
    models = tmp_path / "models"
    shutil.copytree(ROOT / "models", models)
    reg = Registry(models / "flags")
    before = reg.active()
    env = {**os.environ, "VACSCREEN_MODELS": str(models)}
    proc = subprocess.Popen([sys.executable, "-m", "vacscreen.cli", "train", "--component", "flags"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(6)  # loading and analysing the gold: mid-training
    assert proc.poll() is None, "training finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert reg.active() == before
    assert reg.names() == Registry(ROOT / "models" / "flags").names()
    code = ("import vacscreen; from vacscreen.flags import load_flagger; f = load_flagger(); "
            "s = vacscreen.screen('Profiel\\n- Je bent tussen 25 en 35 jaar.', title='Magazijnmedewerker'); "
            "print(f.version, [x.kind for x in s.flags])")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    version, kinds = out.stdout.strip().split(" ", 1)
    assert version == (before or "rules") and "age" in kinds


# -- hostile names and files (issue 20) ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../v1", "v1/../v1", "/etc", "v1/", ".building-x", "..", "", "v 1", "v1\n",
                                  "a" * 101, "v1/flags.skops"])
def test_a_version_is_a_name_inside_the_registry_never_a_path(reg, tmp_path, name):
    reg.add("v1", lambda d: _fake_version(d, "v1", 0.5))
    with pytest.raises(RegistryError):
        reg.activate(name)
    if name:  # no name at all means the active version
        with pytest.raises(RegistryError):
            load_flagger(reg.root, version=name)
    assert reg.active() is None


def test_a_folder_outside_or_half_built_is_no_version(reg, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    _fake_version(outside, "evil", 0.9)
    (reg.root / "versions").mkdir(parents=True)
    os.symlink(outside, reg.root / "versions" / "evil")  # a link out of the registry
    half = reg.root / "versions" / "half"
    half.mkdir()
    (half / "flags.skops").write_bytes(b"x")  # no meta.json
    assert reg.names() == []
    for name in ("evil", "half"):
        with pytest.raises(RegistryError, match="unknown model version"):
            reg.activate(name)


def test_a_pickle_named_like_a_model_is_refused_not_run(reg, tmp_path):
    import pickle

    import skops.io

    class Boom:
        def __reduce__(self):
            return (os.system, ("touch " + str(tmp_path / "pwned"),))

    def build(d):
        _fake_version(d, "v1", 0.5)
        (d / "flags.skops").write_bytes(pickle.dumps(Boom()))

    reg.add("v1", build)
    with pytest.raises(Exception):
        load_flagger(reg.root, version="v1")
    assert not (tmp_path / "pwned").exists()

    # a skops file holding a type outside the trusted list is refused as well
    def build2(d):
        _fake_version(d, "v2", 0.5)
        skops.io.dump({"model": Path("x")}, d / "flags.skops")

    reg.add("v2", build2)
    with pytest.raises(Exception, match="[Uu]ntrusted"):
        load_flagger(reg.root, version="v2")


def test_a_torn_history_line_is_skipped_and_rollback_still_works(reg):
    reg.add("v1", lambda d: _fake_version(d, "v1", 0.5))
    reg.activate("v1")
    reg.add("v2", lambda d: _fake_version(d, "v2", 0.6))
    reg.activate("v2")
    with open(reg.root / "HISTORY.jsonl", "a", encoding="utf-8") as f:
        f.write('{"version": "v3", "prev')  # a write cut short
    assert [h["version"] for h in reg.history()] == ["v1", "v2"]
    assert reg.rollback() == "v1"


def test_stale_leftovers_are_cleaned_when_a_version_is_added(reg):
    (reg.root / "versions" / ".building-old").mkdir(parents=True)
    (reg.root / "ACTIVE.tmp123").write_text("v9")
    (reg.root / "versions" / ".building-new").mkdir()
    old = time.time() - 7 * 3600
    os.utime(reg.root / "versions" / ".building-old", (old, old))
    os.utime(reg.root / "ACTIVE.tmp123", (old, old))
    reg.add("v1", lambda d: _fake_version(d, "v1", 0.5))
    left = sorted(p.name for p in (reg.root / "versions").iterdir())
    assert left == [".building-new", "v1"]  # a run still building is left alone
    assert not (reg.root / "ACTIVE.tmp123").exists()
    assert reg.clean_partial() == 1
