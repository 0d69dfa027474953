"""The link re-ranker (occupations/rerank.py): its estimator, its JSON, its order, and its out-of-fold use."""
import json

import numpy as np
import pytest

from vacscreen.occupations import rerank
from vacscreen.occupations.link import link
from vacscreen.occupations.linker import Linker


@pytest.fixture(scope="module")
def lexical():
    return Linker(encoder=None)


def _data(seed=0, n=300):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, len(rerank.FEATURES)))
    y = (X[:, 0] + 0.5 * X[:, 6] + rng.normal(scale=0.5, size=n) > 0).astype(int)
    return X, y


def test_the_reranker_is_scikit_learns_scaled_logistic_regression():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = _data()
    ours = rerank.Reranker(C=0.5).fit(X, y).predict_proba(X)[:, 1]
    theirs = make_pipeline(StandardScaler(), LogisticRegression(C=0.5, max_iter=3000)).fit(X, y).predict_proba(X)[:, 1]
    assert np.allclose(ours, theirs, atol=1e-6)


def test_it_is_stored_as_json_and_refuses_other_features(tmp_path):
    X, y = _data(1)
    model = rerank.Reranker().fit(X, y)
    file = rerank.save(model, tmp_path)
    assert json.loads(file.read_text())["features"] == list(rerank.FEATURES)
    assert np.allclose(rerank.load(file).predict_proba(X), model.predict_proba(X))
    d = json.loads(file.read_text())
    d["features"] = d["features"][:-1]
    file.write_text(json.dumps(d))
    rerank.load.cache_clear()
    with pytest.raises(ValueError, match="other features"):
        rerank.load(file)
    rerank.load.cache_clear()


def test_the_order_puts_the_rerankers_best_first_then_alternates_with_the_linker(lexical):
    idx = [10, 20, 30, 40]
    p = np.array([0.1, 0.9, 0.5, 0.3])
    order = rerank.order(lexical, idx, p, ranked=[40, 10, 99])  # 99 is no candidate: left out
    assert order[0] == 20
    assert order[1:4] == [40, 30, 10]
    assert 99 not in order and len(order) == len(set(order))


def test_a_reranker_chooses_among_the_candidates_and_scores_are_its_probabilities(lexical):
    # a model that only looks at "title_head": the occupation the title starts with wins
    coef = np.zeros(len(rerank.FEATURES))
    coef[rerank.FEATURES.index("title_head")] = 5.0
    model = rerank.Reranker.from_dict({"mean": [0.0] * len(coef), "scale": [1.0] * len(coef), "coef": coef.tolist(),
                                       "intercept": -2.0})
    occ = link("Je rijdt met een bestelwagen.", title="Kok brasserie (voltijds)", linker=lexical, memory=None,
               reranker=model)
    assert occ.name == "Kok"
    assert occ.score == pytest.approx(1 / (1 + np.exp(-3.0)), abs=1e-3)
    assert all(a["score"] <= occ.score for a in occ.alternatives)
    assert occ.name not in {a["name"] for a in occ.alternatives}


def test_link_report_scores_links_whose_reranker_never_saw_the_vacancys_employer(monkeypatch):
    from vacscreen.occupations import evaluate

    seen = []

    class Fake:
        def __init__(self, rows):
            self.folds = {r["fold"] for r in rows}

    monkeypatch.setattr(rerank, "load", lambda *a: object())
    monkeypatch.setattr(rerank, "fit", lambda rows, C=1.0: Fake(rows))

    class A:
        def __init__(self, fold):
            self.record, self.vacancy, self.occupation = {"title": "x"}, type("V", (), {"text": "t"})(), None
            self.fold = fold

    analysed = [A(k % 5) for k in range(10)]
    monkeypatch.setattr(evaluate, "reranker_rows", lambda an: [{"analysed": a, "fold": a.fold, "X": None, "y": []}
                                                            for a in an])

    def fake_link(text, title, reranker):
        seen.append(reranker.folds)
        return "linked"

    monkeypatch.setattr("vacscreen.occupations.link.link", fake_link)
    assert evaluate.relink_out_of_fold(analysed) == 10
    assert all(a.occupation == "linked" for a in analysed)
    # each vacancy was linked by a model fitted on the four other folds only
    assert len(seen) == 10 and all(len(f) == 4 for f in seen)
    for a, folds in zip(sorted(analysed, key=lambda a: a.fold), seen):
        assert a.fold not in folds


def test_the_indexed_stem_check_agrees_with_the_pairwise_one(lexical):
    """_agrees indexes each occupation's label words; it must answer as _close over every pair would, for title words
    equal to, inside, around, or sharing six letters with label words, and for unrelated ones."""
    words = rerank._label_words(lexical)
    rng = np.random.default_rng(3)
    occupations = rng.choice(sorted(words), size=300, replace=False)
    pool = sorted({w for i in occupations for w in words[i].words})
    title_words = (pool[::7] + [w[1:] for w in pool[::11]] + [w + "ster" for w in pool[::13]]
                   + [w[:6] + "xyz" for w in pool[::17]] + ["kapper", "lasser", "verpleeg", "zorgkundige", "bakker"])
    answers = []
    for i in occupations:
        for w in title_words:
            expected = any(rerank._close(w, label) for label in words[i].words)
            assert rerank._shares_stem(w, words[i]) == expected, (w, sorted(words[i].words))
            answers.append(expected)
    assert any(answers) and not all(answers)


def test_the_occupations_labelled_with_the_titles_head_are_candidates_with_that_feature(lexical):
    """'Schoonmaker kantoren' starts with a label ('schoonmaker') of an occupation whose name it is not: that
    occupation is a candidate, and only the occupations carrying the head as a label have title_head_label 1."""
    from vacscreen.occupations.link import link_candidates, title_head_labels

    heads = title_head_labels(lexical, "Schoonmaker kantoren (avond)")
    assert heads and all(any(lab.lower() == "schoonmaker" for lab in (lexical.occupations[i].name,
                                                                      *lexical.occupations[i].labels))
                         for i in heads)
    assert not title_head_labels(lexical, "Medewerker (m/v/x)") and not title_head_labels(lexical, "xyz qwerty")
    idx, X = link_candidates("Schoonmaker kantoren (avond)", "Schoonmaker kantoren", lexical, {})
    column = X[:, rerank.FEATURES.index("title_head_label")]
    assert set(heads) <= set(idx) and {i for i, v in zip(idx, column) if v == 1.0} == set(heads)


def test_training_links_without_a_shipped_reranker_of_other_features(monkeypatch):
    """`vacscreen train --component linking` after the features changed: the shipped re-ranker no longer loads, and
    the analysis it trains from must not need it."""
    from vacscreen.flags.data import analyse

    def stale(*_):
        raise ValueError("trained on other features")

    monkeypatch.setattr(rerank, "load", stale)
    records = [{"id": "t1", "text": "Wij zoeken een schoonmaker voor kantoren. Je poetst bureaus.", "title": "Schoonmaker"}]
    (a,) = analyse(records, rerank_links=False)
    assert a.occupation is not None and a.occupation.name
    with pytest.raises(ValueError, match="other features"):
        analyse(records)
