"""Tests for vacscreen.text: input validation, HTML conversion/alignment, sections, language."""
from __future__ import annotations

import html as stdhtml
import json
import random
import re

import pytest
import realdata

from vacscreen.schema import InputError
from vacscreen.text import MAX_CHARS, Prepared, SectionSpan, prepare

DATA = realdata.vdab_path()
LABELS = {"vdab_fields", "description", "profile", "offer", "company", "other"}


@pytest.fixture(scope="module")
def vdab_texts() -> list[str]:
    with open(DATA, encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh]


def _check_cover(p: Prepared) -> None:
    """Sections cover p.text in order without gaps or empty spans."""
    assert p.sections, "no sections"
    assert p.sections[0].start == 0
    assert p.sections[-1].end == len(p.text)
    for a, b in zip(p.sections, p.sections[1:]):
        assert a.end == b.start
    for s in p.sections:
        assert isinstance(s, SectionSpan)
        assert s.start < s.end
        assert s.label in LABELS


def _same_offsets(p: Prepared) -> None:
    """Plain input: p.text differs from the original only by same-length whitespace replacements."""
    assert len(p.text) == len(p.original)
    for i, (a, b) in enumerate(zip(p.original, p.text)):
        assert a == b or ((a.isspace() or a == "\ufeff") and b in " \n"), (i, a, b)


def _visible(raw: str) -> str:
    """What a reader sees of an HTML fragment: tags stripped, entities decoded, spaces collapsed."""
    raw = re.sub(r"<[^>]*>", "", raw)
    return " ".join(stdhtml.unescape(raw).split())


# ---------------------------------------------------------------- plain text


def test_plain_text_offsets_identical():
    raw = "Functie:\tmedewerker\r\nJe hebt\xa0een rijbewijs\u202fB en\u2009ervaring.\r\nProfiel\r\nJe spreekt Nederlands."
    p = prepare(raw)
    assert not p.is_html
    assert p.original == raw
    assert len(p.text) == len(raw)
    assert "\t" not in p.text and "\r" not in p.text and "\xa0" not in p.text
    assert "\u202f" not in p.text and "\u2009" not in p.text
    for i, (a, b) in enumerate(zip(raw, p.text)):
        if a in "\t\xa0\u202f\u2009":
            assert b == " ", i
        elif a == "\r":
            assert b == "\n", i
        else:
            assert a == b, i
    for word in ("rijbewijs B", "ervaring", "Nederlands"):
        s = p.text.index(word)
        assert p.to_original(s, s + len(word)) == (s, s + len(word))
        assert raw[s : s + len(word)].replace("\u202f", " ") == word
    # the line heading after \r\n is still found
    assert p.section_at(p.text.index("Je spreekt")) == "profile"


def test_plain_text_to_original_clamps():
    p = prepare("Wij zoeken een magazijnier met een rijbewijs C.")
    n = len(p.text)
    assert p.to_original(-5, 3) == (0, 3)
    assert p.to_original(10, n + 100) == (10, n)
    assert p.to_original(7, 2) == (7, 7)


def test_stray_angle_brackets_are_not_html():
    p = prepare("Salaris < 3000 euro; ervaring > 2 jaar. Voorwaarde: a<b of <3 jaar.")
    assert not p.is_html
    assert p.text == p.original
    assert not any("HTML" in w for w in p.warnings)


def test_bytes_are_decoded():
    text = "Café zoekt een kelner met ervaring; Nederlands en Frans is een must."
    p = prepare(text.encode("utf-8"))
    assert p.original == text and p.text == text
    p = prepare(text.encode("cp1252"))
    assert p.original == text
    assert any("Windows-1252" in w for w in p.warnings)
    p = prepare(bytearray(text.encode("utf-8")))
    assert p.original == text
    p = prepare(text.encode("utf-16"))  # with byte-order mark
    assert p.original == text


# ---------------------------------------------------------------- rejected input


@pytest.mark.parametrize(
    "bad, fragment",
    [
        (None, "None"),
        (12, "int"),
        (["tekst"], "list"),
        ("", "empty"),
        (b"", "empty"),
        ("   \n\t  \r\n ", "whitespace"),
        ("\xa0\u2009 \n", "whitespace"),
    ],
)
def test_invalid_input_raises(bad, fragment):
    with pytest.raises(InputError) as exc:
        prepare(bad)
    assert fragment in str(exc.value)


@pytest.mark.parametrize(
    "blob",
    [
        bytes(range(256)) * 100,
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00",
        b"\x89PNG\r\n\x1a\n",
        b"%PDF-1.7\n\x00\x01\x02\x03",
        random.Random(1).randbytes(5000),
        b"\xff\xfe" + random.Random(2).randbytes(5000),  # fake UTF-16 mark
    ],
)
def test_binary_bytes_raise(blob):
    with pytest.raises(InputError):
        prepare(blob)


def test_binary_str_raises():
    with pytest.raises(InputError, match="binary"):
        prepare("Vacature\x00\x01\x02")
    with pytest.raises(InputError, match="binary"):
        prepare("ab\x01\x02\x03\x04cd\x05\x06")  # far more than 5 % control characters


def test_few_control_characters_are_tolerated():
    raw = "Functieomschrijving\x0c\nJe verwerkt facturen\x07 en bestellingen in SAP."
    p = prepare(raw)
    assert len(p.text) == len(raw)
    assert "\x07" not in p.text


def test_undecodable_bytes_raise():
    with pytest.raises(InputError, match="UTF-8"):
        prepare(b"Vacature \x81\x8d\x8f\x90\x9d")  # not UTF-8, and undefined in Windows-1252


def test_too_long_raises():
    with pytest.raises(InputError, match="too long"):
        prepare("a" * (MAX_CHARS + 1))


def test_html_without_text_raises():
    for raw in (
        "<div><p></p><br/><span> </span></div>",
        "<p>&nbsp;</p><br>",
        "<ul><li></li><li> </li></ul>",
        "<ol><li></li></ol><hr>",
        "<html><head><title>Vacature</title><script>var x = 1;</script></head><body></body></html>",
    ):
        with pytest.raises(InputError, match="HTML"):
            prepare(raw)


# ---------------------------------------------------------------- long text


def test_one_megabyte_dutch_text(vdab_texts):
    big = "\n\n".join(vdab_texts)
    big = (big * (MAX_CHARS // len(big) + 1))[: MAX_CHARS - 1000]
    p = prepare(big)
    assert len(p.text) == len(big) == MAX_CHARS - 1000
    assert p.language == "nl"
    assert f"very long text ({len(big)} characters)" in p.warnings
    _check_cover(p)
    # the repeated VDAB pages each produce their sections
    assert sum(1 for s in p.sections if s.label == "offer") > 100


# ---------------------------------------------------------------- HTML

HTML_DOC = """<!DOCTYPE html><html><head><title>Vacature</title>
<style>p { color: red }</style><script>var s = "<p>Profiel</p>";</script></head>
<body><h1>Administratief bediende</h1>
<div class="intro"><p>Voor onze klant in Gent zoeken wij een <strong>administratief&nbsp;bediende</strong>
(m/v/x) met zin voor orde &amp; netheid.</p></div>
<h2>Functieomschrijving</h2>
<ul><li>Je beheert de <em>facturatie</em> &amp; de boekhouding.</li>
<li>Je onderhoudt contacten met klanten uit Brussel &eacute;n Antwerpen.</li></ul>
<h2>Jouw profiel</h2>
<ol><li>Je hebt een bachelor in Office Management of gelijkwaardig door ervaring.</li>
<li>Je spreekt vloeiend Nederlands&#44; Frans en Engels&#x21;</li><li>2 jaar ervaring is een plus</li></ol>
<p><strong>Wat bieden wij?</strong><br>Een contract van onbepaalde duur.<br/>Maaltijdcheques &euro; 8 per dag.</p>
<!-- <p>verborgen commentaar</p> -->
<h3>Over ons</h3><p>Wij zijn een familiebedrijf uit Gent.</p>
</body></html>"""


def _lines(text: str) -> list[str]:
    return [re.sub(r"^(?:[*•-]|\d+\.)\s+", "", line.strip()) for line in text.split("\n") if line.strip()]


def test_html_is_converted():
    p = prepare(HTML_DOC)
    assert p.is_html
    assert p.original == HTML_DOC
    assert "input was HTML; converted to text" in p.warnings
    assert "<" not in p.text and "&amp;" not in p.text and "&eacute;" not in p.text
    assert "var s" not in p.text and "color: red" not in p.text and "verborgen" not in p.text
    lines = _lines(p.text)
    # headings and list items each on their own line
    for line in (
        "Administratief bediende",
        "Functieomschrijving",
        "Jouw profiel",
        "Over ons",
        "Je beheert de facturatie & de boekhouding.",
        "Je onderhoudt contacten met klanten uit Brussel én Antwerpen.",
        "Je spreekt vloeiend Nederlands, Frans en Engels!",
        "2 jaar ervaring is een plus",
        "Een contract van onbepaalde duur.",
        "Maaltijdcheques € 8 per dag.",
    ):
        assert line in lines, line
    assert "administratief bediende (m/v/x)" in p.text  # &nbsp; -> plain space


def test_html_sections():
    p = prepare(HTML_DOC)
    _check_cover(p)
    assert p.section_at(p.text.index("Voor onze klant")) == "description"
    assert p.section_at(p.text.index("Je beheert")) == "description"
    assert p.section_at(p.text.index("Je hebt een bachelor")) == "profile"
    assert p.section_at(p.text.index("Maaltijdcheques")) == "offer"
    assert p.section_at(p.text.index("familiebedrijf")) == "company"


@pytest.mark.parametrize(
    "span",
    [
        "administratief bediende",  # &nbsp; inside
        "orde & netheid",  # &amp;
        "netheid.",  # right after an entity
        "facturatie & de boekhouding",  # across </em> and an entity
        "Je beheert de facturatie",  # across <em>
        "Brussel én Antwerpen",  # &eacute; inside a word
        "Antwerpen.",  # after &eacute;
        "Nederlands, Frans en Engels!",  # numeric entities
        "2 jaar ervaring is een plus",  # after synthetic list numbers "3."
        "Wat bieden wij?",
        "€ 8 per dag",  # &euro;
        "Wij zijn een familiebedrijf uit Gent.",  # after a comment
    ],
)
def test_html_to_original(span):
    p = prepare(HTML_DOC)
    s = p.text.index(span)
    a, b = p.to_original(s, s + len(span))
    assert 0 <= a < b <= len(HTML_DOC)
    assert _visible(HTML_DOC[a:b]) == " ".join(span.split())


def test_html_to_original_every_word():
    p = prepare(HTML_DOC)
    last = -1
    for m in re.finditer(r"[^\s*]+", p.text):
        if re.fullmatch(r"\d+\.", m.group()):
            continue  # list numbers are added by the converter
        a, b = p.to_original(m.start(), m.end())
        assert _visible(HTML_DOC[a:b]) == m.group(), m.group()
        assert a > last  # monotone
        last = a


BROKEN = [
    "<p>Functieomschrijving<li>Je werkt <b>hard &amp; graag<div>Profiel: je hebt een rijbewijs B <span class=\"x",
    "<div><p>Onze <a href=\"x>y\">klant</a> zoekt &foo; en &amp een <br><br>medewerker</p></div></html></body>< p>",
    "<ul><li>een<li>twee<li>drie &lt;script&gt; <script>alert(1)",
    "<p>Jouw profiel:</p><ul><li>Je hebt <b>3 jaar ervaring</li></ul><!-- unclosed comment",
    "<table><tr><td>Loon<td>volgens barema</table></p></p></div>",
]


@pytest.mark.parametrize("raw", BROKEN)
def test_broken_html(raw):
    p = prepare(raw)
    assert p.is_html and p.text.strip()
    _check_cover(p)
    rng = random.Random(7)
    n = len(p.text)
    for _ in range(500):  # never raises, always inside the original, never reversed
        a, b = p.to_original(rng.randint(-10, n + 10), rng.randint(-10, n + 10))
        assert 0 <= a <= b <= len(raw)
    # the last word maps back onto itself
    word = re.findall(r"\w+", p.text)[-1]
    s = p.text.rindex(word)
    a, b = p.to_original(s, s + len(word))
    assert _visible(raw[a:b]) == word


def test_broken_html_content():
    p = prepare(BROKEN[0])
    assert "Je werkt hard & graag" in p.text
    assert p.section_at(p.text.index("rijbewijs")) == "profile"
    p = prepare(BROKEN[2])
    assert "alert" not in p.text and "<script>" in p.text  # escaped text stays, the script goes
    s = p.text.index("<script>")
    a, b = p.to_original(s, s + len("<script>"))
    assert BROKEN[2][a:b] == "&lt;script&gt;"


# ---------------------------------------------------------------- language


ENGLISH = (
    "Our bakery in the harbour district needs someone who enjoys early mornings and good bread. You will "
    "shape the dough, watch the ovens and keep the shop shelves full before the first customers arrive. "
    "We ask for a steady hand, some patience and English good enough to talk with our suppliers."
)


def test_english_text():
    p = prepare(ENGLISH)
    assert p.language == "en"
    assert any(w.startswith("language:") and "(en)" in w and "not Dutch" in w for w in p.warnings)


def test_french_text():
    p = prepare(
        "Nous recherchons un collaborateur administratif pour notre bureau de Bruxelles. Vous avez "
        "un diplôme de bachelier et une bonne connaissance du néerlandais. Nous offrons un contrat à "
        "durée indéterminée et des chèques-repas."
    )
    assert p.language == "fr"
    assert any("(fr)" in w for w in p.warnings)


def test_short_text_defaults_to_dutch():
    p = prepare("Rijbewijs B. Engels.")  # too short to judge
    assert p.language == "nl"
    assert not any(w.startswith("language:") for w in p.warnings)


def test_real_texts_language(vdab_texts):
    langs = [prepare(t).language for t in vdab_texts]
    assert langs.count("nl") >= 95
    assert set(langs) <= {"nl", "en"}
    # the VDAB page with an English body is recognised although its field block is Dutch
    english = [t for t in vdab_texts if "As a Scrum Master, you will" in t]
    assert english and prepare(english[0]).language == "en"


# ---------------------------------------------------------------- sections on real VDAB pages


def _line_pos(text: str, line: str) -> int:
    """Offset of the line after the whole-line heading ``line``."""
    return text.index("\n" + line + "\n") + len(line) + 2


@pytest.mark.parametrize("idx", [0, 1, 2, 3, 5])
def test_vdab_sections(vdab_texts, idx):
    p = prepare(vdab_texts[idx])
    assert not p.is_html
    _same_offsets(p)  # the VDAB texts hold some \xa0 / \t
    _check_cover(p)
    assert p.sections[0].label == "vdab_fields" and p.sections[0].heading is None
    text = p.text
    # the heading lines and the lines after them
    t = _line_pos(text, "Talenkennis")
    assert p.section_at(t - 5) == "vdab_fields"
    talen_line = text[t : text.index("\n", t)]
    assert "Nederlands" in talen_line
    assert all(p.section_at(i) == "vdab_fields" for i in range(t, t + len(talen_line)))
    for head in ("Contract", "Vereiste studies", "Werkervaring"):
        assert p.section_at(_line_pos(text, head)) == "vdab_fields", head
    assert p.section_at(_line_pos(text, "Functieomschrijving")) == "description"
    prof = _line_pos(text, "Profiel")
    assert p.section_at(prof - 3) == "profile"  # the heading line itself
    assert all(p.section_at(i) == "profile" for i in range(prof, prof + 40))
    offer = _line_pos(text, "Aanbod")
    assert all(p.section_at(i) == "offer" for i in range(offer, offer + 40))
    assert p.section_at(_line_pos(text, "Plaats tewerkstelling")) == "other"
    assert p.section_at(len(text) - 1) == "other"  # "Hoe solliciteren?" block
    assert p.section_at(text.index("Professionele vaardigheden") + 30) == "profile"


def test_vdab_licence_on_language_line(vdab_texts):
    p = prepare(vdab_texts[0])
    s = p.text.index("Rijbewijs B auto's")
    assert p.text[p.text.rindex("\n", 0, s) + 1 : s].startswith("Engels (Goed)")
    assert p.section_at(s) == "vdab_fields"


def test_vdab_profile_inside_offer_block(vdab_texts):
    text = next(t for t in vdab_texts if "\nAanbod\nWat verwachten wij van jou?" in t)
    p = prepare(text)
    aanbod = text.index("\nAanbod\n") + 1
    assert p.section_at(aanbod) == "offer"
    assert p.section_at(text.index("Aantoonbare ervaring", aanbod)) == "profile"


def test_vdab_inline_headings(vdab_texts):
    # an offer, then "Interesse? Solliciteer nu" (how to apply), then an inline profile heading (a real page, read
    # from ../shared/data at run time)
    text = vdab_texts[2]
    p = prepare(text)
    assert p.section_at(text.index("Interesse? Solliciteer")) == "other"
    assert p.section_at(text.index("Een fulltime functie")) == "offer"
    headings = [s.heading for s in p.sections]
    assert "Wat kan jij verwachten als Aankoper" in headings
    # "Profiel\nWie zoeken wij? - Je behaalde …" stays one profile section
    p0 = prepare(vdab_texts[0])
    prof = [s for s in p0.sections if s.label == "profile"]
    assert len(prof) == 1 and prof[0].heading == "Profiel"


def test_all_real_texts(vdab_texts):
    for text in vdab_texts:
        p = prepare(text)
        assert not p.is_html
        _same_offsets(p)
        _check_cover(p)
        labels = [s.label for s in p.sections]
        assert labels[0] == "vdab_fields"
        assert "description" in labels and labels[-1] == "other"
        for line, label in (("Aanbod", "offer"), ("Profiel", "profile"), ("Talenkennis", "vdab_fields")):
            # the heading line itself; the block may switch at once ("Aanbod\nWat verwachten wij
            # van jou? …" is a profile)
            if f"\n{line}\n" in text:
                assert p.section_at(text.index(f"\n{line}\n") + 1) == label


# ---------------------------------------------------------------- sections on non-VDAB text

NL_VACANCY = """Medewerker klantenservice (32-40 uur) in Utrecht
Ben jij klantgericht en houd je van een uitdaging? Bij ons kom je terecht in een hecht team. Wat ga je doen? Je beantwoordt vragen van klanten via telefoon en chat. Contact met klanten is belangrijk: je bent het eerste aanspreekpunt. Jouw profiel past bij ons als je graag helpt. Wie ben jij? - Je hebt minimaal een mbo 4-diploma. - Je spreekt vloeiend Nederlands en Engels. - Je hebt een rijbewijs B. Wat bieden wij? - Een salaris tot € 2.800 bruto per maand. - 25 vakantiedagen. Over ons: Wij zijn een snelgroeiend bedrijf in Utrecht met een sterk profiel in de markt. Interesse? Solliciteer via onze website."""


def test_netherlands_style_inline_headings():
    p = prepare(NL_VACANCY)
    _check_cover(p)
    assert p.language == "nl" and not p.warnings
    text = p.text
    at = lambda s: p.section_at(text.index(s))  # noqa: E731
    # no VDAB field block: the opening is description
    assert p.sections[0].label == "description"
    assert at("Ben jij klantgericht") == "description"
    assert at("Je beantwoordt") == "description"
    # false headings: "Contact …:" mid-text and "Jouw profiel past" are not headings
    assert at("Contact met klanten") == "description"
    assert at("Jouw profiel past") == "description"
    assert at("mbo 4-diploma") == "profile"
    assert at("rijbewijs B") == "profile"
    assert at("2.800 bruto") == "offer"
    assert at("vakantiedagen") == "offer"
    assert at("snelgroeiend bedrijf") == "company"
    assert at("sterk profiel") == "company"  # "profiel" inside a sentence
    assert at("Solliciteer via") == "other"
    assert [s.label for s in p.sections] == ["description", "profile", "offer", "company", "other"]
    assert [s.heading for s in p.sections] == [None, "Wie ben jij", "Wat bieden wij", "Over ons", "Interesse"]
    # the section starts at the heading
    prof = p.sections[1]
    assert text[prof.start :].startswith("Wie ben jij?")


def test_inline_heading_after_sentence_with_colon():
    text = (
        "Functieomschrijving Je plant de routes van onze chauffeurs en volgt de leveringen op. "
        "Jouw profiel: - Je hebt ervaring in transport. - Je bent stressbestendig. "
        "Wat mag je verwachten: een marktconform loon en ecocheques."
    )
    p = prepare(text)
    assert p.section_at(text.index("Je plant")) == "description"
    assert p.section_at(text.index("ervaring in transport")) == "profile"
    assert p.section_at(text.index("ecocheques")) == "offer"


def test_line_headings_variants():
    text = (
        "Wij zoeken een elektricien.\n"
        "TAKEN\nJe installeert laagspanningsborden.\n"
        "Wat vragen wij:\nJe hebt een A2 Elektriciteit.\n"
        "- Arbeidsvoorwaarden\nEen bedrijfswagen.\n"
        "Over de werkgever\nWij zijn een installateur uit Brugge.\n"
        "Contact\nBel 050 12 34 56.\n"
        "Profiel van een ideale kandidaat is gewenst\n"
    )
    p = prepare(text)
    at = lambda s: p.section_at(text.index(s))  # noqa: E731
    assert at("Wij zoeken") == "description"
    assert at("laagspanningsborden") == "description"
    assert at("A2 Elektriciteit") == "profile"
    assert at("bedrijfswagen") == "offer"
    assert at("installateur uit Brugge") == "company"
    assert at("050 12 34 56") == "other"
    assert at("ideale kandidaat") == "other"  # "Profiel …" in a sentence is no heading
    # vdab field headings are only recognised as whole lines
    p2 = prepare("Je bent een kei in Excel. Talenkennis: Nederlands en Frans. Contract: vast.")
    assert {s.label for s in p2.sections} == {"description"}


def test_headings_in_subordinate_word_order():
    text = ("Wie we zijn\nEen drukkerij in Lier.\n\nWat je gaat doen\n- Je stelt drukpersen af.\n\n"
            "Wat we van je vragen\n- Je hebt een diploma grafische technieken.\n\n"
            "Wat je van ons krijgt\n- Een fiets van de zaak.\n")
    p = prepare(text)
    at = lambda s: p.section_at(text.index(s))  # noqa: E731
    assert [at("drukkerij"), at("drukpersen"), at("grafische"), at("fiets")] == [
        "company", "description", "profile", "offer"]
    text = "Over ons\nEen woonzorgcentrum.\n\nJouw opdracht: je helpt bewoners.\n\nWat we verwachten:\n* een diploma\n"
    p = prepare(text)
    assert [p.section_at(text.index(w)) for w in ("woonzorg", "helpt", "een diploma")] == [
        "company", "description", "profile"]


def test_caps_heading_before_bullet():
    text = "Functieomschrijving\nJe ontvangt bezoekers. PROFIEL - Een diploma secretariaat is een must - Minimum 3 jaar ervaring"
    p = prepare(text)
    assert p.section_at(text.index("Je ontvangt")) == "description"
    assert p.section_at(text.index("Een diploma secretariaat")) == "profile"


def test_section_at_clamps():
    p = prepare(NL_VACANCY)
    assert p.section_at(-10) == "description"
    assert p.section_at(10**9) == "other"


def test_heading_block_is_the_text_under_one_heading():
    from vacscreen.text.sections import heading_block

    text = ("Functieomschrijving\nJe bouwt wegen.\nProfessionele vaardigheden\nSleuven graven De werf beveiligen\n"
            "Aanbod\nEen vast contract.\n")
    assert heading_block(text, "professionele vaardigheden") == "Sleuven graven De werf beveiligen"
    assert heading_block(text, "Aanbod") == "Een vast contract."
    assert heading_block(text, "Persoonlijke vaardigheden") == ""
