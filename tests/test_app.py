"""The Screenen page of the app (app.py, vacscreen/ui/screen.py) through streamlit.testing.v1.AppTest: paste or
upload, click, read the table, the marked text, the flags, the occupation and the rewrite."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

AppTest = pytest.importorskip("streamlit.testing.v1").AppTest

APP = Path(__file__).resolve().parents[1] / "app.py"
TIMEOUT = 60  # the first run loads spaCy and the trained component

VACATURE = ("Magazijnier\nFunctieomschrijving\nVoor ons distributiecentrum in Mechelen zoeken we een magazijnier.\n"
            "Profiel\n- Je hebt minstens 2 jaar ervaring als magazijnier.\n- Je spreekt vloeiend Nederlands.\n"
            "- Rijbewijs B is een must.\n- VCA is een troef.\nAanbod\nEen vast contract met maaltijdcheques.\n")


@pytest.fixture(autouse=True)
def _own_label_db(label_db):
    """Every screening goes to a fresh label store (conftest.label_db), never the user's own database."""
    return label_db


@pytest.fixture
def at():
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    return at


def test_page_renders(at):
    assert at.title[0].value == "vacscreen — vacature screenen"
    assert at.text_area(key="tekst").value == ""
    assert at.button(key="screenen").label == "Screenen"
    assert len(at.file_uploader) == 1
    assert not at.dataframe and not at.error


def test_paste_and_screen(at):
    at.text_area(key="tekst").input(VACATURE)
    at.button(key="screenen").click().run()
    assert not at.exception
    assert not at.error
    assert len(at.dataframe) == 1
    df = at.dataframe[0].value
    assert list(df.columns) == ["soort", "tekst", "vereist", "waarde", "sectie", "wettelijk"]
    assert len(df) >= 4
    rows = {(r.soort, r.waarde, r.vereist, r.sectie) for r in df.itertuples()}
    assert ("taal", "Nederlands C1", "ja", "profiel") in rows
    assert ("rijbewijs", "rijbewijs B", "ja", "profiel") in rows
    assert ("attest", "VCA", "nee", "profiel") in rows
    assert ("ervaring", "≥ 2 jaar, magazijnier", "ja", "profiel") in rows
    assert all(t in VACATURE for t in df["tekst"])
    assert len(at.download_button) == 1
    assert at.subheader[0].value.startswith(f"{len(df)} eisen gevonden")


def test_empty_input_shows_error(at):
    at.button(key="screenen").click().run()
    assert not at.exception
    assert len(at.error) == 1
    assert "niet gescreend" in at.error[0].value
    assert not at.dataframe


def test_whitespace_input_shows_error(at):
    at.text_area(key="tekst").input("   \n\n  ")
    at.button(key="screenen").click().run()
    assert not at.exception
    assert len(at.error) == 1 and not at.dataframe


def test_english_text_shows_warning(at):
    at.text_area(key="tekst").input(
        "We are looking for a warehouse operator in Antwerp. You have a driving licence B and you speak fluent "
        "English. We offer a permanent contract and a competitive salary with meal vouchers.")
    at.button(key="screenen").click().run()
    assert not at.exception and not at.error
    assert any("not Dutch" in w.value for w in at.warning)


def test_upload_html_file(at):
    html = ("<html><body><h2>Profiel</h2><ul><li>Je spreekt <b>vloeiend</b> Nederlands.</li>"
            "<li>Rijbewijs B is een must.</li></ul></body></html>")
    at.file_uploader(key="bestand").set_value(("vacature.html", html.encode("utf-8"), "text/html"))
    at.button(key="screenen").click().run()
    assert not at.exception and not at.error
    df = at.dataframe[0].value
    assert set(df["soort"]) >= {"taal", "rijbewijs"}
    assert any("HTML" in w.value for w in at.warning)


def test_upload_binary_file_shows_error(at):
    at.file_uploader(key="bestand").set_value(("foto.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "text/plain"))
    at.button(key="screenen").click().run()
    assert not at.exception
    assert len(at.error) == 1 and "binary" in at.error[0].value


def test_result_survives_rerun_and_json_is_stored(at):
    at.text_area(key="tekst").input(VACATURE)
    at.button(key="screenen").click().run()
    result = at.session_state["resultaat"]
    assert json.loads(json.dumps(result)) == result
    assert result["requirements"]
    at.run()  # any other interaction reruns the script: the table stays
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == len(result["requirements"])


def test_occupation_is_shown_and_can_be_overridden(at):
    at.text_area(key="tekst").input(VACATURE)
    at.text_input(key="titel").input("Magazijnier (m/v/x)")
    at.button(key="screenen").click().run()
    shown = " ".join(m.value for m in at.markdown)
    assert "Beroep: Magazijnmedewerker" in shown and "knelpuntberoep" in shown
    assert "kans dat dit beroep klopt" in shown  # the link's calibrated confidence, not the match score
    at.text_input(key="beroep").input("Heftruckchauffeur")
    at.button(key="screenen").click().run()
    shown = " ".join(m.value for m in at.markdown)
    assert "Beroep: Heftruckchauffeur" in shown and "door jou gekozen" in shown


def rendered(markdown: str) -> str:
    """Markdown source as a reader sees it: backslash escapes and word joiners (ui/common.py plain) removed."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u2060", "")


def test_flags_panel_shows_reason_norm_and_suggestion(at):
    """A discriminatory and over-demanding vacancy: the flags appear, strong ones first, each with its texts."""
    text = ("Poetsvrouw gezocht\nProfiel\n- Je bent tussen 25 en 35 jaar.\n- Nederlands als moedertaal is vereist.\n"
            "- Je hebt een bachelordiploma.\nAanbod\nEen vast contract.\n")
    at.text_area(key="tekst").input(text)
    at.button(key="screenen").click().run()
    assert not at.exception and not at.error
    stored = at.session_state["resultaat"]["flags"]
    assert {"age", "origin_language", "gender"} <= {f["kind"] for f in stored}
    panels = [e for e in at.expander if re.search(r" — (sterk|licht) \(score ", e.label)]
    assert len(panels) == len(stored)
    assert all(("— sterk" in e.label) == (f["severity"] == "strong") for e, f in zip(panels, stored))
    severities = [f["severity"] for f in stored]
    assert severities == sorted(severities, key=lambda s: s != "strong")
    shown = rendered(" ".join(m.value for m in at.markdown))
    for f in stored:
        assert f["reason"] in shown and f["suggestion"] in shown
    assert any(f["norm"] in rendered(c.value) for c in at.caption for f in stored)


def test_a_demand_the_law_sets_is_marked_legal_and_not_flagged(at):
    """Written for this test: a childcare job with the legal minimum age and criminal-record extract."""
    text = ("Kinderbegeleider\nProfiel\n- Je bent minstens 18 jaar.\n- Je bezorgt een uittreksel uit het strafregister "
            "(model 2).\nAanbod\nEen vast contract.\n")
    at.text_area(key="tekst").input(text)
    at.text_input(key="titel").input("Kinderbegeleider")
    at.button(key="screenen").click().run()
    assert not at.exception and not at.error
    df = at.dataframe[0].value
    legal = [r.wettelijk for r in df.itertuples() if r.wettelijk]
    assert len(legal) == 2 and all(w.startswith("wettelijk vereist: ") for w in legal), legal
    assert at.session_state["resultaat"]["flags"] == []


def test_clean_vacancy_says_no_flags(at):
    at.text_area(key="tekst").input("Profiel\n- Je spreekt Nederlands op B1-niveau.\n- Ervaring is een pluspunt.\n")
    at.button(key="screenen").click().run()
    assert not at.exception
    assert at.session_state["resultaat"]["flags"] == []
    assert any("Geen te hoge" in s.value for s in at.success)


# -- the app's pages, the marked text, the rewrite, the occupation control, uploads, the label store --------------

DISCRIMINEREND = ("Poetsvrouw gezocht\nProfiel\n- Je bent tussen 25 en 35 jaar.\n- Nederlands als moedertaal is vereist.\n"
                  "- Je hebt een bachelordiploma.\n- Rijbewijs B is een troef.\nAanbod\nEen vast contract.\n")
PAGES = ["vacscreen/ui/pages/review.py", "vacscreen/ui/pages/bulk.py", "vacscreen/ui/pages/modellen.py",
         "vacscreen/ui/pages/over.py", "vacscreen/ui/pages/screenen.py"]


def minimal_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with the lines in Helvetica, written by hand (no PDF-writing library needed)."""
    def esc(s):
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    content = "BT /F1 11 Tf 72 760 Td 16 TL " + " ".join(f"({esc(x)}) Tj T*" for x in lines) + " ET"
    objs = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            "/Resources << /Font << /F1 5 0 R >> >> >>",
            f"<< /Length {len(content.encode('cp1252'))} >>\nstream\n{content}\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{o}\nendobj\n".encode("cp1252")
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def docx_bytes(paragraphs: list[str]) -> bytes:
    import io

    docx = pytest.importorskip("docx")
    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def html_of(at) -> str:
    return "\n".join(h.value for h in at.html)


def test_every_page_renders(at):
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, page
        assert not at.error, page
        assert len(at.title) == 1
    assert at.title[0].value == "vacscreen — vacature screenen"


def test_text_is_marked_by_kind_with_optional_and_flagged_spans(at):
    at.text_area(key="tekst").input(VACATURE)
    at.button(key="screenen").click().run()
    result = at.session_state["resultaat"]
    marked = html_of(at)
    for r in result["requirements"]:
        assert f'class="vs vs-{r["kind"]}' in marked
    assert 'vs-certificate vs-optional' in marked  # "VCA is een troef."
    assert 'vs-flagged' in marked and "vs-legenda" in marked
    for f in result["flags"]:
        assert f'data-flag="{f["kind"]}' in marked or f'{f["kind"]}"' in marked


def test_flags_and_rewritten_vacancy(at):
    at.text_area(key="tekst").input(DISCRIMINEREND)
    at.button(key="screenen").click().run()
    assert not at.exception and not at.error
    flags = at.session_state["resultaat"]["flags"]
    assert {"age", "origin_language"} <= {f["kind"] for f in flags}
    n_eisen = len(at.session_state["resultaat"]["requirements"])
    assert [t.label for t in at.tabs] == [f"Tekst en signalen ({len(flags)})", f"Eisen ({n_eisen})",
                                        "Herschreven vacature"]
    assert "vs-nieuw" in html_of(at)
    rewritten = at.code[0].value
    assert "Je bent tussen 25 en 35 jaar." not in rewritten and "Schrap de leeftijd" in rewritten
    assert "Rijbewijs B is een troef." in rewritten  # not flagged: unchanged
    # each suggestion can be rejected: unticking the age suggestion brings the original sentence back
    vakjes = [c for c in at.checkbox if c.key.startswith("voorstel-")]
    assert len(vakjes) >= 2 and all(c.value for c in vakjes)
    leeftijd = next(c for c in vakjes if c.key.endswith("-age"))
    leeftijd.uncheck().run()
    assert not at.exception
    rewritten = at.code[0].value
    assert "Je bent tussen 25 en 35 jaar." in rewritten and "Schrap de leeftijd" not in rewritten
    assert any(c.key.startswith("voorstel-") and c.value for c in at.checkbox)  # the others stay accepted


def test_html_input_is_marked_in_its_source(at):
    html = "<html><body><h2>Profiel</h2><ul><li>Je spreekt <b>vloeiend</b> Nederlands.</li></ul></body></html>"
    at.text_area(key="tekst").input(html)
    at.button(key="screenen").click().run()
    marked = html_of(at)
    assert "&lt;li&gt;" in marked and "vs-bron" in marked
    assert '<mark class="vs vs-language' in marked


def test_occupation_choice_rescreens_at_once(at):
    at.text_area(key="tekst").input(VACATURE)
    at.text_input(key="titel").input("Magazijnier")
    at.button(key="screenen").click().run()
    keuze = at.selectbox(key="beroep_keuze")
    assert keuze.value == "Magazijnmedewerker" and len(keuze.options) > 1
    other = next(o for o in keuze.options if o.lower() != "magazijnmedewerker")
    keuze.select(other).run()  # no click on Screenen
    assert not at.exception and not at.error
    occ = at.session_state["resultaat"]["occupation"]
    assert occ["name"] == other and occ["source"] == "user"
    assert at.text_input(key="beroep").value == other
    assert f"Beroep: {other}" in " ".join(m.value for m in at.markdown)


def test_occupation_and_its_alternatives_are_described(at):
    from vacscreen.occupations.reference import load_reference

    at.text_area(key="tekst").input(VACATURE)
    at.text_input(key="titel").input("Magazijnier")
    at.button(key="screenen").click().run()
    name = at.session_state["resultaat"]["occupation"]["name"]
    box = [e for e in at.expander if e.label.startswith(f"Wat houdt het beroep {name} in?")]
    assert len(box) == 1
    shown = rendered(" ".join(m.value for m in box[0].markdown))
    ref = load_reference()
    rec = ref.by_name(name)
    assert rec.description and rec.description in shown and all(t in shown for t in rec.titles)
    # each offered alternative the reference data describes is described in the same box
    described = [r for r in map(ref.by_name, at.selectbox(key="beroep_keuze").options) if r and r.description]
    assert len(described) > 1
    assert all(f"**{r.name}**" in shown and r.description in shown for r in described)


def test_occupation_free_text_rescreens_on_change(at):
    at.text_area(key="tekst").input(VACATURE)
    at.button(key="screenen").click().run()
    at.text_input(key="beroep").input("Heftruckchauffeur").run()  # on_change, no click
    assert at.session_state["resultaat"]["occupation"]["name"] == "Heftruckchauffeur"
    assert "door jou gekozen" in " ".join(m.value for m in at.markdown)


def test_upload_docx(at):
    data = docx_bytes(["Magazijnier", "Profiel", "Je spreekt vloeiend Nederlands.", "Rijbewijs B is een must."])
    at.file_uploader(key="bestand").set_value(("vacature.docx", data, "application/octet-stream"))
    at.button(key="screenen").click().run()
    assert not at.exception and not at.error
    assert set(at.dataframe[0].value["soort"]) >= {"taal", "rijbewijs"}
    assert at.session_state["origineel"].startswith("Magazijnier\nProfiel")
    assert 'class="vs vs-language' in html_of(at)


def test_upload_pdf(at):
    data = minimal_pdf(["Magazijnier", "Profiel", "- Je spreekt vloeiend Nederlands.", "- Rijbewijs B is een must."])
    at.file_uploader(key="bestand").set_value(("vacature.pdf", data, "application/pdf"))
    at.button(key="screenen").click().run()
    assert not at.exception and not at.error
    assert set(at.dataframe[0].value["soort"]) >= {"taal", "rijbewijs"}


@pytest.mark.parametrize("name,data,words", [
    ("kapot.docx", b"PK\x03\x04 dit is geen docx", "Word-document"),
    ("kapot.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog", "PDF"),
    ("foto.pdf", b"\x89PNG\r\n\x1a\n", "geen PDF"),
])
def test_broken_files_show_an_error(at, name, data, words):
    at.file_uploader(key="bestand").set_value((name, data, "application/octet-stream"))
    at.button(key="screenen").click().run()
    assert not at.exception
    assert len(at.error) == 1 and words in at.error[0].value and name in at.error[0].value
    assert "resultaat" not in at.session_state


def test_screening_is_saved_for_review(at, label_db):
    from vacscreen.review import Store

    at.text_area(key="tekst").input(VACATURE)
    at.button(key="screenen").click().run()
    result = at.session_state["resultaat"]
    with Store(str(label_db)) as store:
        ids = store.flag_ids(at.session_state["screening_id"])
        queued = store.queue("test", limit=50)
    assert len(ids) == len(result["flags"]) + len(result["review_candidates"]) and ids
    assert {q["vacancy_text"] for q in queued} == {VACATURE}
    first = at.session_state["screening_id"]
    at.button(key="screenen").click().run()  # the same screening again: not stored twice
    assert at.session_state["screening_id"] == first
    at.text_input(key="beroep").input("Heftruckchauffeur").run()  # another norm: another screening
    assert at.session_state["screening_id"] != first


def test_store_failure_is_a_warning(at, tmp_path, monkeypatch):
    from vacscreen.ui.common import label_store

    blocker = tmp_path / "bestand"
    blocker.write_text("x")
    monkeypatch.setenv("VACSCREEN_DB", str(blocker / "labels.db"))  # a folder that cannot exist
    label_store.clear()
    at.text_area(key="tekst").input(VACATURE)
    at.button(key="screenen").click().run()
    assert not at.exception and not at.error
    assert any("labeldatabank" in w.value for w in at.warning)
    assert len(at.dataframe) == 1  # the screening still shows
