"""Reviewer labels join the gold: training_records/examples, `vacscreen train --db`, the labels CLI, review_floor."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import vacscreen
from vacscreen.flags.data import analyse, load_split
from vacscreen.flags.train import examples, training_records
from vacscreen.review import Store
from vacscreen.flags.registry import Registry

ROOT = Path(__file__).resolve().parents[1]
# Written for these tests (not a gold vacancy): a bottleneck warehouse job with stacked demands.
OWN = ("Magazijnmedewerker\nProfiel\n- Je hebt een bachelordiploma.\n- Je hebt minstens 5 jaar ervaring in een magazijn.\n"
       "- Je spreekt perfect Frans.\n- Je bent tussen 20 en 30 jaar.\nAanbod\nEen vast contract.\n")


@pytest.fixture
def labelled(tmp_path):
    """A store with the own vacancy screened (flags + review candidates) and labelled by two reviewers, and
    one test-split vacancy labelled too."""
    store = Store(f"sqlite:///{tmp_path / 'labels.db'}")
    s = vacscreen.screen(OWN, title="Magazijnmedewerker", review_floor=0.05)
    sid = store.save_screening(s.for_review(), OWN)
    kinds = [f.kind for f in s.for_review().flags]
    for fid, kind in zip(store.flag_ids(sid), kinds):
        decision = "disagree" if kind == "language_too_high" else "agree"
        store.add_label(fid, "anna", decision)
        store.add_label(fid, "bert", decision)
    # labels stored under the text of a sealed vacancy (only its identity matters: the sealed vacancy itself is
    # never screened here; the flags are those of the own vacancy)
    test_rec = load_split("test")[0]
    tid = store.save_screening(s.for_review(), test_rec["text"])
    for fid in store.flag_ids(tid):
        store.add_label(fid, "anna", "agree")
    yield store, kinds, len(store.flag_ids(tid))
    store.close()


def test_review_floor_adds_candidates_below_the_threshold():
    s = vacscreen.screen(OWN, title="Magazijnmedewerker", review_floor=0.0)
    plain = vacscreen.screen(OWN, title="Magazijnmedewerker")
    assert [f.kind for f in s.flags] == [f.kind for f in plain.flags] and plain.review_candidates == []
    assert all(f.score < 0.5 for f in s.review_candidates)
    assert not {f.kind for f in s.flags} & {f.kind for f in s.review_candidates}
    merged = s.for_review()
    assert merged.flags == s.flags + s.review_candidates and merged.review_candidates == []


def test_training_records_take_store_decisions_but_not_on_the_held_out_split(labelled):
    store, kinds, n_test_flags = labelled
    data, counts = training_records(("dev",), store=store)
    rows = list(data)
    own = [r for r in rows if not r["gold"]]
    assert len(own) == 1 and own[0]["text"] == OWN
    assert sorted(r["kind"] for r in own[0]["reviewed"]) == sorted(kinds)
    assert {r["kind"]: r["label"] for r in own[0]["reviewed"]}.get("language_too_high", 0) == 0
    assert counts["review_labels_on_held_out_skipped"] == n_test_flags
    assert counts["review_labels_used"] == len(kinds)
    assert len(rows) == len({r["text"] for r in load_split("dev")}) + 1  # identical reposts count once


def test_examples_from_a_review_only_vacancy_are_the_labelled_candidates_only(labelled):
    store, kinds, _ = labelled
    data, _ = training_records(("dev",), store=store)
    own = analyse([r for r in data if not r["gold"]])
    X, y = examples(own)
    assert len(X) >= len(kinds) - 1  # requirement_overload has no candidate of its own
    assert sum(y) == sum(k != "language_too_high" for k in kinds if k != "requirement_overload")
    # a corrected kind: the original kind becomes negative, the corrected one positive
    rec = dict(own[0].record)
    rec["reviewed"] = [dict(r, corrected_kind="education_too_high") if r["kind"] == "age" else r
                       for r in rec["reviewed"]]
    own[0].record = rec
    X2, y2 = examples(own)
    age = [i for i, x in enumerate(X2) if x.get("kind=age")]
    assert age and all(y2[i] == 0 for i in age)


def test_train_with_the_store_writes_a_version_and_records_it(labelled, tmp_path):
    from vacscreen.flags.train import train_flag_model as train

    store, kinds, _ = labelled
    models = tmp_path / "models"
    shutil.copytree(ROOT / "models" / "flags", models / "flags")
    reg = Registry(models / "flags")
    before = reg.names()
    res = train(("dev",), store=store, registry=reg, version="flags-test-review")
    assert reg.names() == sorted(before + ["flags-test-review"])
    meta = reg.meta("flags-test-review")
    assert meta["review_labels"] == len(kinds) and meta["review_labels_on_held_out_skipped"] > 0
    assert res["activated"] == (reg.active() == "flags-test-review")
    assert [m["version"] for m in store.models()] == ["flags-test-review"]
    assert "reviewer decisions" in (reg.path("flags-test-review") / "MODEL_CARD.md").read_text()


def test_labels_cli_export_import_agreement(labelled, tmp_path):
    store, _, _ = labelled
    run = lambda *a: subprocess.run([sys.executable, "-m", "vacscreen.cli", "labels", *a],  # noqa: E731
                                    capture_output=True, text=True, timeout=120)
    out = run("export", str(tmp_path / "x.jsonl"), "--db", store.url)
    assert out.returncode == 0, out.stderr
    n = len((tmp_path / "x.jsonl").read_text().splitlines())
    assert out.stdout.startswith(f"{n} labels")
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert run("import", str(tmp_path / "x.jsonl"), "--db", other).stdout.startswith(f"{n} labels added")
    assert run("import", str(tmp_path / "x.jsonl"), "--db", other).stdout.startswith("0 labels added")
    agree = run("agreement", "--db", store.url)
    assert agree.returncode == 0 and "kappa" in agree.stdout and "adjudication" in agree.stdout
    (tmp_path / "bad.jsonl").write_text("{not json\n")
    bad = run("import", str(tmp_path / "bad.jsonl"), "--db", other)
    assert bad.returncode == 2 and bad.stderr.startswith("error:")


def test_retraining_defaults_are_the_shipped_models_settings():
    """The app's retraining and `vacscreen train` use the C and threshold the active model was tuned with, so a
    reviewer's retrain does not silently fall back to other settings."""
    import inspect

    from vacscreen.flags import train as flags_train

    reg = Registry()
    meta = reg.meta(reg.active() or reg.names()[-1])  # the newest version when none is active (the rules flag)
    params = inspect.signature(flags_train.train_flag_model).parameters
    assert (params["C"].default, params["threshold"].default) == (meta["C"], meta["threshold"])


def test_training_and_activation_never_score_the_test_split(labelled, tmp_path, monkeypatch):
    """Activation is decided by grouped cross-validation on the training splits: train() asks gold for no split but
    those (the sealed split's texts are only hashed, to leave reviewer labels on them out)."""
    from vacscreen import gold
    from vacscreen.flags.train import train_flag_model as train

    asked = []
    real_load = gold.load
    monkeypatch.setattr(gold, "load", lambda split=None, *a, **k: asked.append(split) or real_load(split, *a, **k))
    store, _, _ = labelled
    models = tmp_path / "models"
    shutil.copytree(ROOT / "models" / "flags", models / "flags")
    res = train(("dev",), store=store, registry=Registry(models / "flags"), version="flags-test-cv")
    assert asked and set(asked) == {"dev"}
    assert "grouped CV on train+dev" in res["decision"]
    meta = Registry(models / "flags").meta("flags-test-cv")
    assert "test" not in meta["metrics"] and meta["cv_outcomes"]


def test_activation_needs_a_gain_beyond_noise():
    from vacscreen.flags.train import decide_activation

    ids = [f"v{i}" for i in range(60)]
    base = {i: [1, 0, 0] if n % 2 else [0, 0, 1] for n, i in enumerate(ids)}          # F1 0.667
    tie = {"cv_outcomes": dict(base), "rules_outcomes": base, "gold_fingerprint": "g"}
    one_more = dict(base, v0=[1, 0, 0])                                                   # one flag more found
    much_better = {i: [1, 0, 0] for i in ids}
    active = {"version": "old", "cv_outcomes": base, "gold_fingerprint": "g"}
    assert not decide_activation(tie, active)["activate"]
    assert not decide_activation(dict(tie, cv_outcomes=one_more), active)["activate"]
    assert decide_activation(dict(tie, cv_outcomes=much_better), active)["activate"]
    # an active model measured on other gold is not comparable: the same test against the rule layer alone
    other = dict(active, gold_fingerprint="other", cv_outcomes={i: [0, 0, 1] for i in ids})
    assert "rule layer alone" in decide_activation(dict(tie, cv_outcomes=one_more), other)["reason"]
    assert not decide_activation(dict(tie, cv_outcomes=one_more), other)["activate"]  # one flag more is noise
    assert decide_activation(dict(tie, cv_outcomes=much_better), other)["activate"]
    assert decide_activation(dict(tie, cv_outcomes=much_better), None)["activate"]
    assert not decide_activation(tie, other)["activate"]  # a tie with the rules: the rules stay
    assert not decide_activation(tie, None)["activate"]


def test_linking_training_skips_occupation_choices_on_sealed_vacancies(tmp_path):
    from vacscreen.occupations.train import train_memory as train_linking

    store = Store(f"sqlite:///{tmp_path / 'labels.db'}")
    try:
        s = vacscreen.screen(OWN, title="Magazijnmedewerker", occupation="Magazijnier")
        assert s.occupation.source == "user"
        for text in (load_split("test")[0]["text"], OWN):  # a recruiter's choice stored under a sealed text
            store.save_screening(s, text)
        meta = train_linking(("dev",), path=tmp_path / "memory", store=store)
    finally:
        store.close()
    assert meta["corrections"] == 1 and meta["corrections_on_test_skipped"] == 1
