"""Occupation linking: VDAB field, title, text, override, unknown occupations, profile fallback."""
import json

import numpy as np
import pytest
import realdata

from vacscreen.occupations import evaluate
from vacscreen.occupations.link import link
from vacscreen.occupations.linker import Linker, clean_title, query_from_text, vdab_field

DATA = realdata.vdab_path()


@pytest.fixture(scope="module")
def lexical():
    return Linker(encoder=None)


def test_vdab_field_is_parsed_with_its_span():
    text = "… VDAB-vacaturenummer: 70000001 VDAB-beroep: Aankoper Erkenningsnummer: VG/000X Online sinds: 02-01-2026"
    name, s, e = vdab_field(text)
    assert name == "Aankoper"
    assert text[s:e].startswith("VDAB-beroep: Aankoper")


@pytest.mark.parametrize("title, clean", [
    ("Magazijnier (m/v/x)", "magazijnmedewerker"),
    ("Administratief Bediende", "Administratief medewerker"),
    ("Werkstudent Marketing & Communicatie", "Marketing & Communicatie"),
    ("Administratie & Onthaalmedewerker - Gent", "Administratie & Onthaalmedewerker"),
    ("SPORTLESGEVER regio Kortrijk", "SPORTLESGEVER"),
    ("Grondwerker - BOUW", "Grondwerker"),
])
def test_clean_title(title, clean):
    assert clean_title(title) == clean


def test_query_from_text_finds_the_wanted_person():
    assert query_from_text("Voor onze klant zijn we op zoek naar een ervaren heftruckchauffeur. Je laadt …") \
        .startswith("ervaren heftruckchauffeur")


def test_vdab_field_wins_and_carries_the_profile(lexical):
    occ = link("Functieomschrijving\nJe stuurt de ploeg aan. VDAB-beroep: Werfleider Online sinds: 01-10-2025",
               title="Projectleider", linker=lexical)
    assert occ.source == "vdab_field" and occ.name == "Werfleider" and occ.score == 1.0
    assert occ.data_year == 2026


def test_title_links_to_a_bottleneck_occupation_with_sourced_profile(lexical):
    occ = link("Profiel\nJe hebt een heftruckattest.", title="Magazijnmedewerker (m/v/x)", linker=lexical)
    assert occ.source == "title"
    assert occ.name == "Magazijnmedewerker" and occ.bottleneck
    assert occ.vks is not None and occ.profile_sources
    assert len(occ.alternatives) == 3 and all(a["score"] <= occ.score for a in occ.alternatives)


def test_override_by_name_and_unknown_override(lexical):
    occ = link("Je werkt in het magazijn.", title="Magazijnier", override="Verpleegkundige", linker=lexical)
    assert occ.source == "user" and occ.name.lower().startswith("verpleegkundige")
    odd = link("Je werkt in het magazijn.", title="Magazijnier", override="Droomjobfluisteraar", linker=lexical)
    assert odd.source == "user" and odd.profile is None and odd.bottleneck is False


def test_unlisted_vdab_occupation_gets_a_name_and_no_profile(lexical):
    occ = link("VDAB-beroep: Ruimtevaartverpleger Online sinds: 01-10-2025", linker=lexical)
    assert occ.name == "Ruimtevaartverpleger" and occ.profile is None and not occ.bottleneck
    assert occ.alternatives


def test_esco_only_occupation_gets_a_fallback_profile(lexical):
    occ = link("Je beheert de collectie.", title="museumdirecteur", linker=lexical)
    assert occ.profile is not None
    if occ.profile["fallback"]:  # no profile row and no BK: the ISCO major group gives the range
        assert occ.profile["confidence"] == "low" and occ.profile["vks_range"]
        assert any("fallback" in s for s in occ.profile_sources)


def test_evaluation_cases_remove_the_vdab_line():
    cases = evaluate.cases(DATA)
    assert len(cases) >= 85
    assert all("VDAB-beroep" not in c["text"] for c in cases)
    assert all(c["label"] for c in cases)


def test_lexical_linking_is_right_on_plain_titles(lexical):
    # The linker's answer for titles that are an occupation name, against the labels VDAB gave.
    rows = [json.loads(line) for line in DATA.open(encoding="utf-8")]
    plain = [r for r in rows if r["vdab_occupation"] and r["title"].strip().lower() == r["vdab_occupation"].lower()]
    assert len(plain) >= 10
    for r in plain:
        best = lexical.rank(clean_title(r["title"]), "lexical")[0][0]
        assert evaluate.correct(lexical, best, r["vdab_occupation"]), r["title"]


def test_bottleneck_occupation_without_isco_gets_an_estimated_level():
    from vacscreen.occupations.link import default_linker

    linker = default_linker()
    if linker.encoder is None:
        pytest.skip("no sentence encoder in this environment")
    occ = link("Je plant de werf.", override="Werfleider", linker=linker)
    prof = occ.profile
    assert occ.bottleneck and prof["fallback"] and prof["confidence"] == "low"
    assert occ.vks is not None and prof["vks_range"][0] <= occ.vks <= prof["vks_range"][1]
    level_sources = [s["source"] for s in prof["sources"] if s["field"] == "typical_vks"]
    assert level_sources and "estimated from the nearest ESCO occupation" in level_sources[0]


def test_a_title_close_to_nothing_listed_is_unknown_not_a_raw_title(lexical):
    occ = link("Je werkt bij ons.", title="xyz qwerty", linker=lexical)
    assert occ.name == "onbekend" and occ.profile is None and not occ.bottleneck and occ.confidence == 0.0
    assert len(occ.alternatives) == 3


class CountingEncoder:
    """A stand-in encoder: deterministic vectors from the text, and a log of every encode call."""
    name = "counting-test-encoder"

    def __init__(self):
        self.calls = []

    def encode(self, texts, prefix="query: "):
        import numpy as np

        self.calls.append(list(texts))
        out = np.zeros((len(texts), 16), dtype=np.float32)
        for i, t in enumerate(texts):
            for ch in t.lower():
                out[i, ord(ch) % 16] += 1
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def test_prime_encodes_a_batch_of_new_titles_in_one_call(tmp_path):
    from vacscreen.occupations.link import prime

    enc = CountingEncoder()
    linker = Linker(encoder=enc, cache_dir=tmp_path)
    linker.label_vectors()
    enc.calls.clear()
    items = [("Je werkt in het magazijn.", "Magazijnier", None), ("Je kookt.", "Kok", None),
             ("VDAB-beroep: Aankoper\nJe koopt in.", "Aankoper", None),  # the field decides: no query
             ("Je poetst.", "Poetshulp", "Huishoudhulp-poetshulp"),  # an override: no query
             ("Je werkt in het magazijn.", "Magazijnier", None)]  # seen already in this batch
    prime(items, linker=linker)
    assert enc.calls == [["magazijnmedewerker", "Kok"]]
    before = [link(t, title, o, linker=linker, memory=None).name for t, title, o in items]
    # linking used the primed vectors (profile estimates may encode the BK titles and occupation names)
    assert ["magazijnmedewerker"] not in enc.calls[1:] and ["Kok"] not in enc.calls[1:]
    fresh = Linker(encoder=CountingEncoder(), cache_dir=tmp_path)
    assert [link(t, title, o, linker=fresh, memory=None).name for t, title, o in items] == before


def test_occupation_names_reuse_their_label_vectors(tmp_path):
    """A profile estimate for a listed occupation (nearest BK, nearest ESCO) needs the embedding of its name: that
    is one of the precomputed label vectors, not a new forward pass."""
    enc = CountingEncoder()
    linker = Linker(encoder=enc, cache_dir=tmp_path)
    linker.label_vectors()
    linker.nearest_bk("magazijnmedewerker")  # computes the BK title vectors
    enc.calls.clear()
    name = next(o.name for o in linker.occupations if o.kind == "vdab" and not o.isco)
    linker.nearest_bk(name)
    linker.nearest_esco(name)
    assert enc.calls == []
    i = linker.labels.index(name)
    assert np.allclose(linker.semantic(name).max(), float(linker.label_vectors()[i] @ linker.label_vectors()[i]))


def test_lexical_scores_are_token_sort_ratio_and_prime_batches_them():
    from rapidfuzz import fuzz, utils

    primed, single = Linker(encoder=None), Linker(encoder=None)
    queries = ["Magazijnier", "Bediende Aankoop & Administratie", "chauffeur heftruck"]
    primed.prime(queries)
    for q in queries:
        assert np.array_equal(primed.lexical(q), single.lexical(q))
    i = single.index_of("Heftruckchauffeur")
    labels = [lab for lab, o in zip(single.labels, single.owner) if o == i]
    expected = max(fuzz.token_sort_ratio(queries[2], lab, processor=utils.default_process) for lab in labels) / 100
    assert single.lexical(queries[2])[i] == pytest.approx(expected, abs=1e-6)


def test_the_query_vector_cache_is_bounded(tmp_path):
    linker = Linker(encoder=CountingEncoder(), cache_dir=tmp_path)
    linker.max_queries = 4
    linker.prime([f"Magazijnier {i}" for i in range(10)])
    assert len(linker._query_cache) <= 4 and "Magazijnier 9" in linker._query_cache
    assert linker.rank("Magazijnier 0")  # a dropped title is encoded again


@pytest.mark.parametrize("title, name", [
    ("Kok (voltijds) – Brasserie Het Pleintje", "kok"),
    ("Heftruckchauffeur nachtploeg (interim)", "heftruckchauffeur"),
    ("Orderpicker / magazijnier - regio Gent", "orderpicker"),
    ("Sales Manager tegels en sanitair", "salesmanager"),  # a Dutch one-word name written in two words
    ("Account-Manager kmo (Antwerpen)", "accountmanager"),
    ("Receptionist hotel (weekends)", "hotelreceptionist"),  # modifier after the head: one word the other way
])
def test_a_title_that_starts_with_an_occupations_name_links_to_it(title, name):
    """Titles written for this test: brackets, the part after a dash and the words after the name are ignored."""
    from vacscreen.occupations.link import default_linker, title_head_record

    rec = title_head_record(default_linker(), title)
    assert rec is not None and rec.name.lower() == name


@pytest.mark.parametrize("title", ["Medewerker (m/v/x)", "Senior Manager", "Ervaren vakkracht gezocht"])
def test_generic_or_unknown_title_heads_are_not_names(title):
    from vacscreen.occupations.link import default_linker, title_head_record

    assert title_head_record(default_linker(), title) is None


def test_shipped_link_report_per_group_with_reliability():
    """link-report's figures on the team-written dev vacancies (their texts are in the repository)."""
    from vacscreen import gold
    from vacscreen.flags.data import analyse
    from vacscreen.occupations.evaluate import shipped_report

    records = [r for r in gold.load("dev") if r.get("synthetic")]
    res = shipped_report(analyse(records), out_of_fold=False)
    assert set(res) == {"all", "team"} and res["all"]["n"] == res["team"]["n"] > 10
    r = res["all"]
    assert 0 <= r["top1"] <= r["top3"] <= 1 and 0 <= r["absurd"] <= 1 - r["top1"] + 1e-9
    assert r["ece"] is not None and 0 <= r["ece"] <= 1
    assert sum(n for _, n, _, _ in r["reliability"]) == r["n"]


def test_alternatives_carry_their_own_typical_level(lexical):
    """The flags measure an unsure link against its alternatives' levels (flags/rules.py Norm.cautious)."""
    occ = link("Je rijdt met de heftruck in ons magazijn.", "Heftruckchauffeur magazijn", linker=lexical,
               reranker=None, memory=None)
    assert occ.alternatives
    for alt in occ.alternatives:
        own = link("x", override=alt["name"], linker=lexical)
        assert (alt["vks"], alt["estimated"]) == (own.vks, bool(own.profile["fallback"])), alt


def test_label_cosines_are_exact_where_rankings_and_thresholds_read_them():
    """Linker._label_cosines takes the product over all labels in int8 and recomputes the best exact_top in fp32: the
    best labels, every occupation's best score that reaches the top and the argmax equal the fp32 product; the rest
    stays within the int8 error."""
    import numpy as np

    from vacscreen.occupations.link import default_linker

    linker = default_linker()
    if linker.encoder is None or linker._int8_labels() is None:
        pytest.skip("no sentence encoder or no int8 engine in this environment")
    vectors = linker.label_vectors()
    for query in ("Magazijnier", "Verpleegkundige op de dienst geriatrie", "Boekhouder KMO", "Stagiair marketing"):
        v = linker.encoder.encode([query])[0]
        exact, fast = vectors @ v, linker._label_cosines(v)
        top = np.argsort(-exact)[:100]
        assert np.allclose(fast[top], exact[top], atol=1e-5)
        assert int(np.argmax(fast)) == int(np.argmax(exact))
        assert np.abs(fast - exact).max() < 0.01
        assert np.abs(fast - exact).max() > 0  # the int8 product was used for the rest


def test_prepare_builds_what_a_first_new_title_would(lexical):
    """link.prepare (the Screener calls it when it loads linking): every occupation's profile, the descriptions and
    the name indexes are there before the first link, so that a service's first request does not build them."""
    from vacscreen.occupations.link import prepare

    assert prepare(lexical) is lexical
    assert all((o.name, True) in lexical.profiles for o in lexical.occupations)
    assert lexical.descriptions is not None and hasattr(lexical, "_groups") and "_compact_index" in vars(lexical.ref)


@pytest.mark.parametrize("title, name", [
    ("Kok (38 uur, vast contract) – Eetcafé De Zwaan, Vlissingen en omgeving", "kok"),
    ("Poetsvrouw (flexi-job) – zaterdagen – Tandartsenpraktijk De Witte Tand, Aalst", None),
    ("Orderpicker 3 ploegen | Distributiecentrum Oostkamp | via uitzendkantoor Werkkracht", "orderpicker"),
])
def test_a_title_that_starts_with_a_listed_name_is_never_unknown(lexical, title, name):
    """The whole query is far from every label (employer, place, hours), but its head is a listed occupation: the
    re-ranked link is that occupation, not "onbekend" (issue 19: no raw-title or unknown link when one fits)."""
    from vacscreen.occupations import rerank
    from vacscreen.occupations.link import MIN_LEXICAL, MIN_SEMANTIC, _query

    if rerank.load() is None:
        pytest.skip("no shipped re-ranker")
    assert not lexical.is_listed(_query("", title)[0], MIN_LEXICAL, MIN_SEMANTIC)  # the case this is about
    occ = link("Je werkt in ons team.", title, linker=lexical, memory=None)
    assert occ.name != "onbekend" and occ.profile is not None and (name is None or occ.name.lower() == name)


def test_a_title_whose_head_is_close_to_a_label_is_not_unknown(lexical):
    """The employer, place and contract make the whole title far from every label, and no listed name starts it,
    but what precedes the first dash is close to one: a listed occupation, not "onbekend"."""
    from vacscreen.occupations.link import MIN_LEXICAL, MIN_SEMANTIC, _query, title_head_labels, title_head_record

    title = "Verkoper tuinmeubelen en barbecues – Tuincentrum Groenhoeve Lier (voltijds, vast)"
    assert not lexical.is_listed(_query("", title)[0], MIN_LEXICAL, MIN_SEMANTIC)  # the case this is about
    assert title_head_record(lexical, title) is None and not title_head_labels(lexical, title)
    occ = link("Je werkt in ons team.", title, linker=lexical, memory=None)
    assert occ.name != "onbekend" and occ.profile is not None
