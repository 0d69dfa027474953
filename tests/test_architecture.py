"""Issue 21: the architecture holds. Import contracts (pyproject.toml [tool.importlinter]: layers, no cycles, a thin
app), one offset space with a pure assemble(), and a Screener built from Settings read at call time."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from vacscreen.api import Screener
from vacscreen.assemble import assemble, to_input
from vacscreen.extract.pipeline import make_doc, requirements
from vacscreen.settings import REPO_MODELS, Settings
from vacscreen.text import prepare

ROOT = Path(__file__).resolve().parents[1]
HTML = ("<html><body><h2>Profiel</h2><ul><li>Je spreekt <b>vloeiend</b> Nederlands.</li>"
        "<li>Je bent max. 30 jaar.</li><li>Rijbewijs B is een troef.</li></ul></body></html>")


def test_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert "0 broken" in out.stdout


@pytest.fixture(scope="module")
def screener():
    return Screener()


def test_assemble_is_pure_and_maps_html_offsets_to_the_input(screener):
    nlp = screener.pipeline()
    doc = nlp(make_doc(nlp, prepare(HTML)))
    p = doc._.prepared
    before = [(r.start, r.end, r.text) for r in doc._.requirements]
    reqs = requirements(doc)
    assert [(r.start, r.end) for r in reqs] == sorted((r.start, r.end) for r in doc._.requirements)
    first, second = assemble(p, reqs, []), assemble(p, reqs, [])
    assert first.to_dict() == second.to_dict()  # twice on the same input: the same result
    assert [(r.start, r.end, r.text) for r in doc._.requirements] == before  # the doc is never changed
    assert [(r.start, r.end) for r in reqs] == [(r.start, r.end) for r in requirements(doc)]  # nor its copies
    for r in first.requirements:
        assert HTML[r.start:r.end] == r.text and r.text.strip()
    assert any("<b>vloeiend</b>" in r.text for r in first.requirements)  # a span across a tag, in the HTML
    for r, q in zip(first.requirements, reqs):
        assert p.text[q.start:q.end] == q.text  # the layers below work in the prepared text


def test_screen_gives_input_offsets_for_flags_too(screener):
    s = screener.screen(HTML, link_occupation=False)
    assert s.flags and all(HTML[f.start:f.end] == f.text for f in s.flags)
    assert s.to_dict() == screener.screen(HTML, link_occupation=False).to_dict()
    assert to_input(prepare(HTML), []) == []


def _models_copy(tmp_path: Path, version: str) -> Path:
    models = tmp_path / "models"
    shutil.copytree(REPO_MODELS / "extract", models / "extract")
    src = next(v for v in sorted((REPO_MODELS / "flags" / "versions").iterdir()) if not v.name.startswith("."))
    dst = models / "flags" / "versions" / version
    shutil.copytree(src, dst)
    meta = json.loads((dst / "meta.json").read_text())
    meta["version"] = version
    (dst / "meta.json").write_text(json.dumps(meta))
    (models / "flags" / "ACTIVE").write_text(version + "\n")
    return models


def test_a_screener_uses_its_own_settings_and_reloads(tmp_path):
    models = _models_copy(tmp_path, "flags-eigen-1")
    s = Screener(Settings.from_env().replace(models_dir=models))
    assert s.flagger().version == "flags-eigen-1"
    res = s.screen("Profiel\n- Je bent max. 30 jaar.", link_occupation=False)
    assert res.model_version.endswith("+flags-eigen-1")
    (models / "flags" / "ACTIVE").unlink()  # no active model any more: the rule layer alone
    assert s.flagger().version == "flags-eigen-1"  # loaded once ...
    s.reload()
    assert s.flagger().version == "rules"  # ... until reload()


def test_settings_are_read_when_used_not_at_import(tmp_path, monkeypatch):
    from vacscreen import api, settings

    models = _models_copy(tmp_path, "flags-env-1")
    monkeypatch.setenv("VACSCREEN_MODELS", str(models))  # set after every vacscreen module was imported
    assert settings.current().flags_dir == models / "flags"
    assert api.default_screener().settings.models_dir == models
    assert api.default_screener().flagger().version == "flags-env-1"
    env = Settings.from_env().replace(knelpunt_csv=tmp_path / "k.csv").to_env()
    assert env["VACSCREEN_MODELS"] == str(models) and env["VACSCREEN_KNELPUNT_CSV"] == str(tmp_path / "k.csv")
    assert Settings.from_env(env) == Settings.from_env().replace(knelpunt_csv=tmp_path / "k.csv")
    monkeypatch.delenv("VACSCREEN_MODELS")
    assert api.default_screener().settings.models_dir == REPO_MODELS


def test_the_vocabulary_is_the_one_of_the_rules_and_the_store():
    from vacscreen import vocab
    from vacscreen.flags.rules import config
    from vacscreen.review import tables

    assert tuple(config()["kinds"]) == vocab.FLAG_KINDS and tables.FLAG_KINDS is vocab.FLAG_KINDS
    assert set(vocab.FLAG_LABELS) == set(vocab.FLAG_KINDS) and set(vocab.DEMAND_LABELS) == set(vocab.EXCESSIVE_KINDS)
    assert set(vocab.REQUIREMENT_LABELS) == set(vocab.REQUIREMENT_KINDS)
    assert set(vocab.SECTION_LABELS) == set(vocab.SECTIONS) and set(vocab.CRITERION_LABELS) == set(vocab.CRITERIA)
    assert set(vocab.DECISION_LABELS) == set(vocab.DECISIONS) and set(vocab.SEVERITY_LABELS) == set(vocab.SEVERITIES)


def test_outputs_on_every_gold_vacancy_are_those_recorded_before_the_refactoring():
    """tests/data/gold_outputs.json: a hash of screen_many()'s result per gold vacancy, recorded before issue 21's
    refactoring (tests/output_snapshot.py). A refactoring changes none of them."""
    import realdata
    from output_snapshot import SNAPSHOT, current

    realdata.require()
    recorded = json.loads(SNAPSHOT.read_text())["vacancies"]
    now = current()
    assert set(now) == set(recorded)
    changed = sorted(k for k in recorded if now[k] != recorded[k])
    assert not changed, f"{len(changed)} of {len(recorded)} gold vacancies screen differently: {changed[:20]}"


def test_two_screeners_with_different_model_folders_in_one_process(tmp_path):
    a = Screener(Settings.from_env().replace(models_dir=_models_copy(tmp_path / "a", "flags-a")))
    b = Screener(Settings.from_env().replace(models_dir=_models_copy(tmp_path / "b", "flags-b")))
    text = "Profiel\n- Je bent max. 30 jaar.\n- Rijbewijs B is een must."
    ra, rb = a.screen(text, link_occupation=False), b.screen(text, link_occupation=False)
    assert ra.model_version.endswith("+flags-a") and rb.model_version.endswith("+flags-b")
    assert [r.to_dict() for r in ra.requirements] == [r.to_dict() for r in rb.requirements]


def test_no_module_reads_the_environment_at_import_time():
    """Only functions read os.environ / os.getenv: a module-level statement that does is reported."""
    import ast

    offenders = []
    for f in (ROOT / "vacscreen").rglob("*.py"):
        tree = ast.parse(f.read_text())
        for stmt in tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                body = [n for n in stmt.body if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))] \
                    if isinstance(stmt, ast.ClassDef) else []
            else:
                body = [stmt]
            for node in body:
                for sub in ast.walk(node):
                    if isinstance(sub, ast.Attribute) and sub.attr in ("environ", "getenv") \
                            and isinstance(sub.value, ast.Name) and sub.value.id == "os":
                        offenders.append(f"{f.relative_to(ROOT)}:{sub.lineno}")
    assert not offenders, offenders


def test_the_estimators_follow_scikit_learns_api():
    """Parameters in __init__ (clone() keeps them), fit(X, y) returns the estimator, predict_proba gives
    probabilities per class (per output for the two-output RequirementClassifier)."""
    import numpy as np
    from sklearn.base import clone

    from vacscreen.extract.required import RequirementClassifier
    from vacscreen.flags.classifier import FlagClassifier
    from vacscreen.occupations.confidence import LinkConfidence
    from vacscreen.occupations.rerank import Reranker

    rng = np.random.default_rng(0)
    dicts = [{"cue=troef": float(i % 2), "w=rijbewijs": 1.0, f"w={i % 5}": 1.0} for i in range(40)]
    two = np.column_stack([np.arange(40) % 3 > 0, np.arange(40) % 2 == 0]).astype(int)
    rows = rng.normal(size=(40, 3))
    binary = (rows[:, 0] > 0).astype(int)
    cases = [(RequirementClassifier(C=0.5, keep_threshold=0.4), dicts, two),
             (FlagClassifier(C=0.5, cv=3), dicts, two[:, 0]),
             (Reranker(C=0.5), rows, binary),
             (LinkConfidence(C=0.5), rows.tolist(), binary)]
    for est, X, y in cases:
        assert clone(est).get_params() == est.get_params()
        assert est.fit(X, y) is est
        proba = est.predict_proba(X)
        for p in (proba if isinstance(proba, list) else [proba]):
            assert p.shape == (len(X), 2) and np.allclose(p.sum(axis=1), 1)


def test_the_requirement_classifier_takes_sample_weights():
    """Real vacancies of other publishers weigh more in training (extract/required.py REAL_WEIGHT): a weighted fit
    moves the keep probability of the weighted rows' wording towards their label."""
    import numpy as np

    from vacscreen.extract.required import RequirementClassifier

    X = [{"bias": 1, "w=ervaren": 1.0}] * 10 + [{"bias": 1, "w=ervaren": 1.0, "w=team": 1.0}] * 10 + [
        {"bias": 1, "w=diploma": 1.0}] * 10
    y = np.array([[1, 1]] * 3 + [[0, 0]] * 7 + [[0, 0]] * 10 + [[1, 1]] * 5 + [[1, 0]] * 5)
    weight = np.where(np.arange(30) < 3, 10.0, 1.0)  # the three kept "ervaren" rows are the real ones
    probe = [{"bias": 1, "w=ervaren": 1.0}]
    plain = RequirementClassifier().fit(X, y).probabilities(probe)[0][0]
    weighted = RequirementClassifier().fit(X, y, sample_weight=weight).probabilities(probe)[0][0]
    assert weighted > plain + 0.1


def test_a_linker_is_not_kept_alive_by_its_caches():
    import gc
    import weakref

    from vacscreen.occupations.linker import Linker

    linker = Linker(encoder=None)
    linker.rank("magazijnier")
    assert linker.rank.cache_info().currsize == 1
    ref = weakref.ref(linker)
    del linker
    gc.collect()
    assert ref() is None


def test_rules_yaml_is_validated_into_typed_objects():
    import yaml
    from pydantic import ValidationError

    from vacscreen.flags.rules import config
    from vacscreen.flags.rules_config import RulesConfig

    cfg = config()
    assert isinstance(cfg, RulesConfig) and cfg.language.fires_min == cfg["language"]["fires_min"]
    raw = yaml.safe_load((ROOT / "vacscreen" / "flags" / "rules.yaml").read_text(encoding="utf-8"))
    for section, key, bad in (("language", "fires_min", "B7"), ("experience", "max_vks", "vier"),
                              ("discrimination", "welcome_re", "(unclosed"), ("overload", "min_kindz", 3)):
        broken = {**raw, section: {**raw[section], key: bad}}
        with pytest.raises(ValidationError, match=key):
            RulesConfig.model_validate(broken)


def test_no_function_is_longer_than_60_lines():
    """Outside the Alembic migrations, from `def` to the last line of the body."""
    import ast

    long = []
    for f in (ROOT / "vacscreen").rglob("*.py"):
        if "migrations" in f.parts:
            continue
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno + 1 > 60:
                long.append(f"{f.relative_to(ROOT)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1})")
    assert not long, long


def test_the_pipeline_components_are_spacy_pipes_saved_with_to_disk(tmp_path, caplog):
    import logging

    import spacy
    from spacy.pipeline import Pipe

    from vacscreen.extract.pipeline import load_nlp

    nlp = load_nlp()
    assert all(isinstance(nlp.get_pipe(n), Pipe) for n in nlp.pipe_names)
    nlp.to_disk(tmp_path / "extract")
    saved = tmp_path / "extract" / "vacscreen_rules" / "patterns.json"
    assert len(json.loads(saved.read_text())["patterns_sha256"]) == 64
    text = "Profiel\n- Je spreekt vloeiend Nederlands.\n- Rijbewijs B is een troef."
    again = spacy.load(tmp_path / "extract")
    assert [r.to_dict() for r in requirements(again(make_doc(again, prepare(text))))] == \
        [r.to_dict() for r in requirements(nlp(make_doc(nlp, prepare(text))))]
    saved.write_text(json.dumps({"patterns_sha256": "0" * 64}))
    with caplog.at_level(logging.WARNING):
        spacy.load(tmp_path / "extract")
    assert "other patterns" in caplog.text


def test_a_screener_links_with_the_norms_and_linking_models_of_its_settings(tmp_path, monkeypatch):
    """Its linker uses its annotated norms; reload() reads its re-ranker and link confidence again."""
    import csv

    from vacscreen.occupations import link as link_mod
    from vacscreen.occupations.linker import Linker

    models = _models_copy(tmp_path, "flags-norms-1")
    shutil.copytree(REPO_MODELS / "linking", models / "linking")
    shutil.copytree(REPO_MODELS / "norms", models / "norms")
    table = models / "norms" / "annotated_norms.csv"
    rows = list(csv.DictReader(table.open(encoding="utf-8")))
    name = rows[0]["occupation"]
    changed = 3 if int(rows[0]["typical_vks"]) != 3 else 5
    rows[0]["typical_vks"] = str(changed)
    with table.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    s = Settings.from_env().replace(models_dir=models)
    lexical = Linker(encoder=None, norms_file=s.norms_file)  # what linker_for(s) builds, without the encoder
    assert link_mod.link("x", override=name, linker=lexical).vks == changed
    assert link_mod.link("x", override=name, linker=Linker(encoder=None)).vks != changed

    seen = []
    monkeypatch.setattr(link_mod, "linker_for", lambda settings: seen.append(settings) or lexical)
    screener = Screener(s)
    assert screener.linking().linker is lexical and seen == [s]
    conf = models / "linking" / "confidence.json"
    d = json.loads(conf.read_text())
    d["intercept"] = d["intercept"] + 1.0
    conf.write_text(json.dumps(d))
    before = screener.linking().confidence.intercept_
    screener.reload()
    assert screener.linking().confidence.intercept_ == pytest.approx(before + 1.0)


def test_screen_many_in_processes_keeps_no_screener_alive_after_the_pool():
    from vacscreen import api

    out = list(api.screen_many(["Profiel\n- Rijbewijs B.", "Profiel\n- Je spreekt Frans."], batch_size=1,
                               n_process=2, link_occupation=False))
    assert len(out) == 2 and all("error" not in r for r in out)
    assert api._worker_screener is None


def test_every_regex_key_of_rules_yaml_is_checked():
    """Each *_re key of every section compiles or the load stops naming it (one check in the base section, so a new
    key needs no validator of its own)."""
    import copy
    from pathlib import Path

    import pytest
    import yaml

    from vacscreen.flags.rules_config import RulesConfig

    raw = yaml.safe_load((Path(__file__).resolve().parents[1] / "vacscreen" / "flags" / "rules.yaml").read_text())
    keys = [(sec, k) for sec, body in raw.items() if isinstance(body, dict) for k, v in body.items()
            if k.endswith("_re") and isinstance(v, str)]
    assert len(keys) >= 10
    for sec, key in keys:
        bad = copy.deepcopy(raw)
        bad[sec][key] = "(unclosed"
        with pytest.raises(Exception, match=key):
            RulesConfig.model_validate(bad)
