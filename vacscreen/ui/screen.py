"""Page "Screenen": paste or upload a vacancy, screen it, see the requirements marked in the text, the flags, the
linked occupation (change it: the vacancy is screened again at once), the rewritten vacancy and the JSON.

Widget keys: tekst, bestand, titel, beroep, screenen, beroep_keuze, weergave (tabs), download.
Session state: resultaat (Screening.to_dict()), fout, opslag_fout, origineel (the text the offsets refer to),
is_html, naam, beroep_opties, screening_id (label store), _opgeslagen (what this session stored already)."""
from __future__ import annotations

import hashlib
import json
import re
from typing import Optional

import pandas as pd
import streamlit as st

from vacscreen.api import describe_occupations, input_text
from vacscreen.schema import InputError
from vacscreen.ui.common import (
    error_text,
    flag_label,
    nl,
    open_store,
    pipeline,
    plain,
    source_nl,
)
from vacscreen.ui.files import TYPES, FileError, read_upload
from vacscreen.ui.highlight import css, marked_html
from vacscreen.ui.rewrite import replacements, rewrite, rewritten_html
from vacscreen.vocab import (
    CRITERION_LABELS,
    LANGUAGE_NAMES,
    REQUIREMENT_LABELS,
    SECTION_LABELS,
    SEVERITY_LABELS,
)

TITLE = "vacscreen — vacature screenen"
COLUMNS = ["soort", "tekst", "vereist", "waarde", "sectie", "wettelijk"]
REVIEW_FLOOR = 0.1  # candidates scoring at least this go to the label store for reviewers
LINK_SOURCES = {"vdab_field": "VDAB-veld 'VDAB-beroep'", "title": "functietitel", "text": "vacaturetekst",
                "user": "door jou gekozen"}


# -- table of requirements ------------------------------------------------------------------------------------------
def _years(lo, hi) -> str:
    def n(x):
        return f"{x:g}"

    if lo is not None and hi is not None:
        return f"{n(lo)}–{n(hi)} jaar"
    if lo is not None:
        return "geen" if lo == 0 else f"≥ {n(lo)} jaar"
    if hi is not None:
        return f"< {n(hi)} jaar"
    return ""


def value_nl(r: dict) -> str:
    """The normalised value of a requirement, in words."""
    k = r["kind"]
    if k == "education":
        parts = [r.get("level") or ""]
        if r.get("vks") is not None:
            parts.append(f"(VKS {r['vks']})")
        if r.get("field"):
            parts.append(f"– {r['field']}")
        if r.get("or_equivalent"):
            parts.append("of gelijkwaardig")
        return " ".join(p for p in parts if p)
    if k == "language":
        language = LANGUAGE_NAMES.get(r.get("language"), r.get("language") or "")
        return f"{language} {r['cefr']}" if r.get("cefr") else language
    if k == "experience":
        s = _years(r.get("min_years"), r.get("max_years"))
        if r.get("domain"):
            s = f"{s}, {r['domain']}" if s else r["domain"]
        return s
    if k in ("licence", "certificate"):
        return r.get("name") or ""
    if k == "criterion":
        return CRITERION_LABELS.get(r.get("category"), r.get("category") or "")
    return ""


def requirements_table(result: dict) -> pd.DataFrame:
    rows = [{"soort": REQUIREMENT_LABELS.get(r["kind"], r["kind"]), "tekst": " ".join(r["text"].split()),
             "vereist": "ja" if r["required"] else "nee", "waarde": value_nl(r),
             "sectie": SECTION_LABELS.get(r["section"], r["section"]),
             "wettelijk": f"wettelijk vereist: {r['legal_basis']}" if r.get("legal_basis") else ""}
            for r in result["requirements"]]
    return pd.DataFrame(rows, columns=COLUMNS)


def download_name(name: Optional[str], suffix: str = ".vacscreen.json") -> str:
    stem = re.sub(r"\.[^.]*$", "", name or "") or "vacature"
    return re.sub(r"[^\w.-]+", "-", stem).strip("-") + suffix


# -- screening (button and callbacks) -------------------------------------------------------------------------------
def _options(occ) -> list[str]:
    """The linked occupation and its alternatives, each name once (case-insensitive)."""
    if occ is None:
        return []
    names, seen = [], set()
    for name in [occ.name, *(a["name"] for a in occ.alternatives)]:
        if name and name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names


def screen_form(new_vacancy: bool = True) -> None:
    """Screen what the form holds (the uploaded file, else the pasted text) with its title and occupation, keep
    the result in session state and save it to the label store. new_vacancy=False (an occupation change) keeps the
    list of occupations to choose from."""
    ss = st.session_state
    for k in ("resultaat", "fout", "opslag_fout", "screening_id"):
        ss.pop(k, None)
    upload = ss.get("bestand")
    title = (ss.get("titel") or "").strip() or None
    occupation = (ss.get("beroep") or "").strip() or None
    try:
        if upload is not None:
            content, name = read_upload(upload.name, upload.getvalue()), upload.name
        else:
            content, name = ss.get("tekst") or "", None
        original, is_html = input_text(content)  # the string the offsets refer to (InputError like screen())
        screening = pipeline()(content, id=name, title=title, occupation=occupation, review_floor=REVIEW_FLOOR)
    except FileError as e:
        ss["fout"] = str(e)
        return
    except InputError as e:
        ss["fout"] = f"Deze invoer kan niet gescreend worden: {nl(str(e))}"
        return
    except Exception as e:  # noqa: BLE001 - never show a traceback to the user
        ss["fout"] = f"Er ging iets mis bij het screenen ({error_text(e)})."
        return
    ss["resultaat"] = screening.to_dict()
    ss["naam"] = name
    ss["origineel"] = original
    ss["is_html"] = is_html
    if new_vacancy:
        ss["beroep_opties"] = _options(screening.occupation)
        ss["beroep_keuze"] = screening.occupation.name if screening.occupation else None
    # The same text screened again in this session with the same occupation and model (e.g. a second click) is
    # not stored twice: reviewers would see its flags twice.
    cache_key = (hashlib.sha1(original.encode("utf-8")).hexdigest(), screening.model_version,
                 screening.occupation.name if screening.occupation else None, title)
    saved = ss.setdefault("_opgeslagen", {})
    if cache_key in saved:
        ss["screening_id"] = saved[cache_key]
        return
    store, error = open_store()
    if store is None:
        ss["opslag_fout"] = error
        return
    try:
        ss["screening_id"] = saved[cache_key] = store.save_screening(screening.for_review(), original)
    except Exception as e:  # noqa: BLE001
        ss["opslag_fout"] = f"De screening is niet opgeslagen voor review ({error_text(e)})."


def _occupation_typed() -> None:
    """on_change of the free-text occupation: screen again at once when there is a result."""
    ss = st.session_state
    if ss.get("resultaat") is None:
        return
    typed = (ss.get("beroep") or "").strip()
    ss["beroep_keuze"] = typed if typed in ss.get("beroep_opties", []) else None
    screen_form(new_vacancy=False)


def _occupation_chosen() -> None:
    """on_change of the occupation selectbox: the choice becomes the occupation, screened again at once."""
    ss = st.session_state
    choice = ss.get("beroep_keuze")
    if not choice:
        return
    ss["beroep"] = choice
    screen_form(new_vacancy=False)


# -- result panels --------------------------------------------------------------------------------------------------
def _occupation_facts(occ: dict) -> list[str]:
    """The short facts after the occupation's name: how it was found, level, bottleneck, regulated, profile."""
    if occ["source"] == "user":
        facts = [LINK_SOURCES["user"]]
    else:
        facts = [f"gevonden via {LINK_SOURCES.get(occ['source'], occ['source'])}"]
        if occ.get("confidence") is not None:
            # the calibrated probability that this occupation fits (occupations/confidence.py), not the match score
            facts.append(f"kans dat dit beroep klopt {occ['confidence'] * 100:.0f}%")
    if occ.get("vks") is not None:
        facts.append(f"typisch niveau VKS {occ['vks']}")
    facts.append("knelpuntberoep" if occ.get("bottleneck") else "geen knelpuntberoep")
    if occ.get("regulated"):
        facts.append("gereglementeerd beroep")
    prof = occ.get("profile")
    if prof is None:
        facts.append("geen beroepsprofiel bekend")
    elif prof.get("fallback"):
        facts.append("niveau geschat uit de ISCO-beroepsgroep (lage zekerheid)")
    return facts


def _profile_lines(prof: dict) -> list[str]:
    """The occupation profile as bullet lines: level, languages, legal requirements, experience, codes."""
    lines = []
    rng = prof.get("vks_range")
    if prof.get("typical_vks") is not None:
        range_note = f" (bereik VKS {rng[0]}–{rng[1]})" if rng and rng[0] != rng[1] else ""
        lines.append(f"Typisch opleidingsniveau: VKS {prof['typical_vks']}{range_note}")
    if prof.get("dutch_level"):
        lines.append(f"Nederlands: {prof['dutch_level']}"
                     + (f" — {prof['dutch_level_note']}" if prof.get("dutch_level_note") else ""))
    if prof.get("foreign_language"):
        lines.append(f"Andere talen: {prof['foreign_language']}")
    if prof.get("legal_requirement"):
        lines.append(f"Wettelijke vereiste: {prof['legal_requirement']}")
    if prof.get("legal_note"):
        lines.append(f"Niet wettelijk vereist: {prof['legal_note']}")
    if prof.get("experience_norm_years") is not None:
        lines.append(f"Gebruikelijke ervaring: {prof['experience_norm_years']} jaar")
    codes = [c for c in (f"ISCO {prof['isco']}" if prof.get("isco") else "",
                         prof.get("bk_code") or "") if c]
    if codes:
        confidence = CONFIDENCE_NL.get(prof.get("confidence"), "onbekend")
        lines.append("Codes: " + ", ".join(codes) + f" · zekerheid van het profiel: {confidence}")
    return lines


def _occupation_descriptions(occ: dict, options: list) -> None:
    """An expander describing the linked occupation and the suggested alternatives."""
    # a recruiter choosing between neighbours ("Plaatser binnenschrijnwerk" or "... buitenschrijnwerk") sees the difference
    descriptions = describe_occupations([occ["name"], *options])
    if descriptions:
        own = descriptions[0][0].lower() == occ["name"].lower()
        heading = (f"Wat houdt het beroep {plain(descriptions[0][0])} in?" if own
                   else "Wat doen de voorgestelde beroepen?")
        with st.expander(heading + (" En de andere voorstellen?" if own and len(descriptions) > 1 else "")):
            for name, titles, text in descriptions:
                also = f" — ook: {plain(titles)}" if titles else ""
                st.markdown(f"**{plain(name)}**{also}" + (f"\n\n{plain(text)}" if text else ""))
            st.caption("Beschrijvingen en functietitels van VDAB-beroepen: geschreven door het vacscreen-project "
                       "(occupation_texts.csv); van ESCO-beroepen: ESCO.")


def occupation_info(occ: Optional[dict]) -> None:
    """The linked occupation, its profile and a control to choose another one."""
    if not occ:
        st.info("Er kon geen beroep gekoppeld worden; vul hierboven een beroep in om de eisen ermee te vergelijken.")
        return
    facts = _occupation_facts(occ)
    prof = occ.get("profile")
    st.markdown(f"**Beroep: {plain(occ['name'])}** — " + " · ".join(plain(x) for x in facts))
    if prof:
        lines = _profile_lines(prof)
        if lines:
            st.markdown("\n".join(f"- {plain(r)}" for r in lines))
    if occ.get("profile_sources"):
        sources = list(dict.fromkeys(source_nl(x) for x in occ["profile_sources"]))
        st.caption("Bronnen van het profiel: " + "; ".join(plain(x) for x in sources)
                   + (f" · lijst knelpuntberoepen {occ['data_year']}" if occ.get("data_year") else ""))
    options = st.session_state.get("beroep_opties") or []
    _occupation_descriptions(occ, options)
    if len(options) > 1:
        st.selectbox("Ander beroep kiezen (de vacature wordt meteen opnieuw gescreend)", options, key="beroep_keuze",
                     on_change=_occupation_chosen, placeholder="Kies een beroep …",
                     help="Of typ een beroep in het veld 'Beroep' bovenaan: ook dan wordt meteen opnieuw gescreend.")




CONFIDENCE_NL = {"high": "hoog", "medium": "middel", "low": "laag", "gold": "door annotatoren gegeven"}


def show_flags(flags: list[dict]) -> None:
    """The flags, strongest first (screen() sorts them), each with reason, norm, source and a better wording."""
    if not flags:
        st.success("Geen te hoge of discriminerende eisen gevonden.")
        return
    st.subheader(f"{len(flags)} {'signaal' if len(flags) == 1 else 'signalen'}")
    for f in flags:
        severity = SEVERITY_LABELS.get(f["severity"], f["severity"])
        heading = f"{flag_label(f['kind'])} — {severity} (score {f['score']:.2f})"
        # the severity in words and as a Material icon (Streamlit's own font): no emoji font needed
        icon = ":material/error:" if f["severity"] == "strong" else ":material/warning:"
        with st.expander(heading, expanded=f["severity"] == "strong", icon=icon):
            st.markdown(f"> {plain(' '.join(f['text'].split()))}")
            st.markdown(f"**Waarom:** {plain(f['reason'])}")
            st.markdown(f"**Beter:** {plain(f['suggestion'])}")
            st.caption(f"Norm: {plain(f['norm'])} · Bron: {plain(f['source'])}")


def show_rewrite(text: str, flags: list[dict], is_html: bool) -> None:
    """The vacancy with the flagged spans replaced by the suggestions the user accepts (each one can be unticked:
    a suggestion replaces a whole passage and may not fit the sentence around it)."""
    proposals = replacements(text, flags)
    if not proposals:
        st.info("Geen signalen met een betere formulering: de tekst blijft zoals hij is.")
        return
    st.caption("Vink af wat je niet wil overnemen. Lees het resultaat na: de voorstellen zijn een vertrekpunt, geen "
               "kant-en-klare tekst." + (" De tekst is de HTML-bron." if is_html else ""))
    text_key = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    accepted = set()
    for v in proposals:
        old = " ".join(v.old.split())
        label = f"{plain(old[:120] + ('…' if len(old) > 120 else ''))} → {plain(v.new)}"
        if st.checkbox(label, value=True, key=f"voorstel-{text_key}-{v.start}-{v.end}-{v.kind}"):
            accepted.add(v.key)
    st.html(css() + f'<div class="vs-tekst vs-herschreven{" vs-bron" if is_html else ""}">'
            + rewritten_html(text, flags, accepted) + "</div>")
    st.caption("Zonder markeringen (kopieer met de knop rechtsboven):")
    st.code(rewrite(text, flags, accepted), language=None, wrap_lines=True)


def show_result(result: dict) -> None:
    ss = st.session_state
    df = requirements_table(result)
    n_required = int((df["vereist"] == "ja").sum())
    language = LANGUAGE_NAMES.get(result["language"], result["language"])
    st.subheader(f"{len(df)} eisen gevonden ({n_required} vereist, {len(df) - n_required} pluspunt)")
    st.caption(f"Taal van de tekst: {language} · model: {result['model_version']}")
    for w in result["warnings"]:
        st.warning(f"Let op: {plain(nl(w))}")
    if ss.get("opslag_fout"):
        st.warning(f"{ss['opslag_fout']} De screening zelf is wel gelukt.")
    occupation_info(result.get("occupation"))
    flags = result.get("flags", [])
    text = ss.get("origineel") or ""
    is_html = bool(ss.get("is_html"))
    tab_text, tab_requirements, tab_rewrite = st.tabs(
        [f"Tekst en signalen ({len(flags)})", f"Eisen ({len(df)})", "Herschreven vacature"], key="weergave")
    with tab_text:
        left, right = st.columns([3, 2], gap="medium")
        with left:
            if is_html:
                st.caption("HTML-invoer: de markeringen staan in de HTML-bron zoals je die gaf.")
            st.html(marked_html(text, result["requirements"], flags, source=is_html))
        with right:
            show_flags(flags)
    with tab_requirements:
        if len(df):
            st.dataframe(df, hide_index=True, width="stretch")
        else:
            st.info("Geen eisen gevonden in deze tekst.")
    with tab_rewrite:
        show_rewrite(text, flags, is_html)
    st.download_button("JSON downloaden", data=json.dumps(result, ensure_ascii=False, indent=2),
                       file_name=download_name(ss.get("naam")), mime="application/json", key="download",
                       on_click="ignore")


def page() -> None:
    ss = st.session_state
    st.title(TITLE)
    st.write("Plak een vacaturetekst (gewone tekst of HTML) of upload een bestand en klik op **Screenen**. "
             "vacscreen haalt de eisen eruit (opleiding, talen, ervaring, rijbewijzen en attesten), zegt of ze "
             "vereist zijn of een pluspunt, en signaleert eisen die te hoog zijn voor het beroep of discrimineren, "
             "met de reden, de norm, de bron en een betere formulering.")
    st.text_area("Vacaturetekst", key="tekst", height=300,
                 help="Heel lange teksten (vanaf zo'n 50.000 tekens) upload je beter als bestand: plakken in een "
                      "tekstvak duurt in de browser dan enkele seconden.",
                 placeholder="Profiel\n- Je hebt minstens 2 jaar ervaring als magazijnier.\n"
                             "- Je spreekt vloeiend Nederlands.\n- Rijbewijs B is een troef.")
    st.file_uploader("… of upload een bestand (.txt, .html, .docx of .pdf)", type=list(TYPES), key="bestand",
                     help="Een geüpload bestand gaat voor op de geplakte tekst.")
    col1, col2 = st.columns(2)
    col1.text_input("Functietitel (optioneel)", key="titel")
    col2.text_input("Beroep (optioneel: overschrijft de gevonden koppeling)", key="beroep", on_change=_occupation_typed)
    if st.button("Screenen", type="primary", key="screenen"):
        with st.spinner("Screenen …"):
            screen_form(new_vacancy=True)
    if ss.get("fout"):
        st.error(ss["fout"])
    result = ss.get("resultaat")
    if result is not None:
        show_result(result)
