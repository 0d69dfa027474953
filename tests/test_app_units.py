"""The app's pure helpers (no AppTest): the rewrite, the marked text, the review context, file reading, bulk
tables and downloads, the Dutch wording of library messages."""
from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from vacscreen.schema import Flag
from vacscreen.ui.files import FileError, docx_text, pdf_text, read_upload
from vacscreen.ui.highlight import marked_html, strip_tags
from vacscreen.ui.rewrite import replacements, rewrite, rewritten_html

TEXT = "Profiel\n- Je bent max. 30 jaar.\n- Je spreekt vloeiend Nederlands.\n- Rijbewijs B is een troef.\n"


def flag(kind, text, suggestion, severity="strong", score=0.9, src=TEXT):
    start = src.index(text)
    return {"kind": kind, "severity": severity, "score": score, "text": text, "start": start,
            "end": start + len(text), "requirement": None, "reason": "r", "norm": "n", "source": "s",
            "suggestion": suggestion}


# -- rewrite --------------------------------------------------------------------------------------------------------
def test_rewrite_replaces_each_flag_span_by_its_suggestion():
    flags = [flag("language_too_high", "Je spreekt vloeiend Nederlands.", "Nederlands op niveau A2 (ERK)"),
             flag("age", "Je bent max. 30 jaar.", "Schrap de leeftijd.")]
    assert rewrite(TEXT, flags) == ("Profiel\n- Schrap de leeftijd.\n- Nederlands op niveau A2 (ERK)\n"
                                    "- Rijbewijs B is een troef.\n")
    assert [v.kind for v in replacements(TEXT, flags)] == ["age", "language_too_high"]  # text order
    assert rewrite(TEXT, []) == TEXT


def test_rewrite_applies_only_the_accepted_suggestions():
    flags = [flag("language_too_high", "Je spreekt vloeiend Nederlands.", "Nederlands op niveau A2 (ERK)"),
             flag("age", "Je bent max. 30 jaar.", "Schrap de leeftijd.")]
    age, language = replacements(TEXT, flags)
    assert rewrite(TEXT, flags, keep={language.key}) == TEXT.replace(language.old, language.new)
    assert rewrite(TEXT, flags, keep=set()) == TEXT
    assert "vs-nieuw" not in rewritten_html(TEXT, flags, keep=set())
    assert rewrite(TEXT, flags, keep=None) == rewrite(TEXT, flags)


def test_rewrite_overlaps_keep_the_stronger_flag():
    span = "Je spreekt vloeiend Nederlands."
    flags = [flag("language_too_high", span, "A2", severity="mild", score=0.95),
             flag("origin_language", "vloeiend Nederlands", "B1", severity="strong", score=0.6)]
    assert rewrite(TEXT, flags) == TEXT.replace("vloeiend Nederlands", "B1")
    flags[1]["severity"] = "mild"  # both mild: the higher score wins
    assert rewrite(TEXT, flags) == TEXT.replace(span, "A2")


def test_rewrite_skips_overload_missing_suggestion_and_bad_spans():
    flags = [flag("requirement_overload", "Profiel", "Behoud alleen de eisen die echt nodig zijn."),
             flag("age", "Je bent max. 30 jaar.", ""),
             {**flag("gender", "Rijbewijs", "x"), "start": 5, "end": 10_000},
             {**flag("gender", "Rijbewijs", "x"), "start": 7, "end": 7}]
    assert rewrite(TEXT, flags) == TEXT and replacements(TEXT, flags) == []


def test_rewrite_takes_flag_objects_and_escapes_html():
    src = "<li>Je bent <b>max</b> 30 jaar & ouder</li>"
    f = Flag(kind="age", severity="strong", score=0.9, text="max", start=src.index("<b>"), end=src.index("</b>") + 4,
             requirement=None, reason="", norm="", source="", suggestion="geen <leeftijd>")
    assert rewrite(src, [f]) == "<li>Je bent geen <leeftijd> 30 jaar & ouder</li>"
    out = rewritten_html(src, [f])
    assert '<del class="vs-oud">&lt;b&gt;max&lt;/b&gt;</del>' in out
    assert '<ins class="vs-nieuw" data-flag="age">geen &lt;leeftijd&gt;</ins>' in out and "&amp; ouder" in out


# -- marked text ----------------------------------------------------------------------------------------------------
def req(kind, text, required=True, src=TEXT):
    start = src.index(text)
    return {"kind": kind, "text": text, "start": start, "end": start + len(text), "required": required}


def test_marks_by_kind_optional_and_flagged():
    reqs = [req("criterion", "Je bent max. 30 jaar."), req("language", "Je spreekt vloeiend Nederlands."),
            req("licence", "Rijbewijs B is een troef.", required=False)]
    out = marked_html(TEXT, reqs, [flag("age", "Je bent max. 30 jaar.", "x")])
    assert '<mark class="vs vs-criterion vs-flagged" data-kind="criterion"' in out and 'data-flag="age"' in out
    assert '<mark class="vs vs-language" data-kind="language"' in out
    assert '<mark class="vs vs-licence vs-optional" data-kind="licence"' in out
    assert "vs-legenda" in out and "<style>" in out
    body = out[out.index('<div class="vs-tekst">'):]
    assert strip_tags(body).split() == TEXT.split()  # the text itself is unchanged


def test_marks_split_overlaps_and_escape():
    src = "a <b> Nederlands als moedertaal & meer"
    reqs = [req("language", "Nederlands als moedertaal", src=src), req("criterion", "moedertaal", src=src)]
    flags = [{"kind": "origin_language", "start": src.index("als"), "end": src.index("&") - 1}]
    out = marked_html(src, reqs, flags, source=True, legend=False)
    assert "a &lt;b&gt; " in out and "&amp; meer" in out and "vs-bron" in out
    assert '<mark class="vs vs-language" data-kind="language" title="taal · vereist">Nederlands </mark>' in out
    assert 'vs-language vs-flagged" data-kind="language"' in out  # "als " inside the flag
    assert '<mark class="vs vs-criterion vs-flagged" data-kind="criterion"' in out  # innermost wins
    assert '<div class="vs-legenda"' not in out


def test_marks_flag_without_requirement_and_clamped_offsets():
    out = marked_html("Profiel\nx", [], [{"kind": "requirement_overload", "start": 0, "end": 7},
                                         {"kind": "age", "start": 50, "end": 60}], legend=False)
    assert '<span class="vs-flagged"' in out and 'data-flag="requirement_overload">Profiel</span>' in out


# -- files ----------------------------------------------------------------------------------------------------------
def test_read_upload_types():
    assert read_upload("v.txt", b"Profiel") == b"Profiel"  # screen() decodes and checks
    assert read_upload("V.HTML", b"<p>x</p>") == b"<p>x</p>"
    for name, data, words in [("v.doc", b"x", "niet ondersteund"), ("v", b"x", "geen extensie"),
                              ("v.txt", b"", "leeg")]:
        with pytest.raises(FileError, match=words):
            read_upload(name, data)


def test_docx_paragraphs_and_tables_in_order():
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("Profiel")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "Taal", "Nederlands B2"
    t.cell(1, 0).merge(t.cell(1, 1)).text = "Rijbewijs B"
    d.add_paragraph("Aanbod")
    buf = io.BytesIO()
    d.save(buf)
    assert docx_text(buf.getvalue()) == "Profiel\nTaal | Nederlands B2\nRijbewijs B\nAanbod"
    empty = io.BytesIO()
    docx.Document().save(empty)
    with pytest.raises(FileError, match="geen tekst"):
        docx_text(empty.getvalue(), "leeg.docx")


def test_pdf_text_and_errors():
    from test_app import minimal_pdf  # tests/ is on sys.path (rootdir conftest, no package)

    assert pdf_text(minimal_pdf(["Profiel", "Je spreekt (vloeiend) Nederlands."])) == \
        "Profiel\nJe spreekt (vloeiend) Nederlands."
    with pytest.raises(FileError, match="geen leesbare tekst"):
        pdf_text(minimal_pdf([]), "scan.pdf")
    with pytest.raises(FileError, match="beschadigd"):
        pdf_text(b"%PDF-1.7\nrommel", "kapot.pdf")


# -- bulk -----------------------------------------------------------------------------------------------------------
def test_bulk_reads_csv_semicolons_jsonl_and_xlsx():
    from vacscreen.ui.bulk import read_table, screening_rows, xlsx_bytes

    csv_ = "ID;Titel;Tekst\n7;Kok;\"Profiel\n- Je kookt.\"\n8;;\n".encode("cp1252")
    rows = screening_rows(read_table("v.csv", csv_))
    assert rows == [{"text": "Profiel\n- Je kookt.", "id": "7", "title": "Kok"}, {"text": "", "id": "8", "title": None}]
    jsonl = b'{"text": "a", "occupation": "Kok"}\n{"text": null, "id": 5}\n'
    assert screening_rows(read_table("v.jsonl", jsonl)) == [{"text": "a", "id": "1", "occupation": "Kok"},
                                                            {"text": "", "id": "5", "occupation": None}]
    data = xlsx_bytes({"blad": pd.DataFrame({"id": [1, 2], "text": ["Profiel\x07 x", None]})})
    assert screening_rows(read_table("v.xlsx", data)) == [{"text": "Profiel  x", "id": "1"}, {"text": "", "id": "2"}]
    for name, data, words in [("v.csv", b"id,body\n1,x\n", "geen kolom 'text'"),
                              ("v.xlsx", b"PK\x03\x04kapot", "kan niet gelezen"),
                              ("v.jsonl", b"{kapot", "kan niet gelezen"), ("v.tsv", b"a", "niet ondersteund")]:
        with pytest.raises(FileError, match=words):
            read_table(name, data)


def test_bulk_overview_filters():
    from vacscreen.ui.bulk import detail, filter_summary, summary

    results = [{"id": "a", "occupation": {"name": "Kok", "bottleneck": True}, "requirements": [{}],
                "flags": [{"kind": "age", "severity": "strong", "score": 0.9, "text": "t", "reason": "", "norm": "",
                           "source": "", "suggestion": ""}]},
               {"id": "b", "occupation": {"name": "Kok"}, "requirements": [], "flags": []},
               {"id": "c", "title": None, "error": "input is empty"}]
    df = summary(results)
    assert list(df["signalen"].astype(object)) == [1, 0, pd.NA] and list(df["knelpuntberoep"]) == ["ja", "nee", ""]
    assert df["fout"].iloc[2].startswith("de invoer is leeg")
    ok = df[df["fout"] == ""]
    assert list(filter_summary(ok, [], ["age"], [])["id"]) == ["a"]
    assert list(filter_summary(ok, [], [], ["geen"])["id"]) == ["b"]
    assert list(filter_summary(ok, ["Kok"], [], ["strong", "geen"])["id"]) == ["a", "b"]
    assert len(detail(results, {1, 2}, ["gender"], [])) == 0 and len(detail(results, {1}, [], ["strong"])) == 1


# -- messages -------------------------------------------------------------------------------------------------------
def test_library_messages_in_dutch():
    from vacscreen.ui.common import nl

    assert nl("input looks like binary data (e.g. an image or PDF), not text").startswith("dit lijkt een binair")
    assert nl("language: text looks English (en), not Dutch; results may be incomplete").startswith(
        "de tekst lijkt Engels, niet Nederlands")
    assert nl("something new") == "something new"
    assert json.dumps(nl("input is empty"))


# -- occupation descriptions ---------------------------------------------------------------------------------------
def test_occupation_descriptions_each_once_and_only_known_ones():
    from vacscreen.occupations.reference import load_reference
    from vacscreen.api import describe_occupations as beschrijvingen

    rec = load_reference().by_name("Plaatser binnenschrijnwerk")
    out = beschrijvingen(["Plaatser binnenschrijnwerk", "plaatser BINNENSCHRIJNWERK", "Geen beroep xyzzy",
                          "Plaatser buitenschrijnwerk"])
    assert [n for n, _, _ in out] == ["Plaatser binnenschrijnwerk", "Plaatser buitenschrijnwerk"]
    assert out[0] == (rec.name, ", ".join(rec.titles), rec.description)
    assert beschrijvingen([]) == [] and beschrijvingen(["Geen beroep xyzzy"]) == []


def test_plain_text_renders_as_itself_in_markdown():
    """Issue 20: what a vacancy or a user wrote becomes no link, image, HTML, heading or emphasis in st.markdown."""
    import html

    from markdown_it import MarkdownIt

    from vacscreen.ui.common import plain

    md = MarkdownIt("commonmark")
    for text in ("![x](http://evil.example/t.png)", "[hier](https://evil.example)", "<img src=x onerror=alert(1)>",
                 "# kop", "*schuin* en **vet** en `code`", "1. lijst", "- punt", "$x^2$", ":red[rood]",
                 "https://evil.example/pad", "www.evil.example", "iemand@evil.example", "a\\b", "tabel | kolom", "> citaat", "~~weg~~"):
        rendered = md.render(plain(text))
        assert rendered.startswith("<p>") and rendered.endswith("</p>\n"), (text, rendered)  # one paragraph
        inner = rendered[3:-5]
        # no tag; the text as written (with a word joiner that keeps bare addresses from becoming links)
        assert "<" not in inner and html.unescape(inner).replace("\u2060", "") == text, (text, rendered)


def test_the_review_context_is_the_paragraph_with_its_routes():
    """Issue 20: a reviewer sees the routes around a demand, not one sentence."""
    from vacscreen.ui.highlight import paragraph_around

    text = ("Over ons\nWe zijn een school.\n\nJe hebt ofwel een bachelor in het onderwijs,\nofwel een "
            "getuigschrift pedagogische bekwaamheid,\nofwel 60 studiepunten en 150 uren stage.\n\nAanbod\nEen contract.")
    s = text.index("ofwel een getuigschrift")
    before, span, after = paragraph_around(text, s, s + 30)
    assert before.startswith("Je hebt ofwel een bachelor") and after.endswith("150 uren stage.")
    assert "Over ons" not in before and "Aanbod" not in after
    long = "woord " * 400
    before, _, after = paragraph_around(long + "X" + long, len(long), len(long) + 1, limit=100)
    assert len(before) <= 100 and len(after) <= 100
    assert paragraph_around("abc", 10, 20) == ("abc", "", "")


def test_profile_sources_are_shown_in_dutch():
    import vacscreen
    from vacscreen.ui.common import source_nl

    shown = [source_nl(x) for x in vacscreen.screen("Profiel\n- Je hebt rijbewijs B.", title="Werfleider")
             .occupation.profile_sources]
    assert shown and all(not any(w in x for w in ("fallback", "default:", "estimated", " row ")) for x in shown), shown
    assert source_nl("iets onbekends") == "iets onbekends"


def test_activation_reasons_are_summarised_in_dutch():
    from vacscreen.flags.registry import Registry
    from vacscreen.ui.models import reason_nl

    for h in Registry().history():
        assert reason_nl(h["reason"]) != h["reason"], h["reason"]  # every shipped reason has a Dutch summary
    assert reason_nl("activated in the app by anna") == "geactiveerd in de app door anna"
    assert reason_nl("iets nieuws") == "iets nieuws"


def test_vacscreen_app_loads_models_and_the_store_before_streamlit_starts(monkeypatch, label_db):
    """`vacscreen app` (make run): the label store has its admin and every model is loaded when Streamlit starts,
    so that the first screening in a browser does not wait for them."""
    import sys

    from streamlit.web import cli as st_cli

    from vacscreen import api
    from vacscreen.review import Store, default_url
    from vacscreen.ui import serve

    seen = {}

    def fake_main():
        seen["argv"] = list(sys.argv)
        seen["loaded"] = set(api.default_screener()._parts)
        store = Store(default_url())
        seen["users"] = [u["username"] for u in store.users()]
        store.close()
        return 0

    monkeypatch.setattr(st_cli, "main", fake_main)
    monkeypatch.setattr(sys, "argv", ["vacscreen"])
    assert serve.serve(["--server.headless", "true"]) == 0
    assert seen["argv"] == ["streamlit", "run", str(serve.APP), "--server.headless", "true"]
    assert {("pipeline", True), ("flagger", None), "linking"} <= seen["loaded"]
    assert "admin" in seen["users"]
