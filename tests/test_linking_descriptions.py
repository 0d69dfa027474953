"""Occupation descriptions as linking evidence (a VacancyMemory of occupation documents, occupation_texts.csv)."""
import pytest

from vacscreen.occupations import evaluate
from vacscreen.occupations.descriptions import description_memory, documents, index_for
from vacscreen.occupations.link import link, text_votes
from vacscreen.occupations.linker import Linker
from vacscreen.occupations.memory import VacancyMemory
from vacscreen.occupations.reference import ReferenceDataError
from vacscreen.occupations.reference_csv import _load_texts

DOCS = {"Rioollegger": "Je legt rioleringsbuizen en huisaansluitingen, graaft sleuven en plaatst putten.",
        "Kok": "Je bereidt warme en koude gerechten, maakt sauzen en desserts en beheert de keuken."}


@pytest.fixture(scope="module")
def lexical():
    return Linker(encoder=None)


def test_the_closest_descriptions_vote_in_proportion_to_their_weight():
    index = description_memory(list(DOCS), list(DOCS.values()), k=1, weight=0.5)
    votes = index.votes("Wij zoeken iemand die rioleringsbuizen legt en putten plaatst.")
    assert list(votes) == ["Rioollegger"]
    double = description_memory(list(DOCS), list(DOCS.values()), k=1, weight=1.0)
    assert double.votes("rioleringsbuizen en putten")["Rioollegger"] == pytest.approx(
        2 * index.votes("rioleringsbuizen en putten")["Rioollegger"])


def test_no_votes_for_empty_or_unrelated_text_or_zero_weight():
    index = description_memory(list(DOCS), list(DOCS.values()), k=2)
    assert index.votes("") == {} and index.votes("   ") == {}
    assert index.votes("xyzzy qwerty") == {}
    assert description_memory(list(DOCS), list(DOCS.values()), weight=0.0).votes(DOCS["Kok"]) == {}


def test_fit_refuses_mismatched_or_empty_data():
    with pytest.raises(ValueError):
        description_memory(["Kok"], [])
    with pytest.raises(ValueError):
        description_memory([], [])


def test_every_vdab_occupation_has_a_document_that_finds_it_back(lexical):
    names, docs = documents(lexical.ref)
    assert len(names) == len(lexical.ref.vdab_occupations) == len(docs)
    index = index_for(lexical.ref, k=1)
    found = sum(next(iter(index.votes(d))) == n for n, d in zip(names, docs))
    assert found == len(names)  # a description is closest to itself


def test_titles_of_occupation_texts_are_matched_like_labels(lexical):
    plain = Linker(ref=lexical.ref, encoder=None, titles=False)
    assert len(lexical.labels) > len(plain.labels)
    best = lexical.occupations[lexical.rank("Sportlesgever", "lexical")[0][0]]
    assert best.name == "Sporttrainer"  # "Sportlesgever" is one of its titles in occupation_texts.csv
    assert "Sportlesgever" not in {lexical.occupations[i].name for i, _ in plain.rank("Sportlesgever", "lexical")}


def test_link_adds_description_votes_to_the_memory_votes(lexical):
    memory = VacancyMemory(k=1).fit(["Je asfalteert wegen."], ["Wegenwerker"])
    index = description_memory(list(DOCS), list(DOCS.values()), k=1)
    text = "Je asfalteert wegen en legt rioleringsbuizen."
    both = text_votes(text, memory, index)
    assert both == {**memory.votes(text), **index.votes(text)}
    assert text_votes("", memory, index) == {}
    with_texts = link(DOCS["Rioollegger"], title="Grondwerker", linker=lexical, memory=None)
    without = link(DOCS["Rioollegger"], title="Grondwerker", linker=lexical, memory=None, descriptions=False)
    assert with_texts.score > without.score or with_texts.name != without.name


def test_evaluation_reports_the_description_modes(lexical, monkeypatch):
    items = [{"id": "a", "title": "Rioollegger", "text": DOCS["Rioollegger"], "label": "Rioollegger"},
             {"id": "b", "title": "Kok", "text": DOCS["Kok"], "label": "Kok"}]
    others = [{"id": "c", "title": "Kok", "text": DOCS["Kok"], "label": "Kok", "labels": {"kok", "chef-kok"},
               "group": "team"}]
    monkeypatch.setattr(evaluate, "cases", lambda: items)
    monkeypatch.setattr(evaluate, "other_cases", lambda split=None: others)
    res = evaluate.run(lexical)
    assert list(res) == ["VDAB pages", "team-written"]
    from vacscreen.occupations import rerank

    modes = ["lexical", "lexical+descriptions", "lexical+descriptions+memory"]
    # the shipped re-ranker is scored on VDAB pages only: it learns from the other groups
    assert list(res["VDAB pages"]) == modes + (["lexical+descriptions+memory+rerank"] if rerank.load() else [])
    assert list(res["team-written"]) == modes
    for part, n in (("VDAB pages", 2), ("team-written", 1)):
        assert all(r["n"] == n for r in res[part].values())


def test_a_duplicate_occupation_in_the_texts_file_names_both_rows(tmp_path):
    path = tmp_path / "occupation_texts.csv"
    path.write_text('occupation,titles,description\nKok,Chef-kok,Je kookt.\nkok,Cook,Je kookt ook.\n',
                    encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=r"occupation_texts\.csv row 3: occupation 'kok' appears twice "
                                                 r"\(first in row 2\)"):
        _load_texts(path)
