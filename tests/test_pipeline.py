"""The extraction pipeline is spaCy-native: components initialise, save and load with nlp.to_disk/spacy.load,
models/extract is a folder spacy.load opens, and loading refuses anything skops does not trust."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import skops.io
import spacy

from vacscreen import gold
from vacscreen.extract.pipeline import build_nlp, load_nlp, make_doc, model_version
from vacscreen.settings import current as current_settings
from vacscreen.text import prepare

ROOT = Path(__file__).resolve().parents[1]
# Written for these tests: a must, a nice-to-have and an offer in one vacancy.
OWN = ("Logistiek medewerker\nProfiel\n- Je hebt een diploma secundair onderwijs.\n- Je spreekt goed Frans.\n"
       "- Een heftruckattest is een pluspunt.\n- Minstens 2 jaar ervaring in een magazijn.\nAanbod\n"
       "Een opleiding tot reachtruckchauffeur.\n")


def _team_records(n: int = 40) -> list[dict]:
    """Team-written training records (their texts are in the repository)."""
    return [r for r in gold.load("train") if r.get("synthetic")][:n]


def _found(nlp, text: str = OWN) -> list[tuple]:
    doc = nlp(make_doc(nlp, prepare(text)))
    return [(r.kind, r.start, r.end, r.required) for r in doc._.requirements]


@pytest.fixture(scope="module")
def trained():
    nlp = build_nlp()
    nlp.get_pipe("vacscreen_required").initialize(records=_team_records())
    return nlp


def test_untrained_component_says_so():
    nlp = build_nlp()
    with pytest.raises(ValueError, match="not trained"):
        nlp(make_doc(nlp, prepare(OWN)))
    with pytest.raises(ValueError, match="records"):
        nlp.get_pipe("vacscreen_required").initialize()


def test_rules_only_pipeline_needs_no_training():
    found = _found(build_nlp(use_model=False))
    assert {k for k, *_ in found} >= {"education", "language", "experience", "certificate"}


def test_to_disk_and_spacy_load_give_the_same_requirements(trained, tmp_path):
    trained.meta["version"] = "extract-test"
    trained.to_disk(tmp_path / "extract")
    assert (tmp_path / "extract" / "vacscreen_required" / "classifier.skops").exists()
    assert not list((tmp_path / "extract").rglob("*.joblib")) and not list((tmp_path / "extract").rglob("*.pkl"))
    loaded = spacy.load(tmp_path / "extract")
    assert loaded.pipe_names == ["vacscreen_rules", "vacscreen_required"]
    assert loaded.meta["version"] == "extract-test" == model_version(tmp_path / "extract")
    assert _found(loaded) == _found(trained)
    # a plain string works too (no prepared text: headings are found on the fly)
    assert loaded(OWN)._.requirements


def test_from_disk_refuses_types_skops_does_not_trust(trained, tmp_path):
    trained.to_disk(tmp_path / "extract")
    # a classifier file that carries an arbitrary object (here a pathlib.Path) instead of the classifier
    skops.io.dump({"x": Path("/")}, tmp_path / "extract" / "vacscreen_required" / "classifier.skops")
    assert skops.io.get_untrusted_types(file=tmp_path / "extract" / "vacscreen_required" / "classifier.skops")
    with pytest.raises(Exception, match="[Uu]ntrusted"):
        spacy.load(tmp_path / "extract")


def test_load_nlp_without_a_trained_folder_says_what_to_run(tmp_path):
    with pytest.raises(FileNotFoundError, match="vacscreen train"):
        load_nlp(tmp_path / "nothing")


def test_shipped_model_opens_with_spacy_load_in_a_fresh_process():
    """Entry points register the components: spacy.load needs no `import vacscreen` first."""
    code = ("import spacy, sys; nlp = spacy.load(sys.argv[1]); "
            "print(nlp.meta['version']); print(len(nlp(sys.argv[2])._.requirements))")
    out = subprocess.run([sys.executable, "-c", code, str(current_settings().extract_dir), OWN], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[0] == model_version() and out[0].startswith("extract-")
    assert int(out[1]) >= 3


def test_train_refuses_the_sealed_split(tmp_path):
    from vacscreen.extract.train import train_extraction as train

    with pytest.raises(ValueError, match="sealed"):
        train(("train", "test"), out_dir=tmp_path)


def test_fast_probabilities_equal_the_vectorizer_route(trained, tmp_path):
    """The pipeline sums the linear models' weights by feature name; that must equal the DictVectorizer matrix
    route, also after the classifier was saved and loaded (the name index is derived, not stored)."""
    import numpy as np

    from vacscreen.extract.pipeline import candidate_features

    comp = trained.get_pipe("vacscreen_required")
    docs = [trained.get_pipe("vacscreen_rules")(make_doc(trained, prepare(r["text"]))) for r in _team_records(12)]
    X = [x for d in docs for x in candidate_features(
        [c for c in d._.candidates], d._.prepared.text, d.user_data["clauses"], d.user_data["has_profile"])]
    X.append({"een kenmerk dat het model nooit zag": 1.0})
    assert len(X) > 20
    fast, reference = comp.model.probabilities(X), comp.model.probabilities_matrix(X)
    for a, b in zip(fast, reference):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
    trained.to_disk(tmp_path / "extract")
    loaded = spacy.load(tmp_path / "extract").get_pipe("vacscreen_required").model
    assert "_by_name_cache" not in loaded.__dict__
    np.testing.assert_allclose(loaded.probabilities(X)[0], fast[0], rtol=0, atol=1e-12)
