"""The Streamlit page (app.py) through streamlit.testing.v1.AppTest: paste, click, read the table."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

AppTest = pytest.importorskip("streamlit.testing.v1").AppTest

APP = Path(__file__).resolve().parents[1] / "app.py"
TIMEOUT = 60  # the first run loads spaCy and the trained component

VACATURE = ("Magazijnier\nFunctieomschrijving\nVoor ons distributiecentrum in Mechelen zoeken we een magazijnier.\n"
            "Profiel\n- Je hebt minstens 2 jaar ervaring als magazijnier.\n- Je spreekt vloeiend Nederlands.\n"
            "- Rijbewijs B is een must.\n- VCA is een troef.\nAanbod\nEen vast contract met maaltijdcheques.\n")


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
    assert list(df.columns) == ["soort", "tekst", "vereist", "waarde", "sectie"]
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
    at.text_input(key="beroep").input("Heftruckchauffeur")
    at.button(key="screenen").click().run()
    shown = " ".join(m.value for m in at.markdown)
    assert "Beroep: Heftruckchauffeur" in shown and "door jou gekozen" in shown


def test_flags_panel_shows_reason_norm_and_suggestion(at):
    """A discriminatory and over-demanding vacancy: the flags appear, strong ones first, each with its texts."""
    text = ("Poetsvrouw gezocht\nProfiel\n- Je bent tussen 25 en 35 jaar.\n- Nederlands als moedertaal is vereist.\n"
            "- Je hebt een bachelordiploma.\nAanbod\nEen vast contract.\n")
    at.text_area(key="tekst").input(text)
    at.button(key="screenen").click().run()
    assert not at.exception and not at.error
    stored = at.session_state["resultaat"]["flags"]
    assert {"age", "origin_language", "gender"} <= {f["kind"] for f in stored}
    assert len(at.expander) == len(stored)
    severities = [f["severity"] for f in stored]
    assert severities == sorted(severities, key=lambda s: s != "strong")
    shown = " ".join(m.value for m in at.markdown)
    for f in stored:
        assert f["reason"] in shown and f["suggestion"] in shown
    assert any(f["norm"] in c.value for c in at.caption for f in stored)


def test_clean_vacancy_says_no_flags(at):
    at.text_area(key="tekst").input("Profiel\n- Je spreekt Nederlands op B1-niveau.\n- Ervaring is een pluspunt.\n")
    at.button(key="screenen").click().run()
    assert not at.exception
    assert at.session_state["resultaat"]["flags"] == []
    assert any("Geen te hoge" in s.value for s in at.success)
