"""The public API (vacscreen.screen / vacscreen.api.screen_many) end to end: real VDAB vacancies, HTML input,
unusable input, required vs optional on hand-written Dutch vacancies, and the JSON form."""
from __future__ import annotations

import html as htmllib
import json
import random
import re
from typing import get_args

import pytest
import realdata

import vacscreen
from vacscreen import InputError, Screening, screen
from vacscreen.api import screen_many
from vacscreen.flags.rules import config as flag_config
from vacscreen.schema import KIND_FIELDS, KINDS
from vacscreen.vocab import SECTIONS as VOCAB_SECTIONS, SectionLabel

DATA = realdata.vdab_path()
ROWS = [json.loads(line) for line in DATA.open(encoding="utf-8")]
BY_NUMBER = {r["vdab_number"]: r for r in ROWS}
FLAG_KINDS = set(flag_config()["kinds"])
SECTIONS = set(get_args(SectionLabel))
assert SECTIONS == set(VOCAB_SECTIONS)
CEFR = {"A1", "A2", "B1", "B2", "C1", "C2"}
VDAB_LEVELS = {"Zeer goed": "C1", "Goed": "B2", "Medium": "B1", "Basis": "A2", "Starter": "A1"}
COMMON_KEYS = {"kind", "text", "start", "end", "required", "section"}


@pytest.fixture(scope="module")
def screened() -> dict[str, Screening]:
    """Every real vacancy screened once (≈ 5 s), keyed by VDAB number."""
    return {r["vdab_number"]: screen(r["text"], title=r["title"], id=r["vdab_number"]) for r in ROWS}


def _reqs(s: Screening, kind: str | None = None):
    return [r for r in s.requirements if kind is None or r.kind == kind]


def _one(s: Screening, kind: str, text: str):
    """The requirements of `kind` whose text contains `text`; fails when there is none."""
    found = [r for r in _reqs(s, kind) if text in r.text]
    assert found, f"no {kind} requirement containing {text!r}; got {[(r.kind, r.text) for r in s.requirements]}"
    return found


# --------------------------------------------------------------------------------------------------------------
# Real vacancies: invariants that must hold for every output
# --------------------------------------------------------------------------------------------------------------

def test_data_file_has_100_vacancies():
    assert len(ROWS) == 100
    assert all(isinstance(r["text"], str) and r["text"].strip() for r in ROWS)


@pytest.mark.parametrize("number", sorted(BY_NUMBER))
def test_real_vacancy_invariants(screened, number):
    original = BY_NUMBER[number]["text"]
    s = screened[number]
    assert isinstance(s, Screening)
    assert s.id == number and s.title == BY_NUMBER[number]["title"]
    assert s.language in ("nl", "en", "fr", "de")
    assert s.occupation is not None and s.occupation.source in ("vdab_field", "title", "text", "user")
    assert len({f.kind for f in s.flags}) == len(s.flags), "at most one flag per kind"
    for f in s.flags:
        assert f.kind in FLAG_KINDS and f.severity in ("strong", "mild")
        assert 0.0 <= f.score <= 1.0
        assert f.text == original[f.start: f.end]
        assert f.requirement is None or s.requirements[f.requirement].start == f.start
        assert f.reason and f.suggestion and f.norm and f.source
    assert s.model_version and isinstance(s.model_version, str)
    assert s.requirements, "a real vacancy gives at least one requirement"
    for r in s.requirements:
        assert r.kind in KINDS
        assert r.section in SECTIONS
        assert isinstance(r.required, bool)
        assert 0 <= r.start < r.end <= len(original), (r.start, r.end)
        assert r.text == original[r.start: r.end]
        assert r.text == r.text.strip(), "spans are trimmed"
        if r.score is not None:
            assert 0.0 <= r.score <= 1.0
        # normalised values are in their vocabularies
        if r.kind == "language":
            assert r.language and re.fullmatch(r"[a-z]{2}", r.language)
            assert r.cefr is None or r.cefr in CEFR
        if r.kind == "education":
            assert r.level
            assert r.vks is None or 0 <= r.vks <= 8
        if r.kind == "experience":
            assert r.min_years is None or 0 <= r.min_years <= 45
            assert r.max_years is None or r.min_years is None or r.max_years >= r.min_years
        if r.kind in ("licence", "certificate"):
            assert r.name
        if r.kind == "criterion":
            assert r.category
    keys = [(r.start, r.end) for r in s.requirements]
    assert keys == sorted(keys), "requirements are in text order"


@pytest.mark.parametrize("number", sorted(BY_NUMBER))
def test_real_vacancy_to_dict_is_json(screened, number):
    d = screened[number].to_dict()
    assert set(d) == {"id", "title", "language", "warnings", "occupation", "requirements", "flags", "model_version",
                      "review_candidates"}
    back = json.loads(json.dumps(d, ensure_ascii=False))
    assert back == d
    for r in d["requirements"]:
        extra = set(r) - COMMON_KEYS - {"required_score", "route_group", "entry", "legal_basis"}
        assert extra == set(KIND_FIELDS[r["kind"]]), r


def test_offer_and_company_sections_hold_no_demands(screened):
    """Aanbod/bedrijf text is the employer's offer: only discriminatory criteria and employer-offered
    (not required) certificates may come from there, never a required diploma/language/experience/licence."""
    for number, s in screened.items():
        for r in s.requirements:
            if r.section in ("offer", "company"):
                assert r.kind == "criterion" or (r.kind in ("licence", "certificate") and not r.required), (number, r)


def test_aanbod_company_car_licence_is_not_a_requirement(screened):
    """vdab-72215442: the Aanbod offers a company car, "Hierbij is een rijbewijs B natuurlijk vereist" — a
    condition of an optional perk, not a requirement (gold CORRECTIONS.md)."""
    original = BY_NUMBER["72215442"]["text"]
    a = original.index("Hierbij is een rijbewijs B natuurlijk vereist")
    b = a + len("Hierbij is een rijbewijs B natuurlijk vereist")
    assert original.rfind("\nAanbod\n", 0, a) > original.rfind("\nProfiel\n", 0, a)
    hits = [r for r in screened["72215442"].requirements if r.start < b and a < r.end]
    assert hits == []
    assert not any(r.section in ("offer", "company") for r in screened["72215442"].requirements)


def test_vdab_field_nederlands_zeer_goed(screened):
    """The VDAB field line "Nederlands (Zeer goed)" -> language nl, CEFR C1, section vdab_fields, required."""
    s = screened["71982827"]
    original = BY_NUMBER["71982827"]["text"]
    start = original.index("Nederlands (Zeer goed)")
    [r] = [r for r in _reqs(s, "language") if r.start == start]
    assert (r.text, r.language, r.cefr, r.section, r.required) == ("Nederlands (Zeer goed)", "nl", "C1", "vdab_fields", True)


def _talenkennis_items():
    for r in ROWS:
        m = re.search(r"\nTalenkennis\n([^\n]*)\n", r["text"])
        if m:
            for item in re.finditer(r"(\w+) \(([^)]*)\)", m.group(1)):
                yield pytest.param(r["vdab_number"], m.start(1) + item.start(), item.group(0), item.group(2),
                                   id=f"{r['vdab_number']}-{item.group(0)}")


@pytest.mark.parametrize("number,start,item,level", list(_talenkennis_items()))
def test_vdab_talenkennis_line(screened, number, start, item, level):
    """Every "Taal (Niveau)" item of the VDAB Talenkennis field is one required language requirement with the
    exact item as span and the CEFR level of the VDAB scale."""
    hits = [r for r in _reqs(screened[number], "language") if r.start == start and r.end == start + len(item)]
    assert len(hits) == 1, [(r.text, r.start) for r in _reqs(screened[number], "language")]
    r = hits[0]
    assert r.cefr == VDAB_LEVELS[level]
    assert r.section == "vdab_fields" and r.required is True


_WERKERVARING = {"Geen ervaring": (0, None, False), "Niet van belang": (0, None, False),
                 "Beperkte ervaring ( < 2 jaar )": (None, 2, True), "Minstens 2 jaar ervaring": (2, None, True),
                 "Minstens 5 jaar ervaring": (5, None, True)}


def _werkervaring_items():
    for r in ROWS:
        m = re.search(r"\nWerkervaring\n([^\n]*)\n", r["text"])
        if m:
            yield pytest.param(r["vdab_number"], m.start(1), m.group(1), id=f"{r['vdab_number']}-{m.group(1)}")


@pytest.mark.parametrize("number,start,value", list(_werkervaring_items()))
def test_vdab_werkervaring_line(screened, number, start, value):
    assert value in _WERKERVARING, f"new VDAB Werkervaring value {value!r}: add it to the table"
    hits = [r for r in _reqs(screened[number], "experience") if r.start == start and r.end == start + len(value)]
    assert len(hits) == 1
    r = hits[0]
    assert (r.min_years, r.max_years, r.required) == _WERKERVARING[value]
    assert r.section == "vdab_fields"


def test_equal_opportunity_statement_is_no_criterion(screened):
    s = screened["71349655"]
    original = BY_NUMBER["71349655"]["text"]
    a = original.index("Wij selecteren op basis van ervaring")
    assert not [r for r in _reqs(s, "criterion") if r.start <= a < r.end]


def test_vdab_education_items_with_graad(screened):
    original = BY_NUMBER["71544961"]["text"]
    # the page's education field lists three BSO items on one line (read from ../shared/data, not written here)
    line = next(x for x in original.split("\n") if x.count("Beroepssecundair onderwijs - 3de graad: ") == 3)
    items = [("Of gelijkwaardig door ervaring " if i == 0 else "") + "Beroepssecundair onderwijs - 3de graad: " + part
             for i, part in enumerate(line.split("Beroepssecundair onderwijs - 3de graad: ")[1:])]
    items = [x.strip() for x in items]
    assert len(items) == 3
    got = {(r.start, r.end): r for r in _reqs(screened["71544961"], "education") if r.section == "vdab_fields"}
    for item in items:
        a = original.index(item)
        r = got.get((a, a + len(item)))
        assert r is not None, f"no education requirement spanning {item!r}"
        assert r.level == "bso" and r.field and r.field.lower() == item.split(": ")[1].lower()


def test_screen_many_equals_screen_on_real_vacancies(screened):
    rows = [{"id": r["vdab_number"], "title": r["title"], "text": r["text"]} for r in ROWS]
    out = list(screen_many(rows, batch_size=16))
    assert [d["id"] for d in out] == [r["vdab_number"] for r in ROWS]
    for d in out:
        assert d == screened[d["id"]].to_dict()


def test_bytes_input_equals_str_input():
    r = BY_NUMBER["71982827"]
    assert screen(r["text"].encode("utf-8")).to_dict() == screen(r["text"]).to_dict()


def test_crlf_input_keeps_offsets():
    original = BY_NUMBER["71982827"]["text"].replace("\n", "\r\n")
    s = screen(original)
    assert s.requirements
    for r in s.requirements:
        assert r.text == original[r.start: r.end]
    assert _one(s, "language", "Nederlands (Zeer goed)")[0].cefr == "C1"


# --------------------------------------------------------------------------------------------------------------
# HTML input: offsets refer to the HTML as given
# --------------------------------------------------------------------------------------------------------------

HTML_VACANCY = """<!DOCTYPE html>
<html><head><title>Vacature</title><style>li { color: #333; }</style></head>
<body>
<h1>Magazijnier (m/v/x)</h1>
<p>Voor onze klant in Gent zoeken we een <strong>magazijnier</strong> voor het orderpicken en laden van vrachtwagens.</p>
<h2>Profiel</h2>
<ul>
  <li>Je hebt minstens <b>3 jaar</b> ervaring als magazijnier.</li>
  <li>Je spreekt vloeiend Nederlands.</li>
  <li>Je hebt een <em>heftruckattest</em>.</li>
  <li>Rijbewijs B is een must.</li>
</ul>
<h2>Aanbod</h2>
<p>Een vast contract, maaltijdcheques &amp; een firmawagen.</p>
</body></html>"""


def _visible(fragment: str) -> str:
    return " ".join(htmllib.unescape(re.sub(r"<[^>]*>", "", fragment)).split())


@pytest.fixture(scope="module")
def html_screening() -> Screening:
    return screen(HTML_VACANCY, id="html-1")


def test_html_spans_point_into_the_html(html_screening):
    s = html_screening
    assert any("HTML" in w for w in s.warnings)
    assert s.language == "nl"
    assert s.requirements
    for r in s.requirements:
        span = HTML_VACANCY[r.start: r.end]
        assert r.text == span
        # the span covers words, not the surrounding markup
        assert not span.startswith("<") and not span.endswith(">"), span
        assert "<li>" not in span and "</li>" not in span and "<h2>" not in span


@pytest.mark.parametrize("kind,words,values", [
    ("experience", "Je hebt minstens 3 jaar ervaring als magazijnier.", {"min_years": 3, "required": True}),
    ("language", "Je spreekt vloeiend Nederlands.", {"language": "nl", "cefr": "C1", "required": True}),
    ("certificate", "Je hebt een heftruckattest.", {"name": "heftruckattest", "required": True}),
    ("licence", "Rijbewijs B is een must.", {"name": "rijbewijs B", "required": True}),
])
def test_html_requirements(html_screening, kind, words, values):
    hits = [r for r in _reqs(html_screening, kind) if _visible(HTML_VACANCY[r.start: r.end]) == words]
    assert len(hits) == 1, [(r.kind, r.text) for r in html_screening.requirements]
    r = hits[0]
    assert r.section == "profile"
    for k, v in values.items():
        assert getattr(r, k) == v, (k, getattr(r, k))


def test_html_inline_tags_stay_inside_the_span(html_screening):
    [r] = [r for r in _reqs(html_screening, "experience")]
    assert r.text == "Je hebt minstens <b>3 jaar</b> ervaring als magazijnier."
    assert HTML_VACANCY.index("Je hebt minstens") == r.start


def test_html_nothing_from_head_or_offer(html_screening):
    head_end = HTML_VACANCY.index("</head>")
    aanbod = HTML_VACANCY.index("<h2>Aanbod</h2>")
    for r in html_screening.requirements:
        assert r.start > head_end
        assert r.end <= aanbod


# --------------------------------------------------------------------------------------------------------------
# Unusable and unusual input
# --------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", [
    pytest.param("", id="empty"),
    pytest.param(b"", id="empty-bytes"),
    pytest.param("   \n\t  \n", id="whitespace"),
    pytest.param("\u00a0\u2003\r\n", id="unicode-whitespace"),
    pytest.param(None, id="none"),
    pytest.param(42, id="int"),
    pytest.param(["Je spreekt Nederlands"], id="list"),
    pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", id="png-bytes"),
    pytest.param(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 5 /Filter /FlateDecode >>\nstream\nx\x9c\x03\x00\x00",
                 id="pdf-bytes"),
    pytest.param(random.Random(0).randbytes(4096), id="random-bytes"),
    pytest.param("Profiel\x00\x01\x02" * 50, id="control-chars"),
    pytest.param("<div><p></p><br/><ul><li></li></ul></div>", id="only-tags"),
    pytest.param("<html><body><script>var x = 1;</script><p>&nbsp;</p></body></html>", id="only-script"),
    pytest.param("x" * 1_000_001, id="too-long"),
    pytest.param("\ufeff", id="bom-only"),
])
def test_unusable_input_raises_input_error(bad):
    with pytest.raises(InputError):
        screen(bad)


def test_input_error_is_a_value_error():
    assert issubclass(InputError, ValueError)
    assert vacscreen.InputError is InputError


def test_one_megabyte_of_dutch_text_works_with_a_warning():
    text = ""
    i = 0
    while len(text) < 1_000_000:
        text += ROWS[i % len(ROWS)]["text"] + "\n\n"
        i += 1
    text = text[:1_000_000]  # the documented maximum
    s = screen(text)
    assert s.language == "nl"
    assert any("long" in w for w in s.warnings), s.warnings
    assert len(s.requirements) > 1000
    last = s.requirements[-1]
    assert last.text == text[last.start: last.end]


def test_english_vacancy_gives_language_en_and_a_warning():
    text = ("We are looking for a warehouse operator for our distribution centre in Antwerp. "
            "You have at least three years of experience in logistics and a valid driving licence B. "
            "Fluent English is required; Dutch is a plus. We offer a permanent contract and a competitive salary.")
    s = screen(text, id="en-1")
    assert isinstance(s, Screening)
    assert s.language == "en"
    assert any("en" in w and "Dutch" in w for w in s.warnings), s.warnings
    for r in s.requirements:
        assert r.text == text[r.start: r.end]
    json.dumps(s.to_dict())


def test_short_text_is_screened_as_dutch():
    s = screen("Je spreekt vloeiend Nederlands.")
    # no language warning (an occupation guessed from one sentence may be called unsure)
    assert s.language == "nl" and all(w.startswith("Beroep onzeker") for w in s.warnings)
    [r] = s.requirements
    assert (r.kind, r.language, r.cefr) == ("language", "nl", "C1")


# --------------------------------------------------------------------------------------------------------------
# Required vs optional on hand-written Dutch vacancies
# --------------------------------------------------------------------------------------------------------------

def _vacancy(*profile_lines: str) -> str:
    return ("Magazijnmedewerker\nFunctieomschrijving\nVoor ons distributiecentrum in Mechelen zoeken we een "
            "magazijnmedewerker die orders verzamelt en vrachtwagens laadt en lost.\nProfiel\n"
            + "\n".join(f"- {line}" for line in profile_lines)
            + "\nAanbod\nEen vast contract met maaltijdcheques en ecocheques.\n")


@pytest.mark.parametrize("line,kind,needle,values", [
    ("VCA is een troef.", "certificate", "VCA", {"name": "VCA", "required": False}),
    ("Je kan je VCA bij ons behalen.", "certificate", "VCA", {"name": "VCA", "required": False}),
    ("Je hebt minstens 5 jaar ervaring in een magazijn.", "experience", "5 jaar",
     {"min_years": 5, "required": True}),
    ("Rijbewijs B is een must.", "licence", "Rijbewijs B", {"name": "rijbewijs B", "required": True}),
    ("Een heftruckattest is een pluspunt.", "certificate", "heftruckattest",
     {"name": "heftruckattest", "required": False}),
    ("Je bent in het bezit van een geldig heftruckattest.", "certificate", "heftruckattest",
     {"name": "heftruckattest", "required": True}),
    ("Je spreekt vloeiend Nederlands.", "language", "Nederlands", {"language": "nl", "cefr": "C1", "required": True}),
    ("Kennis van het Frans is een troef.", "language", "Frans", {"language": "fr", "required": False}),
    ("Je hebt een diploma secundair onderwijs.", "education", "secundair",
     {"level": "secundair", "vks": 4, "required": True}),
    ("Een bachelordiploma is mooi meegenomen.", "education", "bachelor", {"level": "bachelor", "required": False}),
    ("Ervaring als magazijnier is een pluspunt.", "experience", "magazijnier", {"required": False}),
    ("Je hebt 2 à 3 jaar ervaring als orderpicker.", "experience", "orderpicker",
     {"min_years": 2, "max_years": 3, "required": True}),
])
def test_required_and_optional(line, kind, needle, values):
    text = _vacancy("Je werkt nauwkeurig en zelfstandig.", line, "Je bent flexibel.")
    s = screen(text)
    hits = [r for r in _reqs(s, kind) if needle in r.text]
    assert len(hits) == 1, [(r.kind, r.text, r.required) for r in s.requirements]
    r = hits[0]
    assert r.section == "profile"
    assert r.text == text[r.start: r.end]
    for k, v in values.items():
        assert getattr(r, k) == v, f"{k}: {getattr(r, k)!r} != {v!r} for {line!r}"


def test_mixed_profile_in_one_vacancy():
    text = _vacancy("VCA is een troef.", "Je kan je VCA bij ons behalen.", "Je hebt minstens 5 jaar ervaring.",
                    "Rijbewijs B is een must.")
    s = screen(text)
    vca = sorted(_reqs(s, "certificate"), key=lambda r: r.start)
    assert [r.required for r in vca] == [False, False]
    [exp] = _reqs(s, "experience")
    assert (exp.min_years, exp.required) == (5, True)
    [lic] = _reqs(s, "licence")
    assert (lic.name, lic.required) == ("rijbewijs B", True)
    assert not [r for r in s.requirements if r.section == "offer"]


def test_task_description_is_not_a_requirement():
    s = screen(_vacancy("Je werkt graag in team."))
    assert s.requirements == []


# --------------------------------------------------------------------------------------------------------------
# screen_many
# --------------------------------------------------------------------------------------------------------------

def test_screen_many_keeps_order_and_reports_bad_rows():
    good = _vacancy("Rijbewijs B is een must.")
    rows = [
        {"id": "a", "title": "Magazijnier", "text": good},
        {"id": "b", "text": ""},
        good,                                       # a bare string
        {"id": "d", "text": None},
        {"id": "e", "title": "Leeg", "text": "   "},
        {"id": "f", "text": b"\x89PNG\r\n\x1a\n\x00\x00"},
        {"id": "g"},                                # no text at all
        {"id": "h", "text": 12345},
        {"id": "i", "text": "<p></p>"},
        {"id": 10, "title": "int id", "text": good.encode("utf-8")},
    ]
    out = list(screen_many(rows, batch_size=3))  # several batches, bad rows across batch borders
    assert len(out) == len(rows)
    assert [d.get("id") for d in out] == ["a", "b", None, "d", "e", "f", "g", "h", "i", 10]
    ok = {0, 2, 9}
    for n, d in enumerate(out):
        json.dumps(d)
        if n in ok:
            assert "error" not in d
            assert [r["name"] for r in d["requirements"] if r["kind"] == "licence"] == ["rijbewijs B"]
        else:
            assert set(d) == {"id", "title", "error"}
            assert isinstance(d["error"], str) and d["error"]
    assert out[0]["title"] == "Magazijnier"
    assert out[4]["title"] == "Leeg"
    assert out[0]["requirements"] == out[2]["requirements"] == out[9]["requirements"]


def test_screen_many_is_lazy_and_accepts_generators():
    def gen():
        for i in range(5):
            yield {"id": str(i), "text": _vacancy("Je spreekt vloeiend Nederlands.")}

    it = screen_many(gen(), batch_size=2)
    first = next(it)
    assert first["id"] == "0"
    assert [d["id"] for d in it] == ["1", "2", "3", "4"]


def test_screen_many_empty_input():
    assert list(screen_many([])) == []


def test_the_unsure_link_warning_says_what_the_demands_were_measured_against():
    """Below the gate: measured against nothing, against the link's own level (no plausible alternative), or
    against the highest level of its plausible occupations; the warning names which."""
    from vacscreen.api import _uncertain_warning
    from vacscreen.flags.rules import config
    from vacscreen.schema import Occupation

    cfg = config().norms

    def unsure(confidence, *alternatives):
        return Occupation(name="Magazijnmedewerker", vks=2, confidence=confidence,
                          profile={"typical_vks": 2, "fallback": False},
                          alternatives=[{"name": n, "score": s, "vks": 3, "estimated": False} for n, s in alternatives])

    none = _uncertain_warning(unsure(cfg.plausible_alone_min - 0.1))
    alone = _uncertain_warning(unsure(cfg.plausible_alone_min))
    several = _uncertain_warning(unsure(cfg.plausible_confidence_min, ("Winkelmedewerker", cfg.plausible_score)))
    assert "niet aan het beroepsprofiel getoetst" in none
    assert "typische niveau van dit beroep" in alone and "Winkelmedewerker" not in alone
    assert "(Magazijnmedewerker, Winkelmedewerker)" in several
