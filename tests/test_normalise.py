"""The normalisers (vacscreen/extract/normalise.py) and the rule layer (vacscreen/extract/rules.py) on real Dutch
vacancy wordings: years of experience, CEFR levels, licences/certificates, education levels and languages.
Most wordings are taken from the real VDAB pages (../shared/data/vdab_vacancies.jsonl)."""
from __future__ import annotations

import pytest

from vacscreen.extract import normalise, rules


def cands(text: str, section: str = "profile"):
    return rules.candidates(text, lambda pos: section)


def of_kind(text: str, *kinds: str, section: str = "profile"):
    return [c.req for c in cands(text, section) if c.req.kind in kinds]


# --------------------------------------------------------------------------------------------------------------
# Years of experience
# --------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("clause,expected", [
    ("minstens vijf jaar ervaring", (5, None)),
    ("2 à 3 jaar ervaring", (2, 3)),
    ("5+ jaar ervaring", (5, None)),
    ("drie tot vijf jaar", (3, 5)),
    ("drie tot vijf jaar ervaring", (3, 5)),
    ("Beperkte ervaring ( < 2 jaar )", (None, 2)),
    ("Beperkte ervaring (< 2 jaar)", (None, 2)),
    ("Geen ervaring", (0, None)),
    ("Geen werkervaring vereist", (0, None)),
    ("Ervaring is geen vereiste", (0, None)),
    ("Niet van belang", (0, None)),
    ("Minstens 2 jaar ervaring", (2, None)),
    ("Minstens 5 jaar ervaring in de verkoop, liefst in een bouwbedrijf", (5, None)),
    ("Minimum 2 jaar gerelateerde ervaring", (2, None)),
    ("min. 2 jaar ervaring", (2, None)),
    ("Deze job vraagt minimaal 5 jaar ervaring als ploegleider", (5, None)),
    ("Je toont minstens 5 jaar nuttige ervaring aan", (5, None)),
    ("Je hebt minimaal 1 jaar nuttige ervaring aan een onthaalbalie", (1, None)),
    ("Je\u00a0minimaal 2\u00a0jaar\u00a0werkervaring\u00a0voorleggen", (2, None)),
    ("Je hebt minstens tien jaar ervaring", (10, None)),
    ("Twee jaar ervaring is een must", (2, None)),
    ("Een eerste ervaring van 1 à 2 jaar", (1, 2)),
    ("Je hebt 3 tot 5 jaar ervaring", (3, 5)),
    ("Je hebt 3-5 jaar ervaring", (3, 5)),
    ("Je hebt 3–5 jaar ervaring", (3, 5)),
    ("Je hebt 5 à 10 jaar ervaring", (5, 10)),
    ("2,5 jaar ervaring", (2.5, None)),
    ("anderhalf jaar ervaring", (1.5, None)),
    ("meer dan 3 jaar ervaring", (3, None)),
    ("Je hebt maximaal 2 jaar ervaring", (None, 2)),
    ("at least 5 years of experience", (5, None)),
    ("Eén à twee jaar ervaring als installateur", (1, 2)),  # an accented number word opening the sentence
    # no number written: the clause names experience but no years
    ("Je hebt ervaring als magazijnier", (None, None)),
    ("Heb je al enkele jaren ervaring in de logistiek?", (None, None)),
    ("een eerste ervaring", (None, None)),
    # a number of years that is not experience: company age, contract length, age
    ("Met meer dan 120 jaar ervaring groeide deze firma uit", (None, None)),
    ("ons bedrijf bestaat 25 jaar", (None, None)),
    ("Je hebt een contract van 1 jaar", (None, None)),
    ("Je bent 18 jaar oud en hebt ervaring", (None, None)),
    ("Een loon tussen €38000-45000 per jaar, naargelang je ervaring", (None, None)),
])
def test_years(clause, expected):
    assert normalise.years(clause) == expected


@pytest.mark.parametrize("clause", ["je bent 18 jaar", "Je bent minstens 18 jaar", "Je bent 25 jaar oud"])
def test_age_is_no_experience(clause):
    """An age is not experience: the rule layer makes no experience candidate (it may make an age criterion)."""
    found = cands(clause)
    assert not [c for c in found if c.req.kind == "experience"]
    assert [c.req.category for c in found if c.req.kind == "criterion"] in ([], ["age"])


@pytest.mark.parametrize("clause,years", [
    ("Je bent minstens 18 jaar en hebt 2 jaar ervaring", 2),
    ("Je bent 25 jaar en hebt 3 jaar ervaring als chauffeur", 3),
])
def test_age_before_experience_years(clause, years):
    [exp] = of_kind(clause, "experience")
    assert exp.min_years == years


@pytest.mark.parametrize("clause,min_years,max_years", [
    ("minstens vijf jaar ervaring", 5, None),
    ("Je hebt drie tot vijf jaar ervaring in de bouw", 3, 5),
    ("Beperkte ervaring ( < 2 jaar )", None, 2),
    ("Je hebt 5 jaar in een gelijkaardige functie gewerkt", 5, None),
    ("Teamleden met 10+ jaar ervaring helpen je op weg", 10, None),
])
def test_experience_candidate_years(clause, min_years, max_years):
    [exp] = of_kind(clause, "experience")
    assert (exp.min_years, exp.max_years) == (min_years, max_years)
    assert exp.text == clause


@pytest.mark.parametrize("clause,rule_required", [
    ("Geen ervaring", False),
    ("Ervaring is een pluspunt", False),
    ("Ervaring als heftruckchauffeur is een troef", False),
    ("Minstens 2 jaar ervaring", True),
])
def test_experience_rule_required(clause, rule_required):
    [c] = [c for c in cands(clause) if c.req.kind == "experience"]
    assert c.rule_required is rule_required


@pytest.mark.parametrize("clause", [
    "Loon volgens ervaring",
    "Of gelijkwaardig door ervaring",
    "Bij ons doe je ervaring op",
    "Dankzij onze jarenlange ervaring zijn we marktleider",
])
def test_not_an_experience_demand(clause):
    assert of_kind(clause, "experience") == []


@pytest.mark.parametrize("clause", [
    "Onze ervaren collega's begeleiden je",
    "Een ervaren team staat klaar",
    "Je kan ervaring opdoen in ons team",
    "Een kans om ervaring op te doen",
    "Is dit de ervaring die wij zoeken?",
])
def test_not_an_experience_demand_right_context(clause):
    assert of_kind(clause, "experience") == []


@pytest.mark.parametrize("word,value", [
    ("5", 5), ("2,5", 2.5), ("1.5", 1.5), ("vijf", 5), ("drie", 3), ("tien", 10), ("twaalf", 12), ("twintig", 20),
    ("een", 1), ("één", 1), ("anderhalf", 1.5), ("enkele", None), ("paar", None), ("foo", None),
])
def test_number(word, value):
    assert normalise.number(word) == value


# --------------------------------------------------------------------------------------------------------------
# CEFR
# --------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("cue,level", [
    ("vloeiend", "C1"), ("Vloeiend", "C1"), ("vloeiende", "C1"), ("Zeer goed", "C1"), ("zeer vlot", "C1"),
    ("uitstekend", "C1"), ("uitstekende", "C1"), ("fluent", "C1"),
    ("Goed", "B2"), ("goede", "B2"), ("vlot", "B2"), ("vlotte", "B2"), ("grondige", "B2"), ("degelijke", "B2"),
    ("Medium", "B1"), ("redelijk", "B1"), ("behoorlijk", "B1"), ("voldoende", "B1"),
    ("Basis", "A2"), ("basiskennis", "A2"), ("elementaire", "A2"), ("noties", "A2"),
    ("Starter", "A1"), ("beginner", "A1"), ("een woordje", "A1"),
    ("perfect", "C2"), ("Perfecte", "C2"), ("foutloos", "C2"), ("moedertaal", "C2"), ("native speaker", "C2"),
    ("near-native", "C2"),
    ("B2-niveau", "B2"), ("B2 niveau", "B2"), ("niveau C1", "C1"), ("c1-niveau", "C1"), ("b1", "B1"), ("C2", "C2"),
    ("Zeer goed ", "C1"),
])
def test_cefr(cue, level):
    assert normalise.cefr(cue) == level


@pytest.mark.parametrize("cue", ["foo", "Nederlands", "", "kennis"])
def test_cefr_unknown(cue):
    assert normalise.cefr(cue) is None


@pytest.mark.parametrize("cue", ["matig", "matige kennis"])
def test_cefr_matig(cue):
    assert normalise.cefr(cue) == "A2"


# --------------------------------------------------------------------------------------------------------------
# Licences and certificates (rule layer)
# --------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("Rijbewijs B auto's", [("licence", "rijbewijs B")]),
    ("rijbewijs C + code 95", [("licence", "rijbewijs C"), ("licence", "code 95")]),
    ("Rijbewijs CE + code 95", [("licence", "rijbewijs CE"), ("licence", "code 95")]),
    ("Je hebt een C-rijbewijs", [("licence", "rijbewijs C")]),
    ("Je hebt een rijbewijs BE", [("licence", "rijbewijs BE")]),
    ("Een geldig rijbewijs B is nodig", [("licence", "rijbewijs B")]),
    ("VCA-basis", [("certificate", "VCA basis")]),
    ("Basis VCA", [("certificate", "VCA basis")]),
    ("VOL-VCA", [("certificate", "VCA VOL")]),
    ("VCA VOL", [("certificate", "VCA VOL")]),
    ("VCA-attest", [("certificate", "VCA")]),
    ("heftruckattest", [("certificate", "heftruckattest")]),
    ("Een heftruckattest is een pluspunt.", [("certificate", "heftruckattest")]),
    ("Attest voor heftruck", [("certificate", "heftruckattest")]),
    ("reachtruckattest", [("certificate", "reachtruckattest")]),
    ("Reachtruck-attest", [("certificate", "reachtruckattest")]),
    ("Je hebt een attest voor reachtruck", [("certificate", "reachtruckattest")]),
    ("hoogwerkerattest", [("certificate", "hoogwerkerattest")]),
    ("BA4", [("certificate", "BA4")]),
    ("BA5", [("certificate", "BA5")]),
    ("HACCP", [("certificate", "HACCP")]),
    ("Je werkt volgens de HACCP-normen", [("certificate", "HACCP")]),
])
def test_licences(text, expected):
    found = of_kind(text, "licence", "certificate")
    assert [(r.kind, r.name) for r in found] == expected
    for r in found:
        assert r.text == text and (r.start, r.end) == (0, len(text))


def test_licence_span_in_vdab_line_is_the_item():
    line = "Frans (Basis) Nederlands (Goed) Rijbewijs B auto's"
    [lic] = of_kind(line, "licence", section="vdab_fields")
    assert (lic.name, lic.text) == ("rijbewijs B", "Rijbewijs B auto's")
    assert line[lic.start: lic.end] == lic.text


@pytest.mark.parametrize("text,rule_required", [
    ("Je hebt een heftruckattest.", True),
    ("Je kan je VCA bij ons behalen.", False),
    ("Je VCA haal je bij ons zonder kosten", False),
    ("Wij voorzien de opleiding tot heftruckattest.", False),
])
def test_offered_certificate_is_not_rule_required(text, rule_required):
    [c] = [c for c in cands(text) if c.req.kind == "certificate"]
    assert c.rule_required is rule_required


# --------------------------------------------------------------------------------------------------------------
# Education
# --------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,levels", [
    ("Professionele bachelor: Logistiek", [("bachelor", 6)]),
    ("MBO niveau 3", [("mbo3", 3)]),
    ("hbo werk- en denkniveau", [("bachelor", 6)]),
    ("Technisch secundair onderwijs (TSO)", [("tso", 4)]),
    ("Geen specifieke studievereisten", [("none", 0)]),
    ("Geen diploma vereist", [("none", 0)]),
    ("Je hebt een masterdiploma", [("master", 7)]),
    ("Je hebt een universitair diploma", [("master", 7)]),
    ("Je bent burgerlijk ingenieur", [("master", 7)]),
    ("Je hebt een bachelor of master", [("bachelor", 6), ("master", 7)]),
    ("Je hebt een bachelor/master in een economische richting.", [("bachelor", 6), ("master", 7)]),
    ("Secundair onderwijs", [("secundair", 4)]),
    ("Je hebt een diploma secundair onderwijs", [("secundair", 4)]),
    ("Beroepssecundair onderwijs", [("bso", 3)]),
    ("Algemeen secundair onderwijs (ASO)", [("aso", 4)]),
    ("Lager onderwijs", [("lager", 1)]),
    ("Graduaat in de informatica", [("graduaat", 5)]),
    ("Doctoraat in de chemie", [("doctor", 8)]),
    ("Je hebt minimaal een mbo-4 diploma", [("mbo4", 4)]),
    ("mbo-niveau 2", [("mbo2", 2)]),
    ("Een afgeronde opleiding op MBO 3/4-niveau", [("mbo3", 3)]),  # a range accepts its lower level
    ("Je hebt een mbo 2 of 3 diploma", [("mbo2", 2)]),
    ("havo/vwo werk- en denkniveau", [("havo", 4), ("vwo", 4)]),
])
def test_education_levels(text, levels):
    found = of_kind(text, "education")
    assert [(r.level, r.vks) for r in found] == levels
    for r in found:
        assert normalise.vks(r.level) == r.vks


@pytest.mark.parametrize("level,vks", [
    ("none", 0), ("lager", 1), ("bso", 3), ("tso", 4), ("aso", 4), ("secundair", 4), ("mbo2", 2), ("mbo3", 3),
    ("mbo4", 4), ("graduaat", 5), ("bachelor", 6), ("master", 7), ("doctor", 8), (None, None), ("onbekend", None),
])
def test_vks(level, vks):
    assert normalise.vks(level) == vks


@pytest.mark.parametrize("text,field", [
    ("Je hebt een bachelor/master in een economische richting.", "economische"),
    ("Graduaat in de informatica", "informatica"),
])
def test_education_field_free_text(text, field):
    assert {r.field for r in of_kind(text, "education")} == {field}


def test_education_or_equivalent():
    [r] = of_kind("Je hebt een bachelor of bent gelijkwaardig door ervaring", "education")
    assert r.or_equivalent is True and r.level == "bachelor"
    [r] = of_kind("Je hebt een bachelordiploma", "education")
    assert r.or_equivalent is False


def test_vdab_education_line_splits_items():
    line = ("Of gelijkwaardig door ervaring Professionele bachelor: Marketing "
            "Professionele bachelor: Toerisme Master: Bouw")
    found = of_kind(line, "education", section="vdab_fields")
    assert [(r.text, r.level, r.field, r.or_equivalent) for r in found] == [
        ("Of gelijkwaardig door ervaring Professionele bachelor: Marketing", "bachelor", "Marketing", True),
        ("Professionele bachelor: Toerisme", "bachelor", "Toerisme", True),
        ("Master: Bouw", "master", "Bouw", True),
    ]
    for r in found:
        assert line[r.start: r.end] == r.text


def test_vdab_single_education_item_has_field():
    [r] = of_kind("Professionele bachelor: Logistiek", "education", section="vdab_fields")
    assert (r.level, r.vks, r.field) == ("bachelor", 6, "Logistiek")


def test_vdab_education_line_with_graad():
    line = ("Of gelijkwaardig door ervaring Beroepssecundair onderwijs - 3de graad: Schilderwerk "
            "Beroepssecundair onderwijs - 3de graad: Bakkerij")
    found = of_kind(line, "education", section="vdab_fields")
    assert [(r.text, r.level, r.field) for r in found] == [
        ("Of gelijkwaardig door ervaring Beroepssecundair onderwijs - 3de graad: Schilderwerk", "bso",
         "Schilderwerk"),
        ("Beroepssecundair onderwijs - 3de graad: Bakkerij", "bso", "Bakkerij"),
    ]


@pytest.mark.parametrize("text", ["Je hebt een diploma secundair onderwijs", "Je hebt een diploma hoger secundair onderwijs",
                                  "Geen diploma vereist"])
def test_education_no_field_from_level_words(text):
    assert [r.field for r in of_kind(text, "education")] == [None]


# --------------------------------------------------------------------------------------------------------------
# Languages
# --------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("Perfect tweetalig NL/FR", [("nl", "C2"), ("fr", "C2")]),
    ("Je bent perfect tweetalig Nederlands/Frans", [("nl", "C2"), ("fr", "C2")]),
    ("Tweetalig NL/FR is een must", [("nl", None), ("fr", None)]),
    ("Nederlands (Zeer goed)", [("nl", "C1")]),
    ("Engels (Goed)", [("en", "B2")]),
    ("Duits (Medium)", [("de", "B1")]),
    ("Frans (Basis)", [("fr", "A2")]),
    ("Nederlands (Starter)", [("nl", "A1")]),
    ("Je spreekt vloeiend Nederlands", [("nl", "C1")]),
    ("Je spreekt vloeiend Nederlands en Frans", [("nl", "C1"), ("fr", "C1")]),
    ("Je spreekt vloeiend Nederlands, Frans en Engels", [("nl", "C1"), ("fr", "C1"), ("en", "C1")]),
    ("Je spreekt en schrijft perfect Nederlands en Frans", [("nl", "C2"), ("fr", "C2")]),
    ("Goede kennis van het Engels", [("en", "B2")]),
    ("Perfecte kennis van het Nederlands", [("nl", "C2")]),
    ("Je beheerst het Nederlands op B2-niveau", [("nl", "B2")]),
    ("Je hebt een basiskennis Frans", [("fr", "A2")]),
    ("Kennis van het Duits is een pluspunt", [("de", None)]),
    ("Je spreekt Nederlands", [("nl", None)]),
])
def test_languages(text, expected):
    found = of_kind(text, "language")
    assert sorted((r.language, r.cefr) for r in found) == sorted(expected)


def test_vdab_talenkennis_line():
    line = "Engels (Goed) Nederlands (Zeer goed) Frans (Basis)"
    found = of_kind(line, "language", section="vdab_fields")
    assert [(r.text, r.language, r.cefr) for r in found] == [
        ("Engels (Goed)", "en", "B2"), ("Nederlands (Zeer goed)", "nl", "C1"), ("Frans (Basis)", "fr", "A2")]
    for r in found:
        assert line[r.start: r.end] == r.text


@pytest.mark.parametrize("text", ["Wij bedienen Franse klanten", "Nederlandse markt en Franse klanten",
                                  "Je werkt voor de Nederlandse vestiging"])
def test_language_name_without_demand(text):
    assert of_kind(text, "language") == []


# --------------------------------------------------------------------------------------------------------------
# Criteria and clauses
# --------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,category", [
    ("Je bent tussen 20 en 30 jaar", "age"),
    ("Wij zoeken een jonge medewerker", "age"),
    ("Moedertaal Nederlands", "origin_language"),
    ("Verzorgd voorkomen", "appearance"),
])
def test_criteria(text, category):
    assert [r.category for r in of_kind(text, "criterion")] == [category]


@pytest.mark.parametrize("text", ["Wij bieden gelijke kansen, ongeacht leeftijd",
                                  "Iedereen kan solliciteren, ongeacht leeftijd of gender."])
def test_equal_opportunity_is_no_criterion(text):
    assert of_kind(text, "criterion") == []


@pytest.mark.parametrize("text", ["Wij zoeken een jonge, enthousiaste collega", "Je komt in een jong en hecht team",
                                  "Je bent een starter", "Starters krijgen voorrang",
                                  "Deze functie is bedoeld voor starters", "Wij zoeken een junior kandidaat"])
def test_age_cues_about_the_person_or_team(text):
    """annotation.md: "jong(e)" describing the wanted person or team; domain.md R7: a vacancy aimed at starters."""
    assert [r.category for r in of_kind(text, "criterion")] == ["age"]


@pytest.mark.parametrize("text", ["Je komt terecht in een jong bedrijf", "Een jong, groeiend bedrijf",
                                  "Wij zoeken een junior accountant", "Je werkt met kinderen, jongeren en volwassenen",
                                  "Je komt in een jong bedrijf met een fijn team"])
def test_young_company_or_junior_job_is_no_age_cue(text):
    """FLAG_REVIEW.md: "jong" describing the company is no flag; domain.md: "junior-" describes the job."""
    assert of_kind(text, "criterion") == []


def test_clauses_are_trimmed_and_ordered():
    text = "Profiel\n- Je spreekt vloeiend Nederlands.\n- Rijbewijs B is nodig. Je bent flexibel.\n"
    spans = rules.clauses(text)
    assert [text[s:e] for s, e in spans] == ["Profiel", "Je spreekt vloeiend Nederlands.", "Rijbewijs B is nodig.",
                                             "Je bent flexibel."]
    assert spans == sorted(spans)


def test_candidates_offsets_match_text():
    text = ("Profiel\n- Je hebt minstens 3 jaar ervaring als chauffeur.\n- Rijbewijs C + code 95.\n"
            "- Je spreekt vloeiend Nederlands en hebt een basiskennis Frans.\n- Je hebt een diploma TSO.")
    found = cands(text)
    assert {c.req.kind for c in found} == {"experience", "licence", "language", "education"}
    for c in found:
        assert text[c.req.start: c.req.end] == c.req.text
        assert c.clause[0] <= c.anchor[0] < c.anchor[1] <= c.clause[1]
        assert c.req.section == "profile"


def test_heading_clause_is_skipped():
    text = "Werkervaring\nMinstens 2 jaar ervaring"
    with_heading = rules.candidates(text, lambda pos: "vdab_fields", headings={"werkervaring"})
    assert [c.req.text for c in with_heading] == ["Minstens 2 jaar ervaring"]
    assert with_heading[0].req.min_years == 2


@pytest.mark.parametrize("text, tokens", [
    ("Je hebt  een B-rijbewijs.\n\nVlot Frans", [("Je", " "), ("hebt", " "), (" ", ""), ("een", " "), ("B-rijbewijs", ""),
                                                 (".", ""), ("\n\n", ""), ("Vlot", " "), ("Frans", "")]),
    ("  start", [("  ", ""), ("start", "")]),
    ("a \n b", [("a", " "), ("\n ", ""), ("b", "")]),
    ("", []),
])
def test_vacancy_tokenizer_keeps_spacys_contract(text, tokens):
    """One space after a token is its whitespace_, any other whitespace a token; doc.text is the input."""
    import spacy

    from vacscreen.extract.tokenizer import VacancyTokenizer

    doc = VacancyTokenizer(spacy.blank("nl").vocab)(text)
    assert [(t.text, t.whitespace_) for t in doc] == tokens and doc.text == text


def test_triggers_keep_case_sensitive_and_insensitive_patterns_apart():
    """A pattern runs only when one of its literal triggers occurs; a case-sensitive trigger must occur as written."""
    import re

    from vacscreen.extract.matcher import Matches

    items = [("ci", re.compile(r"rijbewijs\s+[bc]\b", re.I)), ("cs", re.compile(r"VCA-attest|VCA\s+basis"))]
    text = "Je hebt een Rijbewijs B en een vca basis attest."
    found = [(v, m.group(0)) for v, m, *_ in Matches(items, text, text.lower()).in_clause(0, len(text))]
    assert found == [("ci", "rijbewijs b")]
    text = "Je hebt een VCA basis attest."
    assert [v for v, *_ in Matches(items, text, text.lower()).in_clause(0, len(text))] == ["cs"]


def test_a_leading_lookahead_written_for_speed_changes_no_match():
    """Two patterns open with a hand-written lookahead of their possible first characters, only so that re can skip
    ahead. If a later edit adds an alternative that starts with another character, the lookahead would silently
    drop its matches: compare with the pattern without the lookahead on every train and dev text."""
    import re

    import realdata

    from vacscreen import gold
    from vacscreen.extract.patterns import load_patterns

    realdata.require()
    p = load_patterns()
    public = next(rx for level, rx in p.education if level == "public_sector")
    texts = [r["text"] for split in ("train", "dev") for r in gold.load(split)]
    assert len(texts) > 400
    for rx, hay in ((p.clause_break, texts), (public, [t.lower() for t in texts])):
        head = re.match(r"\(\?=\[[^\]]+\]\)", rx.pattern)
        assert head, f"no leading lookahead any more: drop this check for {rx.pattern[:40]}"
        plain = re.compile(rx.pattern[head.end():], rx.flags)
        for t in hay:
            assert [m.span() for m in rx.finditer(t)] == [m.span() for m in plain.finditer(t)], t[:80]


@pytest.mark.parametrize("pattern, text, pos", [
    (r"rijbewijs\W{1,3}(?:is\s+)?niet\s+nodig|\bplus\b", "Een RIJBEWIJS: niet nodig, wel een Plus.", 0),
    (r"mooi\s+meegenomen|\bpr[ée]\b", "Kennis van SAP is een PRÉ, Excel mooi Meegenomen", 4),
    (r"[A-Z]\S+\s+vereist", "Diploma VEREIST; İstanbul-ervaring Vereist", 0),  # İ changes length: the slow route
])
def test_case_insensitive_patterns_run_lower_cased_with_the_same_matches(pattern, text, pos):
    """spans_ci runs an IGNORECASE pattern lower-cased without the flag (faster) and must give the same spans;
    escapes such as \\W keep their meaning."""
    import re

    from vacscreen.extract.matcher import lowered, search_ci, spans_ci

    rx = re.compile(pattern, re.IGNORECASE)
    assert spans_ci(rx, text, pos) == [m.span() for m in rx.finditer(text, pos)]
    assert search_ci(rx, text) == bool(rx.search(text))
    assert "\\W" in lowered(re.compile(r"a\W{1,3}B", re.IGNORECASE)).pattern
