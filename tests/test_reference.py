"""Occupation reference data (vacscreen.occupations.reference) and profiles (vacscreen.occupations.profiles)."""
from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest

from vacscreen.occupations.profiles import VALUE_FIELDS, fallback_level, profile_for
from vacscreen.occupations.reference import (
    ENV_KNELPUNT,
    ENV_PROFILES,
    ReferenceDataError,
    fold,
    load_reference,
)
from vacscreen.schema import InputError

KNELPUNT_HEADER = ["occupation", "year", "reasons", "isco_code", "esco_uri", "vdab_sector",
                   "on_mb_2025_middengeschoold_list", "source_url"]
PROFILE_HEADER = ["occupation", "typical_vks_level", "bk_code", "legally_required_diploma", "legal_requirements",
                  "confidence", "source_urls"]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture(scope="module")
def ref():
    return load_reference()


@pytest.fixture(autouse=True)
def _no_env(monkeypatch):
    monkeypatch.delenv(ENV_KNELPUNT, raising=False)
    monkeypatch.delenv(ENV_PROFILES, raising=False)


# ---------------------------------------------------------------- loader


def test_counts_and_year(ref):
    assert ref.year == 2026
    assert len(ref.bottleneck_occupations) == 227
    assert all(o.kind == "vdab" for o in ref.bottleneck_occupations)
    assert len(ref.esco_occupations) >= 3000
    extra = [o for o in ref.vdab_occupations if not o.bottleneck]
    assert len(extra) == 15
    assert {"Aankoper", "Polyvalent administratief medewerker", "Medewerker communicatie"} <= {o.name for o in extra}
    assert len(ref.occupations) == len(ref.vdab_occupations) + len(ref.esco_occupations)


def test_sources_name_every_file(ref):
    files = {s.file: s for s in ref.sources}
    assert set(files) == {"knelpuntberoepen.csv", "occupation_profiles.csv", "vdab_occupations.csv",
                          "esco_occupations_nl.csv", "beroepskwalificaties.csv", "occupation_texts.csv"}
    assert "CC BY 4.0" in files["esco_occupations_nl.csv"].licence
    assert files["knelpuntberoepen.csv"].rows == 227 and files["knelpuntberoepen.csv"].year == "2026"
    assert "written by the project" in files["occupation_texts.csv"].source


def test_every_vdab_occupation_has_titles_and_a_description(ref):
    # occupation_texts.csv covers the whole VDAB vocabulary; a title equal to a label is not repeated as a title.
    for occ in ref.vdab_occupations:
        assert len(occ.titles) >= 3 and len(occ.description.split()) >= 40, occ.name
        assert not {fold(t) for t in occ.titles} & {fold(x) for x in occ.labels}, occ.name
    assert "Sportlesgever" in ref.by_name("Sporttrainer").titles
    assert ref.by_esco_uri(ref.by_name("Aankoper").esco_uri).description  # ESCO records keep ESCO's description


def test_cached_and_fast(ref):
    t = time.perf_counter()
    again = load_reference()
    assert again is ref
    assert time.perf_counter() - t < 0.05


def test_by_name_is_case_and_accent_insensitive(ref):
    nurse = ref.by_name("VERPLEEGKUNDIGE")
    assert nurse is not None and nurse.name == "Verpleegkundige" and nurse.kind == "vdab" and nurse.bottleneck
    assert ref.by_name("veiligheidscoordinator").name == "Veiligheidscoördinator"
    assert ref.by_name("Kinderbegeleider baby’s en peuters").name == "Kinderbegeleider baby's en peuters"
    assert ref.by_name("INSPICIENT").name == "inspiciënt"
    assert ref.by_name("geen beroep") is None


def test_vdab_record_wins_over_esco_with_same_name(ref):
    assert ref.by_name("metselaar").kind == "vdab"
    kinds = {o.kind for o in ref.find("metselaar")}
    assert kinds == {"vdab", "esco"}


def test_esco_records_carry_preferred_and_alt_labels(ref):
    coach = ref.by_name("sportcoach")
    assert coach.kind == "esco" and coach.isco == "3422"
    assert "sporttrainer" in coach.labels and coach.labels[0] == "sportcoach"
    assert coach.esco_uri and coach.esco_uri.startswith("http://data.europa.eu/esco/occupation/")


def test_links_record_the_method(ref):
    metselaar = ref.by_name("Metselaar")
    assert metselaar.esco_link == "knelpunt_csv" and metselaar.isco == "7112"
    assert metselaar.isco_source == "knelpunt_csv"
    dakwerker = ref.by_name("Dakwerker")
    assert dakwerker.esco_link == "exact_alt_label"
    assert ref.by_esco_uri(dakwerker.esco_uri).name == "dakdekker"
    assert dakwerker.isco_source == "esco"
    assert ref.by_name("Arbeidsbemiddelaar-jobcoach: uitzendconsulent").esco_link == "specialisation_label"
    aankoper = ref.by_name("Aankoper")
    assert aankoper.esco_link == "vdab_occupations_csv" and not aankoper.bottleneck
    assert ref.by_esco_uri(aankoper.esco_uri).name == "inkoper"
    barman = ref.by_name("Barman")  # alt label of several ESCO occupations: not linked
    assert barman.esco_uri is None and "Barman" in ref.ambiguous_links
    assert dakwerker in ref.linked_vdab(dakwerker.esco_uri)


def test_vdab_labels_do_not_borrow_esco_synonyms(ref):
    lifter = ref.by_name("Torenkraanbediener")
    assert lifter.labels == ("Torenkraanbediener", "Torenkraanbestuurder")  # + BK title from the profiles CSV
    assert ref.by_name("Apotheker: ziekenhuisapotheker").labels[1] == "ziekenhuisapotheker"
    assert ref.by_name("Metselaar").labels == ("Metselaar",)  # BK title equal to the name is not repeated
    assert ref.by_label("torenkraanbestuurder")[0] is lifter  # VDAB first
    dakwerker = ref.by_name("Dakwerker")  # linked to ESCO 'dakdekker', whose alt labels stay on the ESCO record
    assert dakwerker.labels == ("Dakwerker",)
    assert len(ref.by_esco_uri(dakwerker.esco_uri).labels) > 1


# ---------------------------------------------------------------- validation


def test_missing_column_names_file_row_and_column(tmp_path):
    bad = write_csv(tmp_path / "knelpunt_new.csv", ["occupation", "sector"], [["Metselaar", "Bouw"]])
    with pytest.raises(ReferenceDataError) as e:
        load_reference(knelpunt_csv=bad)
    msg = str(e.value)
    assert msg.startswith("knelpunt_new.csv row 1:") and "'year'" in msg
    assert isinstance(e.value, InputError)


def test_non_integer_vks_names_the_row(tmp_path):
    rows = [["Metselaar", "3", "", "", "", "", ""], ["Kok", "4", "", "", "", "", ""],
            ["Stukadoor", "zes", "", "", "", "", ""]]
    bad = write_csv(tmp_path / "occupation_profiles.csv", PROFILE_HEADER, rows)
    with pytest.raises(ReferenceDataError) as e:
        load_reference(profiles_csv=bad)
    assert str(e.value).startswith("occupation_profiles.csv row 4: typical_vks_level 'zes' is not an integer 0-8")
    assert e.value.row == 4 and e.value.file == "occupation_profiles.csv"


def test_vks_out_of_range(tmp_path):
    bad = write_csv(tmp_path / "p.csv", PROFILE_HEADER, [["Metselaar", "9", "", "", "", "", ""]])
    with pytest.raises(ReferenceDataError, match=r"p\.csv row 2: typical_vks_level '9' is not an integer 0-8"):
        load_reference(profiles_csv=bad)


def test_row_numbers_count_records_not_lines(tmp_path):
    # A quoted field with a line break stays one spreadsheet row.
    rows = [["Metselaar", "3", "", "false", "regel 1\nregel 2", "", ""], ["", "4", "", "", "", "", ""]]
    bad = write_csv(tmp_path / "p.csv", PROFILE_HEADER, rows)
    with pytest.raises(ReferenceDataError, match=r"p\.csv row 3: occupation is empty"):
        load_reference(profiles_csv=bad)


def test_empty_name_in_knelpunt_list(tmp_path):
    rows = [["Metselaar", "2027", "", "", "", "", "false", ""], ["  ", "2027", "", "", "", "", "false", ""]]
    bad = write_csv(tmp_path / "k.csv", KNELPUNT_HEADER, rows)
    with pytest.raises(ReferenceDataError, match=r"k\.csv row 3: occupation is empty"):
        load_reference(knelpunt_csv=bad)


@pytest.mark.parametrize("row,problem", [
    (["Metselaar", "2027", "", "", "", "", "misschien", ""],
     "row 2: on_mb_2025_middengeschoold_list 'misschien' is not a boolean"),
    (["Metselaar", "2027", "", "711", "", "", "false", ""], "row 2: isco_code '711' is not a 4-digit ISCO-08 code"),
    (["Metselaar", "volgend jaar", "", "", "", "", "false", ""], "row 2: year 'volgend jaar' is not an integer"),
    (["Metselaar", "2027", "", "", "http://example.org/x", "", "false", ""], "row 2: esco_uri 'http://example.org/x'"),
])
def test_bad_knelpunt_values(tmp_path, row, problem):
    bad = write_csv(tmp_path / "k.csv", KNELPUNT_HEADER, [row])
    with pytest.raises(ReferenceDataError) as e:
        load_reference(knelpunt_csv=bad)
    assert str(e.value).startswith("k.csv " + problem)


def test_duplicates_and_mixed_years(tmp_path):
    dup = write_csv(tmp_path / "k.csv", KNELPUNT_HEADER, [["Metselaar", "2027", "", "", "", "", "", ""],
                                                         ["metselaar", "2027", "", "", "", "", "", ""]])
    with pytest.raises(ReferenceDataError, match=r"row 3: occupation 'metselaar' appears twice \(first in row 2\)"):
        load_reference(knelpunt_csv=dup)
    mixed = write_csv(tmp_path / "m.csv", KNELPUNT_HEADER, [["Metselaar", "2026", "", "", "", "", "", ""],
                                                           ["Kok", "2027", "", "", "", "", "", ""]])
    with pytest.raises(ReferenceDataError, match="mixes several years"):
        load_reference(knelpunt_csv=mixed)


def test_bad_legal_value_and_missing_file(tmp_path):
    bad = write_csv(tmp_path / "p.csv", PROFILE_HEADER, [["Metselaar", "3", "", "misschien", "", "", ""]])
    with pytest.raises(ReferenceDataError, match=r"p\.csv row 2: legally_required_diploma 'misschien'"):
        load_reference(profiles_csv=bad)
    with pytest.raises(ReferenceDataError, match="file not found"):
        load_reference(profiles_csv=tmp_path / "nope.csv")


# ---------------------------------------------------------------- overrides


def test_env_override_for_a_newer_bottleneck_list(tmp_path, monkeypatch):
    rows = [["Metselaar", "2027", "kwantitatief; kwalitatief", "7112", "", "Bouwberoepen", "true", "https://x"],
            ["Aankoper", "2027", "", "", "", "Organisatieondersteunende beroepen", "false", ""]]
    newer = write_csv(tmp_path / "knelpunt_2027.csv", KNELPUNT_HEADER, rows)
    monkeypatch.setenv(ENV_KNELPUNT, str(newer))
    ref = load_reference()
    assert ref.year == 2027
    assert [o.name for o in ref.bottleneck_occupations] == ["Metselaar", "Aankoper"]
    assert ref.by_name("Aankoper").bottleneck  # the new list wins over vdab_occupations.csv
    assert sum(1 for o in ref.vdab_occupations if o.name == "Aankoper") == 1
    source = next(s for s in ref.sources if s.file == "knelpunt_2027.csv")
    assert ENV_KNELPUNT in source.source
    p = profile_for(ref.by_name("Metselaar"), ref)
    assert p.bottleneck_reasons == ["kwantitatief", "kwalitatief"]
    assert p.source_of("bottleneck_reasons") and "https://x" in p.source_of("bottleneck_reasons")[0]
    monkeypatch.delenv(ENV_KNELPUNT)
    assert load_reference().year == 2026


def test_env_override_for_own_profiles(tmp_path, monkeypatch):
    own = write_csv(tmp_path / "mijn_profielen.csv", PROFILE_HEADER,
                    [["metselaar", "4", "", "false", "", "high", "https://example.org/metselaar"]])
    monkeypatch.setenv(ENV_PROFILES, str(own))
    ref = load_reference()
    p = profile_for(ref.by_name("Metselaar"), ref)
    assert p.typical_vks == 4 and p.confidence == "high"
    assert p.source_of("typical_vks") == ["https://example.org/metselaar"]
    monkeypatch.setenv(ENV_PROFILES, str(tmp_path / "missing.csv"))
    with pytest.raises(ReferenceDataError, match=ENV_PROFILES):
        load_reference()


# ---------------------------------------------------------------- profiles


def test_profile_from_csv_regulated_nurse(ref):
    p = profile_for(ref.by_name("Verpleegkundige"), ref)
    assert p.regulated and not p.fallback
    assert "visum" in p.legal_requirement
    assert p.typical_vks == 5 and p.vks_range == (5, 6)  # HBO5 nurses are legally qualified
    assert p.experience_norm_years == 0 and p.confidence == "high"
    assert p.bottleneck and p.bottleneck_reasons == []
    assert all(s.startswith("https://") for f in ("regulated", "legal_requirement", "typical_vks")
               for s in p.source_of(f))
    assert "no reasons" in p.source_of("bottleneck_reasons")[0]


def test_profile_from_csv_language_and_legal_note(ref):
    care = profile_for(ref.by_name("Zorgkundige"), ref)
    assert care.dutch_level == "C1" and "BK-0243-2" in care.source_of("dutch_level")[0]
    electro = profile_for(ref.by_name("Elektrotechnicus"), ref)
    assert not electro.regulated and electro.legal_requirement is None and "BA4/BA5" in electro.legal_note
    bus = profile_for(ref.by_name("Autobuschauffeur"), ref)
    assert not bus.regulated and "code 95" in bus.legal_requirement  # a legal licence, not a diploma
    truck = profile_for(ref.by_name("Vrachtwagenbestuurder"), ref)
    assert truck.foreign_language.startswith("FR/EN A1")


def test_profile_from_bk(ref):
    baker = next(o for o in ref.find("bakker") if o.kind == "esco")
    assert ref.profile_row(baker) is None
    p = profile_for(baker, ref)
    assert p.typical_vks == 4 and p.vks_range == (4, 4) and not p.fallback
    assert p.source_of("typical_vks") == ["beroepskwalificaties.csv BK-0019-3"]
    assert p.confidence == "medium"


def test_profile_from_the_mid_skilled_bottleneck_list(ref):
    """An occupation on the MB 1 Dec 2025 list of mid-skilled bottleneck occupations, without a profile level or BK,
    gets VKS 3-4 from that list (sourced, not an ISCO estimate)."""
    rec = next(o for o in ref.vdab_occupations if o.mid_skilled_list and not o.bk_code and ref.profile_row(o) is None)
    p = profile_for(rec, ref)
    assert (p.typical_vks, p.vks_range, p.fallback, p.confidence) == (4, (3, 4), False, "medium")
    assert "MB 1 Dec 2025" in p.source_of("typical_vks")[0]


def test_profile_by_fallback(ref):
    forklift = ref.by_name("Heftruckchauffeur")  # profile row without a level, ISCO 8344
    p = profile_for(forklift, ref)
    assert p.fallback and p.confidence == "low"
    assert p.vks_range == (2, 4) and p.typical_vks == 4
    assert p.source_of("typical_vks")[0].startswith("fallback: ISCO-08 major group 8 → VKS 2–4 (ILO skill level 2)")
    assert "heftruckattest" in p.legal_note  # the CSV values still apply
    esco_prof = next(o for o in ref.esco_occupations if o.isco and o.isco.startswith("2") and not o.bk_code
                     and ref.profile_row(o) is None)
    q = profile_for(esco_prof, ref)
    assert q.fallback and q.vks_range == (6, 7) and q.typical_vks == 6 and q.confidence == "low"


@pytest.mark.parametrize("isco,expected", [
    ("1120", (6, (5, 7))), ("2221", (6, (6, 7))), ("3118", (5, (5, 6))), ("4110", (4, (2, 4))),
    ("7112", (4, (2, 4))), ("8344", (4, (2, 4))), ("9112", (2, (1, 2))), ("0110", (6, (6, 7))),
    ("0210", (4, (2, 4))), ("0310", (2, (1, 2))),
])
def test_fallback_table(isco, expected):
    typical, rng, source = fallback_level(isco)
    assert (typical, rng) == expected
    assert source.startswith("fallback: ISCO-08 ")


def test_regulated_from_esco_note(ref):
    nurse = ref.by_name("algemeen verpleegkundige")
    p = profile_for(nurse, ref)
    assert p.regulated and p.source_of("regulated")[0].startswith("ESCO regulatedProfessionNote")


def test_no_level_without_profile_bk_or_isco(ref):
    rec = ref.by_name("Werfleider")
    assert rec.isco is None and rec.bk_code is None and ref.profile_row(rec) is None
    p = profile_for(rec, ref)
    assert p.typical_vks is None and p.vks_range is None and p.fallback and p.confidence == "low"


def _check_sources(p):
    for name in VALUE_FIELDS:
        value = getattr(p, name)
        if value is None:
            continue
        entries = [s for s in p.sources if s["field"] == name]
        assert entries, f"{p.occupation}: {name}={value!r} has no source"
        assert any(s["value"] == value for s in entries), f"{p.occupation}: {name} source has another value"
        assert all(isinstance(s["source"], str) and s["source"] for s in entries)


def test_every_profile_value_has_a_source(ref):
    for rec in ref.vdab_occupations:
        _check_sources(profile_for(rec, ref))
    for rec in ref.esco_occupations[::25]:
        _check_sources(profile_for(rec, ref))
