"""Coded vacancies as linking evidence (VacancyMemory): votes, linking with it, evaluation without leakage."""
import pytest

from vacscreen.occupations import evaluate
from vacscreen.occupations.link import link
from vacscreen.occupations.linker import Linker
from vacscreen.occupations.memory import VacancyMemory

ROADS = ["Je legt wegen en fietspaden aan, plaatst boordstenen en asfalteert de rijweg met de wals.",
         "Wegenbouw: je werkt aan riolering onder de rijweg, boordstenen, asfalt en fietspaden."]
SHELL = ["Je stort funderingen en betonvloeren, zet bekisting en metselt de ruwbouw van woningen.",
         "Ruwbouw: bekisting plaatsen, wapening vlechten, beton storten voor funderingen en kelders."]


@pytest.fixture(scope="module")
def lexical():
    return Linker(encoder=None)


@pytest.fixture(scope="module")
def memory():
    return VacancyMemory(k=2, weight=1.0).fit(ROADS + SHELL, ["Wegenwerker"] * 2 + ["Medewerker ruwbouw"] * 2)


def test_the_nearest_coded_vacancies_vote(memory):
    votes = memory.votes("Je asfalteert fietspaden en plaatst boordstenen langs de rijweg.")
    assert max(votes, key=votes.get) == "Wegenwerker"
    assert all(0 < v <= memory.weight for v in votes.values())


def test_unrelated_text_gets_no_votes(memory):
    assert memory.votes("Je kookt in een restaurant en maakt desserts.") == {}


def test_fit_refuses_mismatched_or_empty_data():
    with pytest.raises(ValueError):
        VacancyMemory().fit(["a"], [])
    with pytest.raises(ValueError):
        VacancyMemory().fit([], [])


def test_the_text_decides_between_occupations_a_title_shares(lexical, memory):
    # The memory alone (the occupation descriptions would add their own votes, e.g. for Bekister-betonneerder).
    road = link("Je asfalteert wegen en legt boordstenen en fietspaden aan.", title="Grondwerker",
                linker=lexical, memory=memory, descriptions=False)
    shell = link("Je zet bekisting, stort beton voor funderingen en kelders.", title="Grondwerker",
                 linker=lexical, memory=memory, descriptions=False)
    assert road.name == "Wegenwerker"
    assert shell.name == "Medewerker ruwbouw"


def _page(description: str, skills: str) -> str:
    return (f"Grondwerker BOUW\nFunctieomschrijving\n{description}\nProfiel\nJe werkt graag buiten.\n"
            f"Professionele vaardigheden\n{skills}\nAanbod\nEen vast contract.\n")


SAME_TEXT = "Je werkt mee op onze werven in de regio en helpt de ploeg waar nodig."
PAGES = [_page(SAME_TEXT, "De uitgraving opvullen en aandammen De werf beveiligen door signalisatie"),
         _page(SAME_TEXT, "Sleuven graven Draagstructuren monteren (steiger, schoren, platform, ...)")]


def test_competence_sections_decide_between_otherwise_equal_pages():
    """VDAB pages list the coded occupation's competences: they separate vacancies whose free text is the same."""
    page = _page(SAME_TEXT, "Sleuven graven Betonwapeningsstaven snijden")
    labels = ["Wegenwerker", "Medewerker ruwbouw"]
    votes = VacancyMemory(k=2).fit(PAGES, labels).votes(page)
    assert max(votes, key=votes.get) == "Medewerker ruwbouw"
    text_only = VacancyMemory(k=2, competence_weight=0.0).fit(PAGES, labels).votes(page)
    margin = votes["Medewerker ruwbouw"] - votes.get("Wegenwerker", 0.0)
    assert margin > text_only["Medewerker ruwbouw"] - text_only.get("Wegenwerker", 0.0) + 0.1


def test_pages_without_competences_vote_by_their_text_alone(memory):
    """Texts without the section (non-VDAB vacancies) fit and vote as before."""
    assert memory.competence_labels_.size == 0
    plain = VacancyMemory(k=2, weight=1.0, competence_weight=0.0).fit(ROADS + SHELL, ["Wegenwerker"] * 2 + ["Medewerker ruwbouw"] * 2)
    text = "Je asfalteert fietspaden en plaatst boordstenen langs de rijweg."
    assert memory.votes(text) == plain.votes(text)


def test_the_vdab_field_and_the_override_win_over_the_memory(lexical, memory):
    text = "VDAB-beroep: Aankoper\nJe zet bekisting en stort beton voor funderingen."
    assert link(text, title="Grondwerker", linker=lexical, memory=memory).name == "Aankoper"
    assert link(SHELL[0], title="Grondwerker", override="Wegenwerker", linker=lexical,
                memory=memory).name == "Wegenwerker"


def test_save_and_load_keep_the_votes(tmp_path, memory):
    from vacscreen.occupations.memory import load_memory

    path = tmp_path / "memory.skops"
    memory.votes(ROADS[1])  # a memory that has voted still saves (its caches stay outside it)
    memory.save(path, {"version": "test"})
    again = load_memory(path)
    assert again.votes(ROADS[0]) == memory.votes(ROADS[0])
    assert (tmp_path / "meta.json").exists()


def test_evaluation_never_fits_the_memory_on_the_vacancy_it_scores(lexical):
    items = [{"id": f"v{i}", "title": "Grondwerker", "text": t, "label": lab}
             for i, (t, lab) in enumerate(zip(ROADS + SHELL, ["Wegenwerker"] * 2 + ["Medewerker ruwbouw"] * 2))]
    items.append({"id": "dup", "title": "Grondwerker", "text": ROADS[0], "label": "Wegenwerker"})
    fitted = []

    class Recording(VacancyMemory):
        def fit(self, texts, labels):
            fitted.append(list(texts))
            return super().fit(texts, labels)

    evaluate.accuracy(lexical, items, "lexical", items, lambda: Recording(k=1))
    assert len(fitted) == len(items)
    for item, texts in zip(items, fitted):
        assert item["text"] not in texts  # itself and its near-duplicate are left out


def test_ranked_occupations_have_distinct_names(lexical):
    # "Aankoper" is both a VDAB occupation and an ESCO label; a recruiter must not see it twice.
    for q in ["medewerker Aankoop & Administratie", "Media Planning Officer", "Grondwerker"]:
        names = [lexical.occupations[i].name.lower() for i, _ in lexical.rank(q, "lexical")]
        assert len(names) == len(set(names)) == 4


def test_recruiters_occupation_choices_join_the_memory(tmp_path):
    """A vacancy whose latest screening has an occupation the user chose becomes a coded vacancy; one screened
    again without that choice, or linked by the linker, does not."""
    from vacscreen.occupations.memory import load_memory

    from vacscreen.occupations.train import train_memory as train
    from vacscreen.review import Store

    def result(name, source):
        return {"id": None, "title": "Grondwerker", "flags": [], "occupation": {"name": name, "source": source}}

    with Store(f"sqlite:///{tmp_path / 'labels.db'}") as store:
        store.save_screening(result("Wegenwerker", "title"), SHELL[0])
        store.save_screening(result("Medewerker ruwbouw", "user"), SHELL[0])  # the recruiter corrected it
        store.save_screening(result("Medewerker ruwbouw", "user"), ROADS[0])
        store.save_screening(result("Wegenwerker", "title"), ROADS[0])  # later screened as linked: not a choice
        store.save_screening(result("Wegenwerker", "title"), ROADS[1])
        assert [(c["text"], c["occupation"]) for c in store.occupation_corrections()] == [
            (SHELL[0], "Medewerker ruwbouw")]
        path = tmp_path / "memory.skops"
        meta = train(path=path, store=store)
    assert meta["corrections"] == 1 and meta["vacancies"] > 0
    memory = load_memory(path)
    assert "Medewerker ruwbouw" in memory.labels_
    votes = memory.votes("Je stort funderingen en betonvloeren en zet bekisting voor de ruwbouw van woningen.")
    assert max(votes, key=votes.get) == "Medewerker ruwbouw"


def test_the_fast_tfidf_vector_equals_scikit_learns_transform():
    from sklearn.feature_extraction.text import TfidfVectorizer

    import numpy as np

    from vacscreen.occupations.memory import tfidf_vector

    docs = ["Je stapelt paletten in het magazijn.", "Je kookt in de keuken van een brasserie.",
            "Je rijdt met de heftruck in het magazijn en je stapelt dozen."]
    vec = TfidfVectorizer(sublinear_tf=True, stop_words=["de", "het"]).fit(docs)
    for text in docs + ["Magazijn magazijn magazijn keuken!", "niets bekends hier", ""]:
        assert np.allclose(tfidf_vector(vec, text), vec.transform([text]).toarray()[0])
    with pytest.raises(ValueError, match="sublinear_tf"):
        tfidf_vector(TfidfVectorizer().fit(docs), "magazijn")


def test_vectorizers_share_a_texts_tokens_only_when_they_split_it_alike():
    """tfidf_vector keeps a text's tokens for the next vectorizer that splits alike; one with other stop words, an
    n-gram range or a tokenizer function of its own still gets its own tokens."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    import numpy as np

    from vacscreen.occupations.memory import tfidf_vector

    docs = ["Je stapelt paletten in het magazijn.", "Je kookt in de keuken van een brasserie.",
            "Je rijdt met de heftruck in het magazijn en je stapelt dozen."]
    vectorizers = [TfidfVectorizer(sublinear_tf=True, stop_words=["de", "het"]),
                   TfidfVectorizer(sublinear_tf=True, stop_words=["de", "het"]),
                   TfidfVectorizer(sublinear_tf=True, stop_words=["je", "in"]),
                   TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2)),
                   TfidfVectorizer(sublinear_tf=True, tokenizer=lambda t: t.lower().split(), token_pattern=None)]
    for vec in vectorizers:
        vec.fit(docs)
    text = "Je stapelt dozen in het magazijn van de brasserie."
    for _ in range(2):  # the second round reads the kept tokens
        for vec in vectorizers:
            assert np.allclose(tfidf_vector(vec, text), vec.transform([text]).toarray()[0])
