"""Extraction of the categories other publishers word differently (issue 17): diplomas named by programme or
qualification, public-sector level codes, routes ("ofwel ... ofwel ..."), certificates and registrations of
regulated work, NL wording; and the non-criteria that are no criteria. Every sentence is written for these tests
(none is taken from a vacancy of the corpus)."""
from __future__ import annotations

import pytest

from vacscreen import screen


def reqs(body: str, title: str = "Medewerker", kind: str | None = None) -> list:
    out = screen(f"{title}\nProfiel\n{body}\n", link_occupation=False).requirements
    return [r for r in out if kind is None or r.kind == kind]


def levels(body: str, **kw) -> list[str]:
    return [r.level for r in reqs(body, kind="education", **kw)]


@pytest.mark.parametrize("body, level", [
    ("- Je hebt een bachelor in de verpleegkunde.", "bachelor"),
    ("- Je behaalde het diploma HBO5 verpleegkunde.", "graduaat"),
    ("- Je bent gegradueerde verpleegkunde.", "graduaat"),
    ("- Je hebt een diploma kinderbegeleider.", "secundair"),
    ("- Een afgeronde opleiding op mbo niveau 3, bijvoorbeeld pedagogisch werk.", "mbo3"),
    ("- Je hebt een afgeronde hbo-/wo-opleiding in informatica.", "bachelor"),
    ("- Een BSc of MSc in wiskunde of een verwante richting.", "bachelor"),
    ("- Niveau: HBO / WO", "bachelor"),
    ("- Je werkt op hbo werk- en denkniveau.", "bachelor"),
    ("- Je hebt minstens een diploma van het 7de jaar BSO.", "secundair"),
])
def test_diplomas_named_by_programme_get_their_level(body, level):
    assert level in levels(body), levels(body)


@pytest.mark.parametrize("body, level, crebo", [
    ("- Je bent Mbo-Verpleegkundige.", "mbo4", True),
    ("- Je hebt een diploma mbo-V.", "mbo4", True),
    ("- Je bent mbo verpleegkundige.", "mbo4", True),
    ("- Je hebt een diploma mbo-3 Pedagogisch werk.", "mbo3", False),  # a dossier, not a qualification name
])
def test_nl_qualifications_named_by_their_own_mbo_name(body, level, crebo):
    found = [r for r in reqs(body, kind="education") if r.level == level]
    assert found and any(bool(r.entry and "crebo" in r.entry) == crebo for r in found), found


@pytest.mark.parametrize("body", [
    "- Een diploma graduaat verpleegkunde komt niet in aanmerking voor deze functie.",
    "- Een diploma secundair onderwijs volstaat voor deze functie niet.",
    "- Je werkt als leerkracht lager onderwijs in het derde leerjaar.",
    "- Ervaring in het lager onderwijs is mooi meegenomen.",
    "- Je wordt ingeschaald in salarisschaal C1-C3.",
    "- Inschaling in FWG 45 (mbo-V).",
    "- Je geeft les in Atheneum Beekdal en in de secundaire school De Linde.",
])
def test_refused_diplomas_school_levels_pay_scales_and_school_names_are_no_diploma_demand(body):
    assert levels(body) == []


@pytest.mark.parametrize("body, level", [
    ("- Je hebt een diploma lager onderwijs.", "lager"),
    ("- Je hebt een diploma van het atheneum of het vwo.", "vwo"),
    ("- Je hebt een diploma secundair onderwijs.", "secundair"),
])
def test_the_same_levels_as_a_diploma_are_still_demands(body, level):
    assert level in levels(body)


@pytest.mark.parametrize("body", ["- Je hebt een afgeronde hbo-/wo-opleiding in informatica.", "- Niveau: HBO / WO"])
def test_hbo_or_wo_is_one_bachelor_demand(body):
    assert levels(body) == ["bachelor"]


@pytest.mark.parametrize("title, level, required", [
    ("Administratief medewerker burgerzaken (C1-C3)", "secundair", True),
    ("Begeleider buitenschoolse opvang (C1-C2)", "secundair", True),
    ("Deskundige personeelsdienst (B1-B3)", "bachelor", True),
    ("Diensthoofd financiën (A1a-A3a)", "master", True),
    ("Technisch assistent groendienst (D1-D3)", "none", False),
    ("Schoonmaker sporthal (E1-E3)", "none", False),
])
def test_public_sector_level_codes_are_the_posts_diploma_condition(title, level, required):
    edu = [r for r in screen(f"Gemeente Oostervliet zoekt een {title}.\nProfiel\n- Je werkt graag in team.\n",
                             link_occupation=False, use_model=False).requirements if r.kind == "education"]
    assert [(r.level, r.required) for r in edu] == [(level, required)]


@pytest.mark.parametrize("body", ["- Je spreekt Nederlands op niveau C1-C2.", "- Nederlands (C1-C2)",
                                  "- Engels op niveau B1-B2 is voldoende."])
def test_a_cefr_range_is_no_level_code(body):
    assert levels(body) == []


@pytest.mark.parametrize("body, langs", [
    ("- Je bent communicatief zeer sterk in het Nederlands.", {"nl"}),
    ("- Sterke communicatieve vaardigheden in het Nederlands en het Engels.", {"nl", "en"}),
    ("- Communicatief sterk (NL/FR).", {"nl", "fr"}),
])
def test_communication_strength_is_no_language_level(body, langs):
    found = [r for r in reqs(body) if r.kind == "language"]
    assert {r.language for r in found} == langs and all(r.cefr is None for r in found), found


@pytest.mark.parametrize("body, langs", [
    ("- Talen: N/F, vlot.", {"nl", "fr"}),
    ("- Talen: NL, FR en EN op een goed niveau.", {"nl", "fr", "en"}),
    ("- Talen: NL. Kennis van SAP FRx is een plus.", {"nl"}),  # "FR" inside a word is no language
])
def test_language_codes_are_read_as_words(body, langs):
    assert {r.language for r in reqs(body, kind="language")} == langs


@pytest.mark.parametrize("body, lang, cefr", [
    ("- Je spreekt Nederlands op minimaal niveau 3F.", "nl", "B2"),
    ("- Mondeling Nederlands op niveau 2F is genoeg.", "nl", "B1"),
    ("- Nederlands is je moedertaal.", "nl", "C2"),
    ("- Je Engels is vloeiend.", "en", "C1"),
    ("- Je voldoet aan de taalwetgeving in bestuurszaken.", "nl", None),
    ("- Je voldoet aan de taalkennisvereisten van de gecoördineerde taalwetten.", "nl", None),
    ("- Je verstaat Nederlands.", "nl", None),
])
def test_nl_reference_levels_levels_after_the_language_and_the_language_laws(body, lang, cefr):
    found = [(r.language, r.cefr) for r in reqs(body, kind="language")]
    assert (lang, cefr) in found, found


def test_a_level_before_the_number_of_languages_is_each_ones():
    found = reqs("- Je bent perfect drietalig: Nederlands, Frans en Engels.", kind="language")
    assert sorted((r.language, r.cefr) for r in found) == [("en", "C2"), ("fr", "C2"), ("nl", "C2")]


def test_a_language_that_is_fine_to_have_is_nice_to_have():
    found = reqs("- Duits of Engels is fijn.", kind="language")
    assert {r.language for r in found} == {"de", "en"} and not any(r.required for r in found)


def test_strength_in_a_language_is_still_a_level():
    assert [r.cefr for r in reqs("- Je bent sterk in het Frans.") if r.kind == "language"] == ["B2"]


def test_routes_share_a_group_and_partial_bachelor_credits_are_no_bachelor():
    body = ("- Je hebt ofwel een diploma van het 7de jaar Thuis- en bejaardenzorg, ofwel een certificaat zorgkundige "
            "van een centrum voor volwassenenonderwijs, ofwel een attest dat je 60 studiepunten van een bachelor "
            "verpleegkunde behaalde.")
    edu = reqs(body, title="Zorgkundige", kind="education")
    assert len(edu) == 3 and {r.level for r in edu} == {"secundair"}
    assert len({r.route_group for r in edu}) == 1 and edu[0].route_group
    assert all(r.text.startswith("ofwel") for r in edu)  # each route has its own span
    assert all("route_group" in r.to_dict() for r in edu)


def test_language_proof_routes_are_a_language_demand_and_no_origin_criterion():
    body = "- Je bewijst je kennis van het Nederlands: ofwel met een Nederlandstalig diploma, ofwel met een taalattest."
    found = reqs(body, title="Leraar")
    langs = [r for r in found if r.kind == "language"]
    # the language certificate is a route of the language demand (annotation.md "Routes"; issue 17)
    assert len(langs) == 2 and {r.language for r in langs} == {"nl"}, found
    assert langs[0].route_group and langs[0].route_group == langs[1].route_group
    assert not [r for r in found if r.kind in ("criterion", "certificate")]


@pytest.mark.parametrize("body, name", [
    ("- Je hebt een VCA-attest (basis) of je bent bereid het te behalen; wij betalen het examen.", "VCA basis"),
    ("- Een heftruckattest, of je haalt het in de eerste maand bij ons.", "heftruckattest"),
    ("- BA4 (of bereid om dit tijdens je inwerkperiode te behalen)", "BA4"),
    ("- Je hebt een EHBO-attest of de bereidheid om het bij ons te halen.", "EHBO"),
])
def test_have_it_or_obtain_it_are_two_routes_of_one_certificate(body, name):
    found = reqs(body, title="Magazijnmedewerker", kind="certificate")
    assert [(r.name, r.required) for r in found] == [(name, True), (name, False)], found
    assert found[0].route_group and found[0].route_group == found[1].route_group
    assert found[0].end <= found[1].start and found[1].text.startswith("of")


def test_an_obtainable_certificate_is_no_unneeded_certificate_flag():
    res = screen("Magazijnmedewerker\nProfiel\n- Je hebt een heftruckattest, of je haalt het bij ons.\n"
                 "- Je werkt graag in team.\n", use_model=False)
    assert any(r.route_group for r in res.requirements)
    assert not [f for f in res.flags if f.kind == "certificate_unneeded"], res.flags


def test_a_certificate_without_a_second_route_has_no_route_group():
    found = reqs("- Je hebt een VCA-attest en een rijbewijs B.", kind="certificate")
    assert found and all(r.route_group is None for r in found)


def test_a_single_ofwel_is_no_route_group():
    assert all(r.route_group is None for r in reqs("- Je hebt ofwel ervaring in de zorg.\n- Rijbewijs B."))


@pytest.mark.parametrize("body, name", [
    ("- Je bezorgt een uittreksel uit het strafregister (model 2).", "uittreksel strafregister"),
    ("- Een recent uittreksel uit het centraal strafregister, model 596.2, is verplicht.", "uittreksel strafregister"),
    ("- Je bezorgt een gedragsattest bij indiensttreding.", "uittreksel strafregister"),
    ("- Je hebt een visum van de FOD Volksgezondheid.", "visum"),
    ("- Je bent geregistreerd als zorgkundige.", "registratie zorgkundige"),
    ("- Je beschikt over een kwalificatiebewijs voor de kinderopvang.", "kwalificatiebewijs kinderopvang"),
    ("- Je hebt een bekwaamheidsbewijs voor het lager onderwijs.", "bekwaamheidsbewijs"),
    ("- Met een buitenlands diploma vraag je een gelijkwaardigheidsattest aan bij NARIC.", "NARIC-gelijkwaardigheid"),
    ("- Je legt een medisch attest voor.", "medisch attest"),
    ("- Je kunt een Verklaring Omtrent het Gedrag (VOG) overleggen.", "VOG"),
    ("- Je hebt een geldige BIG-registratie als verpleegkundige.", "BIG-registratie"),
    ("- Je hebt een geldige identificatiekaart van de FOD Binnenlandse Zaken.", "identificatiekaart bewakingsagent"),
    ("- Je slaagt voor de psychotechnische proeven.", "psychotechnisch onderzoek"),
    ("- Je volgt vooraf de module Kennismaken met de gezinsopvang.", "module Kennismaken met de gezinsopvang"),
    ("- Je bent als accountant ingeschreven bij het ITAA.", "ITAA-erkenning"),
    ("- Je hebt een BIV-erkenning als vastgoedmakelaar.", "BIV-erkenning"),
    ("- Je hebt een certificaat eerste hulp aan kinderen.", "EHBO kinderen"),
    ("- Je bent SKJ-geregistreerd of bereid je te registreren.", "SKJ-registratie"),
    ("- Je hebt een bewijs van pedagogische bekwaamheid.", "bewijs van pedagogische bekwaamheid"),
    ("- Een pedagogisch getuigschrift behaal je eventueel later.", "bewijs van pedagogische bekwaamheid"),
    ("- Een geldig attest Kinder-EHBO strekt tot aanbeveling.", "EHBO kinderen"),
])
def test_certificates_and_registrations_of_regulated_work(body, name):
    assert name in [r.name for r in reqs(body) if r.kind in ("certificate", "licence")]


@pytest.mark.parametrize("body, name, where", [
    ("- Je bent geregistreerd als zorgkundige.", "registratie zorgkundige", "BE-VL zorgkundige (registration)"),
    ("- Je kunt een Verklaring Omtrent het Gedrag (VOG) overleggen.", "VOG", "(criminal_record)"),
    ("- Je hebt een geldige BIG-registratie als verpleegkundige.", "BIG-registratie", "NL verpleegkundige (registration)"),
    ("- Een blanco uittreksel uit het strafregister (model 2) is vereist.", "uittreksel strafregister",
     "BE-VL kinderbegeleider (criminal_record)"),
    ("- Je beschikt over code 95.", "code 95", "BE chauffeur vrachtwagen (certificate)"),
])
def test_a_certificate_the_law_sets_names_its_legal_rows(body, name, where):
    entries = [r.entry for r in reqs(body) if r.name == name]
    assert entries and entries[0].startswith("legal_requirements.csv: ") and where in entries[0], entries


def test_a_certificate_no_law_sets_has_no_legal_entry():
    assert [r.entry for r in reqs("- Een PRINCE2-certificaat is een pluspunt.") if r.name == "PRINCE2"] == [None]


def test_every_legal_key_of_the_licence_patterns_finds_a_row_of_the_legal_requirements():
    """Per rule: a `legal` regex in patterns/licences.yaml that matches no condition is a broken link."""
    from vacscreen.extract import patterns
    from vacscreen.extract.patterns import load_patterns

    keys = load_patterns().licence_legal
    assert len(keys) >= 15
    for name in keys:
        assert patterns.legal_entry(name), name


@pytest.mark.parametrize("body", [
    "- Stuur je kandidatuur uiterlijk op 15 maart naar de personeelsdienst.",
    "- Je bezorgt je diploma uiterlijk op de dag van je indiensttreding.",
])
def test_a_deadline_is_no_appearance_criterion(body):
    assert not [r for r in reqs(body) if r.kind == "criterion"]


@pytest.mark.parametrize("body", ["- Schoolverlaters zijn van harte welkom.",
                                  "- Pas afgestudeerde kandidaten krijgen een mentor die hen inwerkt.",
                                  "- Wie geen Nederlandstalig diploma heeft, legt een taalattest voor.",
                                  "- Ons woonzorgcentrum is een Nederlandstalige voorziening in Brussel."])
def test_welcomes_and_dutch_language_diplomas_are_no_criteria(body):
    assert not [r for r in reqs(body) if r.kind == "criterion"], body


@pytest.mark.parametrize("body, category", [("- Je bent maximaal 30 jaar.", "age"),
                                            ("- Nederlands is je moedertaal.", "origin_language"),
                                            ("- Een verzorgd uiterlijk is belangrijk.", "appearance")])
def test_real_criteria_are_still_found(body, category):
    assert category in [r.category for r in reqs(body) if r.kind == "criterion"]


def test_a_sentence_glued_to_the_next_one_is_split():
    found = reqs("- Je werkt in een groeiend team.Wat wij vragen: een afgeronde hbo-opleiding.", kind="education")
    assert [r.level for r in found] == ["bachelor"] and found[0].text.startswith("Wat wij vragen")


def test_nl_qualifications_come_from_the_mbo_list_and_name_their_entry():
    [r] = reqs("- Je hebt een afgerond diploma Verzorgende IG.", kind="education")
    assert r.level == "mbo3" and r.entry.startswith("mbo_kwalificaties_2015.csv: crebo") and "Verzorgende IG" in r.entry
    assert r.to_dict()["entry"] == r.entry
    [r] = reqs("- Een afgeronde opleiding tot Pedagogisch medewerker kinderopvang.", kind="education")
    assert r.level == "mbo3" and "niveau 3" in r.entry


def test_a_qualification_name_alone_is_no_diploma_demand():
    assert reqs("- Je werkt als kok en helpt de verzorgende collega's.", kind="education") == []


def test_a_flemish_care_diploma_is_secondary_level():
    assert levels("- Je hebt een diploma verzorgende of zorgkundige.") == ["secundair"]


def test_a_public_sector_code_names_its_level_row():
    edu = [r for r in screen("Stad Oostervliet zoekt een medewerker burgerzaken (C1-C3).\nProfiel\n- Je bent klantvriendelijk.\n",
                             link_occupation=False, use_model=False).requirements if r.kind == "education"]
    assert edu and edu[0].entry.startswith("public_sector_levels.csv: niveau C")


@pytest.mark.parametrize("text", [
    "Aanbod\n- Een salaris afhankelijk van je kennis en ervaring.\n",
    "Over ons\nNaast de IT-afdeling hebben we een Customer Experience team.\n",
    "Profiel\n- Je werkt nauw samen met ervaren ontwikkelaars.\n",
    "Over ons\nWil je weten hoe je toekomstige collega's hun werk ervaren?\n",
    "Over ons\nOnze engineers wisselen ervaringen met elkaar uit.\n",
])
def test_pay_products_colleagues_and_the_verb_are_no_experience_demand(text):
    found = screen(f"Medewerker\n{text}", link_occupation=False, use_model=False).requirements
    assert not [r for r in found if r.kind == "experience"], found


@pytest.mark.parametrize("body", ["- Wij zoeken een ervaren data-engineer.", "- Je hebt ervaring met user experience design.",
                                  "- Met jouw jarenlange ervaring in de logistiek stuur je het team.",
                                  "- Je hebt drie jaar ervaring in de klantendienst."])
def test_experience_of_the_candidate_is_still_found(body):
    assert reqs(body, kind="experience")


@pytest.mark.parametrize("body, category", [
    ("- Je bent medisch geschikt voor de functie.", "health"),
    ("- Je hebt een goede conditie, want het werk is zwaar.", "health"),
    ("- Je kunt tegen een stootje.", "health"),
    ("- Je bent minimaal 21 jaar.", "age"),
    ("- Je bent meerderjarig.", "age"),
    ("- Voor de late diensten moet je 18 jaar of ouder zijn.", "age"),
])
def test_health_and_age_demands_are_criteria(body, category):
    assert category in [r.category for r in reqs(body, kind="criterion")]


def test_a_medical_certificate_is_a_certificate_and_medical_fitness_a_criterion():
    assert [r.name for r in reqs("- Je legt een medisch attest voor.", kind="certificate")] == ["medisch attest"]
    assert not reqs("- Je bent medisch geschikt voor de functie.", kind="certificate")


@pytest.mark.parametrize("body, expected", [
    ("- Je hebt een afgeronde hbo-opleiding Verpleegkunde (bachelor).", ["bachelor"]),
    ("- Je combineert een hogere opleiding (Bachelor of Master) met verkoopervaring.", ["bachelor", "master"]),
    ("- Je hebt een bachelor in de chemie of een bachelor in de biotechnologie.", ["bachelor", "bachelor"]),
])
def test_one_demand_per_level_unless_the_clause_gives_alternatives(body, expected):
    assert sorted(levels(body)) == expected


def test_a_preference_in_brackets_narrows_the_field_not_the_demand():
    # the rule layer's guess (the trained component decides whether the experience route is its own demand)
    found = screen("Medewerker\nProfiel\n- Masterdiploma (bij voorkeur bouwkunde) of gelijkwaardige ervaring.\n",
                   link_occupation=False, use_model=False).requirements
    assert [(r.kind, r.required) for r in found] == [("education", True), ("experience", True)], found
    optional = screen("Medewerker\nProfiel\n- Een masterdiploma is bij voorkeur aanwezig.\n", link_occupation=False,
                      use_model=False).requirements
    assert [(r.kind, r.required) for r in optional] == [("education", False)], optional


@pytest.mark.parametrize("body, optional", [
    ("- Vlotte kennis van Nederlands, Engels en Frans (Spaans is een plus).", {"es"}),
    ("- Duits (een plus) en Engels.", {"de"}),
])
def test_a_nice_to_have_in_brackets_is_the_bracketed_mentions(body, optional):
    found = screen(f"Medewerker\nProfiel\n{body}\n", link_occupation=False, use_model=False).requirements
    assert {r.language for r in found if r.kind == "language" and not r.required} == optional, found


def test_a_clause_starts_at_spreek_after_a_missing_full_stop():
    found = screen("Medewerker\nProfiel\n- Excel kennen, dat is een pluspunt Spreek je vlot Frans? Een must.\n",
                   link_occupation=False, use_model=False).requirements
    assert [(r.language, r.required) for r in found if r.kind == "language"] == [("fr", True)], found


def test_a_legal_certificate_under_how_to_apply_is_still_a_demand():
    text = ("Kinderbegeleider\nProfiel\n- Je werkt graag met kinderen.\n\nAanbod\nEen vast contract.\n\n"
            "Solliciteer voor 1 mei via de website. Een uittreksel uit het strafregister (model 2) vragen we bij je start.\n")
    found = screen(text, link_occupation=False).requirements
    assert [r.name for r in found if r.kind == "certificate"] == ["uittreksel strafregister"], found


@pytest.mark.parametrize("body, names", [
    ("- Je bent in het bezit van rijbewijs B, T en CE.", ["rijbewijs B", "rijbewijs T", "rijbewijs CE"]),
    ("- Rijbewijs B/BE", ["rijbewijs B", "rijbewijs BE"]),
    ("- Rijbewijs B. BE is handig maar geen eis.", ["rijbewijs B", "rijbewijs BE"]),
    ("- Je hebt een rijbewijs B en een T-shirt in je maat.", ["rijbewijs B"]),
])
def test_driving_licence_categories_listed_after_the_first(body, names):
    found = screen(f"Chauffeur\nProfiel\n{body}\n", link_occupation=False, use_model=False).requirements
    assert [r.name for r in found if r.kind == "licence"] == names, found


def test_a_document_without_a_profile_section_marks_its_description_candidates():
    from vacscreen.extract.pipeline import build_nlp, candidate_features, make_doc
    from vacscreen.text import prepare

    nlp = build_nlp(use_model=False)
    for text, marked in (("Data engineer\nWij zoeken een ervaren data-engineer voor ons team.\n", True),
                         ("Data engineer\nWij zoeken een engineer.\nProfiel\n- Je hebt 3 jaar ervaring.\n", False)):
        doc = nlp.get_pipe("vacscreen_rules")(make_doc(nlp, prepare(text)))
        feats = candidate_features(doc._.candidates, text, doc.user_data["clauses"], doc.user_data["has_profile"])
        assert feats and any("no_profile|experience" in f for f in feats) == marked


@pytest.mark.parametrize("body, lang, cefr", [
    ("- Je Nederlands is minstens van niveau B2.", "nl", "B2"),
    ("- Je toont aan dat je Nederlands beheerst op niveau C1 van het ERK.", "nl", "C1"),
    ("- Je spreekt eenvoudig Nederlands.", "nl", "A2"),
    ("- Je begrijpt eenvoudige instructies in het Nederlands.", "nl", None),
])
def test_explicit_levels_after_the_language_and_simple_dutch(body, lang, cefr):
    found = [(r.language, r.cefr) for r in reqs(body, kind="language")]
    assert found == [(lang, cefr)], found


@pytest.mark.parametrize("body, category", [
    ("- Je hebt maximaal drie jaar werkervaring na je studie.", "age"),
    ("- Het traineeship is alleen bedoeld voor recent afgestudeerden.", "age"),
    ("- Je bent een jonge en dynamische collega voor onze winkel.", "age"),
])
def test_more_age_wordings_are_criteria(body, category):
    assert category in [r.category for r in reqs(body, kind="criterion")]


def test_female_job_titles_are_gender_criteria_and_encouragements_no_age():
    found = screen("Verzorgster gezinszorg\nProfiel\n- Je bent zorgzaam.\n", link_occupation=False).requirements
    assert [r.category for r in found if r.kind == "criterion"] == ["gender"]
    assert not reqs("- Ook pas afgestudeerde leerkrachten moedigen we aan om te solliciteren.", kind="criterion")


@pytest.mark.parametrize("body, found", [
    ("- Je werkt samen met de zorgjuf, de kinderverzorgster en de ouders.", False),
    ("- Wij zoeken een poetsvrouw voor twintig uur.", True),
    ("- Wij zoeken de nauwkeurige dame die ons team versterkt.", True),
])
def test_a_gendered_noun_for_a_colleague_is_no_criterion(body, found):
    assert bool([r for r in reqs(body, kind="criterion") if r.category == "gender"]) == found


@pytest.mark.parametrize("body, expected", [
    # each of these went wrong in a first version of this session's rules (found by a review)
    ("- Je hebt een VCA-attest (of bereid dit binnen drie maanden te halen) en rijbewijs B.",
     [("rijbewijs B", True), ("VCA", True), ("VCA", False)]),
    ("- Je hebt rijbewijs B en een VCA-attest, of je haalt het bij ons.",
     [("rijbewijs B", True), ("VCA", True), ("VCA", False)]),
    ("- Rijbewijs B, of je gaat met de fiets naar het werk.", [("rijbewijs B", True)]),
    ("- Rijbewijs B, C1 en C.", [("rijbewijs B", True), ("rijbewijs C", True)]),
])
def test_obtained_routes_belong_to_the_last_licence_before_them(body, expected):
    found = screen(f"Medewerker\nProfiel\n{body}\n", link_occupation=False, use_model=False).requirements
    assert sorted((r.name, r.required) for r in found if r.kind in ("licence", "certificate")) == sorted(expected)


@pytest.mark.parametrize("body, kind, check", [
    ("- Een bachelordiploma volstaat niet, je hebt een masterdiploma nodig.", "education", ["master"]),
    ("- Je hebt ervaring en een bachelor in de zorg.", "education", ["bachelor"]),
    ("- Je werkt samen met een mbo-verpleegkundige.", "education", []),
    ("- Je houdt de machines in goede conditie.", "criterion", []),
    ("- Wij hebben meer dan 100 jaar ervaring in de bouw.", "experience", []),
    ("- Je verleent eerste hulp aan kinderen.", "certificate", []),
])
def test_review_regressions_stay_mended(body, kind, check):
    found = screen(f"Medewerker\nProfiel\n{body}\n", link_occupation=False, use_model=False).requirements
    values = [r.level if kind == "education" else r.kind for r in found if r.kind == kind]
    assert values == check, found


@pytest.mark.parametrize("body, required", [
    ("- Kennis van een tweede taal (bij voorkeur Frans of Duits).", {"fr": False, "de": False}),
    ("- Engels (Is een troef).", {"en": False}),
])
def test_a_cue_in_brackets_still_applies_to_the_bracketed_or_preceding_language(body, required):
    found = screen(f"Medewerker\nProfiel\n{body}\n", link_occupation=False, use_model=False).requirements
    assert {r.language: r.required for r in found if r.kind == "language"} == required


@pytest.mark.parametrize("body", ["- Ben jij de verkoopster die we zoeken?", "- Word jij onze kapster?"])
def test_a_gendered_noun_for_the_person_wanted_stays_a_criterion(body):
    assert [r.category for r in reqs(body, kind="criterion")] == ["gender"]


def test_the_certificate_of_a_language_proof_route_keeps_its_own_language():
    body = "- Je bewijst je kennis van het Frans: ofwel met een diploma, ofwel met een taalattest Frans op B2."
    found = screen(f"Leraar\nProfiel\n{body}\n", link_occupation=False, use_model=False).requirements
    assert [(r.language, r.cefr) for r in found if r.kind == "language"] == [("fr", None), ("fr", "B2")]


def test_one_demand_per_level_keeps_the_entry_of_either_mention():
    found = reqs("- Een mbo niveau 4 diploma Mbo-Verpleegkundige.", kind="education")
    assert [r.level for r in found] == ["mbo4"] and found[0].entry and "crebo" in found[0].entry, found



def test_out_of_fold_errors_are_listed_with_counts():
    from vacscreen import corpus
    from vacscreen.extract.train import format_cv_errors

    kinds = ("education", "language")
    score = {"strict": {k: {"tp": 3, "fp": 1, "fn": 2} for k in kinds}}
    wrong = [("syn-x", "team", [{"kind": "education", "text": "Een bachelor is vereist.", "level": "bachelor",
                                 "required": True}], [{"kind": "language", "text": "Frans", "language": "fr"}])]
    out = format_cv_errors(wrong, {g: score for g in ("all",) + corpus.GROUPS}, kinds).splitlines()
    assert out[0].startswith("FP syn-x [") and "'level': 'bachelor'" in out[0]
    assert out[1].startswith("FN syn-x [") and "'language': 'fr'" in out[1]
    assert out[-1].endswith("education 3/1/2, language 3/1/2")


def test_the_hospitality_certificate_and_its_issuer_are_one_certificate():
    names = [r.name for r in reqs("- Je bezit de Verklaring Sociale Hygiëne (SVH).") if r.kind == "certificate"]
    assert names == ["Sociale Hygiëne"]


def test_every_canonical_certificate_name_is_a_name_the_extractor_gives():
    """Per row of data/certificate_names.csv: the canonical side is a pattern name of licences.yaml, and an alias
    is not itself a pattern name (else two names would stand for one document)."""
    import csv
    from pathlib import Path

    from vacscreen.extract.patterns import load_patterns

    given = {name for name, _, _ in load_patterns().licences}
    rows = list(csv.DictReader(open(Path(__file__).parents[1] / "vacscreen/data/certificate_names.csv", encoding="utf-8")))
    assert len(rows) >= 10
    for row in rows:
        assert row["canonical"] in given, row
        assert row["alias"] not in given, row


def test_inside_brackets_a_language_keeps_the_level_written_after_it():
    """A level word before the brackets ("Sterk in overleg (...)") is not the level of the languages inside them
    when each one is followed by its own."""
    got = {r.language: r.cefr for r in reqs("- Sterk in overleg (FR vloeiend, DE goed)", kind="language")}
    assert got == {"fr": "C1", "de": "B2"}


@pytest.mark.parametrize("body", ["- Je rondde een universitaire studie af.", "- Je denkt en werkt op academisch niveau."])
def test_university_and_academic_level_wording_is_a_master_demand(body):
    assert levels(body) == ["master"]


def test_a_track_record_of_the_candidate_is_experience_one_of_the_employer_is_not():
    assert [r.kind for r in reqs("- Je kunt een overtuigend trackrecord in verkoop voorleggen.")] == ["experience"]
    assert reqs("- Onze firma heeft een lang track record in renovatie.", kind="experience") == []


@pytest.mark.parametrize("body, name, required", [
    ("- Het certificaat Google Cloud Professional Data Engineer is een pluspunt.", "Google Cloud Professional Data Engineer", False),
    ("- Je bent Kubernetes CKAD gecertificeerd.", "Kubernetes CKAD", True),
    ("- Een Red Hat-certificaat RHCSA is een vereiste.", "Red Hat RHCSA", True),
    ("- Microsoft Certified: Azure Fundamentals (AZ-900) strekt tot aanbeveling.", "Microsoft Certified: Azure Fundamentals (AZ-900)", False),
    ("- CCIE Security is mooi meegenomen.", "CCIE Security", False),
    ("- Een PRINCE2 Foundation-certificaat is een must.", "PRINCE2 Foundation", True),
    ("- Een Snowflake-certificering (SnowPro Core) is een plus.", "Snowflake SnowPro Core", False),
])
def test_certifications_named_by_their_title(body, name, required):
    got = [(r.name, r.required) for r in reqs(body, kind="certificate")]
    assert got == [(name, required)]


@pytest.mark.parametrize("body", ["- Je werkt met SAP, Salesforce en Microsoft Dynamics 365.",
                                  "- Kennis van SAFe en Scrum is handig.",
                                  "- Een certificaat is niet nodig: we leren je alles.",
                                  "- Je hebt een getuigschrift van het 6de jaar secundair onderwijs."])
def test_tools_methods_and_numbers_are_no_titled_certificates(body):
    assert reqs(body, kind="certificate") == []


@pytest.mark.parametrize("body", ["- Een rijbewijs C is niet nodig: je werkt enkel op het terrein.",
                                  "- Heftruckattest: heb je dat nog niet, dan regelen wij de cursus."])
def test_a_licence_said_not_needed_or_paid_by_the_employer_is_no_demand(body):
    found = reqs(body, kind="licence") + reqs(body, kind="certificate")
    assert not [r for r in found if r.required], found


def test_a_listed_certificate_with_its_code_in_brackets_keeps_its_listed_name():
    assert {r.name for r in reqs("- Je hebt een VCA Basis-certificaat (B-VCA).", kind="certificate")} == {"VCA basis"}


@pytest.mark.parametrize("body, found", [
    ("- Onze adviseurs hebben ook jarenlange ervaring in de bouw.", False),
    ("- Heeft u ervaring in de bouw? Reageer dan.", True),
])
def test_the_experience_others_have_is_no_demand_but_a_formal_question_is(body, found):
    assert bool(reqs(body, kind="experience")) is found


def test_years_with_a_tool_are_an_experience_candidate():
    """The rule layer's candidate (the trained component decides whether a clause without the word "ervaring" is a
    demand, and in the shipped model drops this one)."""
    def rules(body):
        return [r.min_years for r in screen(f"Medewerker\nProfiel\n{body}\n", link_occupation=False,
                                            use_model=False).requirements if r.kind == "experience"]
    assert rules("- Je werkt al minstens drie jaar met Rust.") == [3]
    assert rules("- Je krijgt een contract van twee jaar met uitzicht op vast.") == []


@pytest.mark.parametrize("body, name", [
    ("- AWS Certified Data Engineer – Associate is vereist.", "AWS Certified Data Engineer – Associate"),
    ("- Het certificaat Oracle Certified Associate: Java SE 11 (1Z0-815) is een pluspunt.",
     "Oracle Certified Associate: Java SE 11 (1Z0-815)"),
])
def test_a_certification_title_with_a_dash_or_colon_is_one_name(body, name):
    assert [r.name for r in reqs(body, kind="certificate")] == [name]


def test_shutting_out_the_more_experienced_is_an_age_criterion():
    got = reqs("- Wie meer dan drie jaar werkervaring heeft, komt niet in aanmerking.", kind="criterion")
    assert [r.category for r in got] == ["age"]


def test_a_desirable_licence_is_nice_to_have():
    assert [r.required for r in reqs("- Een rijbewijs B is wenselijk.", kind="licence")] == [False]


@pytest.mark.parametrize("body, lang, cefr", [
    ("- Je begrijpt een beetje Spaans.", "es", "A2"),
    ("- Je kunt je in het Duits redden.", "de", "A2"),
    ("- Je kan je plan trekken in het Frans.", "fr", "A2"),
    ("- Je schrijft Engels op een goed niveau.", "en", "B2"),
    ("- Talen: Duits – vloeiend", "de", "C1"),
])
def test_plain_wordings_of_a_level(body, lang, cefr):
    assert [(r.language, r.cefr) for r in reqs(body, kind="language")] == [(lang, cefr)]


def test_a_level_word_after_another_language_stays_with_the_language_it_precedes():
    got = {r.language: r.cefr for r in reqs("- Naast Nederlands een degelijke kennis van het Duits.", kind="language")}
    assert got == {"nl": None, "de": "B2"}


@pytest.mark.parametrize("body, required", [
    ("- Heb je een VCA-attest? Een pluspunt.", False),
    ("- Heb je een VCA-attest? Dan kan je meteen de werf op.", True),
])
def test_a_nice_to_have_answer_after_a_question_makes_it_optional(body, required):
    assert [r.required for r in reqs(body, kind="certificate")] == [required]


@pytest.mark.parametrize("body, names", [
    ("- Rijbewijs C - VCA-certificaat", {"rijbewijs C", "VCA"}),                   # list items, a licence stays
    ("- Je hebt een ISTQB-certificaat\nJouw Team\n", {"ISTQB"}),                      # a heading is no title
    ("- Het certificaat Google Cloud Digital Leader.", {"Google Cloud Digital Leader"}),  # no full stop in the name
    ("- Wij zijn ISO 14001 gecertificeerd.", set()),                                 # the employer's
    ("- Als Microsoft Gold Certified Partner zoeken wij versterking.", set()),       # a company
    ("- Je werkt bij Certified Lift Services BV.", set()),
    ("- Ervaring met Kubernetes en OCP is vereist.", set()),                         # OCP names a tool here
])
def test_certificate_titles_stay_within_their_item_and_belong_to_the_candidate(body, names):
    assert {r.name for r in reqs(body) if r.kind in ("licence", "certificate")} == names


@pytest.mark.parametrize("body, cefr", [("- Je kan je goed redden in het Frans.", "B2"),
                                        ("- Je bent een beetje eigenwijs en spreekt Frans als moedertaal.", "C2")])
def test_a_plain_level_word_does_not_override_a_stronger_one(body, cefr):
    assert [r.cefr for r in reqs(body, kind="language")] == [cefr]


@pytest.mark.parametrize("body", ["- U heeft ervaring in de zorg.", "- De ideale kandidaat heeft ervaring met SAP.",
                                  "- Wij hebben iemand nodig met ervaring in de bouw."])
def test_the_candidates_experience_in_the_third_person_is_still_a_demand(body):
    assert reqs(body, kind="experience")


@pytest.mark.parametrize("body", ["- Spreek je vloeiend Nederlands? Engels is een troef.",
                                  "- Heb je een rijbewijs C? Dan ben je welkom."])
def test_a_next_sentence_with_its_own_demand_or_welcome_is_no_answer_to_the_question(body):
    assert reqs(body)[0].required


def test_a_long_token_after_a_certificate_word_is_read_in_one_go():
    found = reqs("- Je hebt een VCA-certificaat " + "A" * 20000)
    assert "VCA" in {r.name for r in found}


@pytest.mark.parametrize("body, category", [
    ("- Voor het laadwerk zoeken we stoere mannen.", "gender"),
    ("- Je bent onderdaan van een lidstaat van de Europese Unie.", "nationality"),
    ("- Mail je cv met een recente pasfoto.", "appearance"),
    ("- Je hebt een atletisch postuur.", "appearance"),
])
def test_plural_gender_nouns_member_state_nationality_photos_and_build_are_criteria(body, category):
    assert category in [r.category for r in reqs(body, kind="criterion")]


@pytest.mark.parametrize("body", ["- Je werkt in een team van twaalf mannen en vrouwen.",
                                  "- Onze klanten komen uit elke lidstaat van de Europese Unie.",
                                  "- Je maakt foto's van de werven voor het dossier."])
def test_team_descriptions_customers_and_work_photos_are_no_criteria(body):
    assert reqs(body, kind="criterion") == []


def test_fluently_dutch_speaking_is_a_language_level_not_an_origin():
    got = reqs("- Vlot Nederlandstalig, ook op papier.")
    assert [(r.kind, r.cefr) for r in got] == [("language", "B2")]
    assert "origin_language" in [r.category for r in reqs("- Je bent Nederlandstalig.", kind="criterion")]


def test_a_preferred_domain_is_a_nice_to_have_beside_the_demand_it_narrows():
    """The preference leaves the demand required; the preference itself is never required (whether the trained
    component keeps it as an item of its own follows the gold: tenth session, with writers L and M, it drops it)."""
    got = [(r.text, r.min_years, r.required) for r in
           reqs("- Je hebt twee jaar ervaring als monteur, bij voorkeur in de liftenbouw.", kind="experience")]
    assert got[0][1:] == (2, True)
    assert all(not required for text, _, required in got[1:]) and all("voorkeur" in t for t, _, _ in got[1:])


# Categories met in writer E's set (2026-12-07, seventh session); the sentences are written for these tests.
@pytest.mark.parametrize("body, has_vca", [
    ("- Wij zijn VCA**-gecertificeerd en hebben een eigen wagenpark.", False),
    ("- Ons bedrijf is ISO 9001 en VCA gecertificeerd.", False),
    ("- Je bent VCA-gecertificeerd.", True),
])
def test_a_certificate_the_employer_holds_is_no_demand(body, has_vca):
    assert any(r.name and r.name.startswith("VCA") for r in reqs(body, kind="certificate")) is has_vca


@pytest.mark.parametrize("body", [
    "- Ervaring met een boekhoudpakket (bv. Exact, Twinfield) is mooi meegenomen.",
    "- Ervaring met een CRM-pakket? Dan heb je een streepje voor.",
    "- Kennis van Duits geeft je een streepje voor.",
])
def test_nice_to_have_wording_across_brackets_and_answers(body):
    found = [r for r in reqs(body) if r.kind in ("experience", "language")]
    assert found and not any(r.required for r in found), found


def test_a_licence_not_held_yet_is_not_demanded():
    body = "- Heb je nog geen rijbewijs C? Dan betalen wij je opleiding."
    # the rule layer marks it a nice-to-have; the trained component may also drop the question altogether
    rule = [r for r in screen(f"Medewerker\nProfiel\n{body}\n", link_occupation=False, use_model=False).requirements
            if r.kind == "licence"]
    assert rule and not any(r.required for r in rule)
    assert not any(r.required for r in reqs(body, kind="licence"))
    assert all(r.required for r in reqs("- Heb je een rijbewijs C?", kind="licence"))


@pytest.mark.parametrize("body, level", [
    ("- Je hebt een tweedegraads lesbevoegdheid biologie.", "bachelor"),
    ("- Je bent eerstegraads bevoegd voor wiskunde.", "master"),
])
def test_nl_teaching_qualifications_carry_their_level(body, level):
    assert levels(body) == [level]


def test_the_subject_and_school_level_a_teacher_teaches_are_no_demands():
    found = reqs("- Wij zoeken een docent Engels voor de bovenbouw havo/vwo.")
    assert not [r for r in found if r.kind in ("education", "language")], found


def test_joined_certificate_words_give_both_certificates():
    """Dutch word elision: "heftruck- én reachtruckcertificaat" names two certificates."""
    names = {r.name for r in reqs("- Je hebt een geldig heftruck- én reachtruckcertificaat.", kind="certificate")}
    assert {"heftruckattest", "reachtruckattest"} <= names, names


def test_a_certificate_title_ends_at_the_sentence_end():
    found = reqs("- Je hebt het certificaat Microsoft Certified: Azure Administrator Associate. Heb je er meer? Fijn.",
                 kind="certificate")
    assert [r.name for r in found] == ["Microsoft Certified: Azure Administrator Associate"], found


def test_a_feed_description_without_profile_keeps_a_demand_with_a_must_cue():
    """A job feed's description field has no profile section; its demands stand in questions and running text."""
    text = ("Ben jij een backend developer die graag met data werkt? Heb je minimaal drie jaar werkervaring met Java? "
            "Dan zoeken wij jou voor ons team in Utrecht, waar je werkt aan een platform voor energiebedrijven.")
    found = screen(text, title="Backend developer", link_occupation=False).requirements
    assert [(r.kind, r.min_years, r.required) for r in found] == [("experience", 3, True)]


@pytest.mark.parametrize("body, category", [
    ("- Voor ons poetsbedrijf zoeken wij nette dames die zelfstandig werken.", "gender"),
    ("- Wij zoeken jonge aanpakkers voor de nachtploeg.", "age"),
    ("- Je bent een student van 17 of 18 jaar en wil in het weekend werken.", "age"),
    ("- Je bent in blakende gezondheid en kan lang rechtstaan.", "health"),
    ("- Je bent een millennial met een passie voor mode.", "age"),
    ("- Je bent een echte Gen Z'er en weet alles van TikTok.", "age"),
    ("- Wij zoeken jobstudenten van 16 tot 18 jaar voor de zomer.", "age"),
    ("- Je hebt geen gezinsverplichtingen die weekendwerk in de weg staan.", "family"),
    # a demand after a sentence start about others stays a criterion
    ("- Onze klanten zijn Franstalig, dus je bent een moedertaalspreker Frans.", "origin_language"),
    ("- Ons team zoekt een jonge collega voor de avondploeg.", "age"),
    # any attributive adjective between "jonge" and the person, a person addressed as woman or man, a title that
    # names one sex, a photo asked with the application
    ("- Voor de bar zoeken we een jonge, spontane kracht.", "age"),
    ("- Ben jij een geduldige vrouw die graag voor anderen kookt?", "gender"),
    ("- Wij zoeken een handige en sterke man voor de loods.", "gender"),
    ("- Kamermeisje (weekend)", "gender"),
    ("- Stuur een recente foto mee met je motivatiebrief.", "appearance"),
    # decades of life, English "young", children qualified, a height in metres, a build, an EU member state,
    # female forms of a job title
    ("- Je bent een gedreven veertiger die het vak kent.", "age"),
    ("- You are a young and eager colleague.", "age"),
    ("- Je hebt geen schoolgaande kinderen meer.", "family"),
    ("- Je bent minstens 1,70 m.", "health"),
    ("- Je bent stevig gebouwd en werkt graag buiten.", "health"),
    ("- Je bent onderdaan van een EU-lidstaat.", "nationality"),
    ("- Apothekersassistente (28 uur)", "gender"),
    ("- Receptioniste voor onze showroom", "gender"),
    # plural and -begeleidster titles, -man titles, a motherly "juf", a range of school pupils' ages
    ("- Voor de zomer zoeken we hostesses en serveersters.", "gender"),
    ("- Kinderbegeleidster (halftijds)", "gender"),
    ("- TUINMAN VOOR ONS KASTEELDOMEIN", "gender"),
    ("- Wij zoeken een zachte, moederlijke juf voor de peuterklas.", "gender"),
    ("- We zoeken scholieren tussen 15 en 17 jaar voor de zomer.", "age"),
])
def test_criteria_worded_as_people_wanted_are_found(body, category):
    assert category in [r.category for r in reqs(body, kind="criterion")]


@pytest.mark.parametrize("body", [
    "- Je begeleidt spelletjes die passen bij de leeftijd van de kinderen in de opvang.",
    "- Je bewaakt de gezondheid van onze bewoners en meldt wat opvalt.",
    "- Korting in onze winkel met dames- en herenmode.",
    # a sentence about the team or the people served, with them as its subject
    "- Onze bewoners zijn gemiddeld 84 jaar, enkelen zijn jonger dan 65 jaar.",
    "- Ons team telt twaalf collega's tussen 22 en 61 jaar uit vijf landen.",
    "- De patiënten hebben vaak een chronische ziekte of een beperking.",
    "- Ons schildersteam is tussen 24 en 58 jaar en werkt graag samen.",
    # teenage ranges of the people served, an experience range, respect for family duties
    "- Je geeft les aan leerlingen van 15 tot 18 jaar in de derde graad.",
    "- Ervaring: 15-18 jaar ervaring in de sector is geen vereiste.",
    "- Wij houden rekening met je gezinsverplichtingen bij de planning.",
    # both sexes named, a person served, a dual title, a photo of one's own work
    "- We zoeken een man of vrouw die graag buiten werkt.",
    "- Je helpt een oudere vrouw met haar boodschappen.",
    "- Kamerjongen/kamermeisje (weekend)",
    "- Stuur gerust een foto van je realisaties mee.",
    # others who speak a language, both forms of a title, others in their thirties
    "- Je helpt een Franstalige of Engelstalige klant aan de balie.",
    "- Een deel van onze monteurs is Franstalig.",
    "- Receptioniste/receptionist voor onze showroom",
    "- Kinderbegeleider/kinderbegeleidster (halftijds)",
    "- Je helpt Nederlandstalige en Franstalige bezoekers aan het loket.",
    "- Onze klanten zijn vooral dertigers met jonge gezinnen.",
    "- Onze cursisten zijn tussen 16 en 25 jaar en volgen les in de avond.",
])
def test_a_property_of_the_people_served_is_no_criterion(body):
    assert reqs(body, kind="criterion") == []


def test_an_experience_band_from_zero_asks_for_none():
    found = reqs("- Ervaring: 0-3 jaar. Ook pas gestart? Welkom.", kind="experience")
    assert [(r.min_years, r.required) for r in found] == [(0, False)]


@pytest.mark.parametrize("body", ["- Ervaring: 0 tot 3 jaar; pas afgestudeerd mag ook.", "- Ervaring: 0 à 2 jaar"])
def test_an_experience_band_from_zero_written_with_words_asks_for_none(body):
    found = reqs(body, kind="experience")
    assert [(r.min_years, r.required) for r in found] == [(0, False)], found


def test_desired_experience_is_a_nice_to_have():
    found = reqs("- Ervaring in een bakkerij is gewenst.", kind="experience")
    assert [r.required for r in found] == [False], found
