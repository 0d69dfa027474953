"""Annotated norms: built from the training splits' annotations, used in profiles before the estimates."""
import csv

import pytest

from vacscreen.occupations import norms
from vacscreen.occupations.train import build_norms
from vacscreen.occupations.link import link
from vacscreen.occupations.linker import Linker


@pytest.fixture(scope="module")
def lexical():
    return Linker(encoder=None)


def test_an_annotated_norm_replaces_the_isco_fallback(lexical):
    row = norms.norm_for("Polyvalent administratief medewerker")
    assert row is not None, "models/norms/annotated_norms.csv is shipped"
    with_norm = link("x", override="Polyvalent administratief medewerker", linker=lexical)
    without = link("x", override="Polyvalent administratief medewerker", linker=lexical, norms=False)
    assert without.profile["fallback"] and without.profile["confidence"] == "low"
    assert with_norm.vks == row.typical_vks and with_norm.profile["confidence"] == "medium"
    assert not with_norm.profile["fallback"]
    sources = [s["source"] for s in with_norm.profile["sources"] if s["field"] == "typical_vks"]
    assert sources == [row.source] and "annotated norm" in row.source


def test_a_sourced_profile_wins_over_an_annotated_norm(lexical, tmp_path, monkeypatch):
    # A table that claims VKS 7 for a profiled bottleneck occupation changes nothing.
    path = tmp_path / "n.csv"
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, norms.FIELDS)
        w.writeheader()
        w.writerow({"occupation": "Magazijnmedewerker", "typical_vks": 7, "vacancies": 9, "agreeing": 9,
                    "splits": "train", "source": "test"})
    base = link("x", override="Magazijnmedewerker", linker=lexical).vks
    table = norms.annotated_norms.__wrapped__(path)
    monkeypatch.setattr(norms, "annotated_norms", lambda path=None: table)
    lexical.profiles.clear()
    assert link("x", override="Magazijnmedewerker", linker=lexical).vks == base != 7
    lexical.profiles.clear()


def test_build_keeps_consistent_levels_of_fallback_occupations_only(tmp_path):
    rows = build_norms(("train",), min_vacancies=2, min_agreement=0.75, path=tmp_path / "n.csv")
    assert rows, "the train split has office vacancies without a sourced level"
    for r in rows:
        assert r["vacancies"] >= 2 and r["agreeing"] / r["vacancies"] >= 0.75
        assert r["splits"] == "train" and f"VKS {r['typical_vks']}" in r["source"]
    loaded = norms.annotated_norms.__wrapped__(tmp_path / "n.csv")
    assert {n.occupation for n in loaded.values()} == {r["occupation"] for r in rows}
    norms.annotated_norms.cache_clear()


def test_cross_validation_measures_a_vacancy_against_norms_of_the_other_folds_only(lexical, monkeypatch):
    """renorm_out_of_fold: a norm given only by the annotations of fold 0 holds for fold 1, not for fold 0."""
    from types import SimpleNamespace

    from vacscreen import corpus
    from vacscreen.occupations.evaluate import renorm_out_of_fold

    name = "Polyvalent administratief medewerker"
    bare = link("x", override=name, linker=lexical, norms=False)
    level = bare.vks + 1  # a level no estimate gives, so that it can only come from the annotations
    fold = {"a1": 0, "a2": 0, "b": 1}
    monkeypatch.setattr(corpus, "fold_of", lambda record, folds: fold[record["id"]])
    analysed = [SimpleNamespace(record={"id": i, "occupation_norm": {"typical_vks": level}, "synthetic": i == "b"},
                                occupation=link("x", override=name, linker=lexical, norms=False)) for i in fold]
    assert renorm_out_of_fold(analysed, folds=2, linker=lexical) == 1
    got = {a.record["id"]: a.occupation for a in analysed}
    assert got["b"].vks == level and got["b"].profile["confidence"] == "medium"
    assert got["a1"].vks == got["a2"].vks == bare.vks and got["a1"].profile["fallback"]
    assert lexical.norms_file is None or "norms-" not in str(lexical.norms_file)  # the linker's own table again
