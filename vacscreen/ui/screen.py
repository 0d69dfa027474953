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
    bron_nl,
    flag_label,
    fout_tekst,
    nl,
    open_store,
    pipeline,
    plain,
)
from vacscreen.ui.files import TYPES, FileError, read_upload
from vacscreen.ui.highlight import css, markeer
from vacscreen.ui.rewrite import herschreven_html, herschrijf, vervangingen
from vacscreen.vocab import (
    CRITERION_LABELS,
    LANGUAGE_NAMES,
    REQUIREMENT_LABELS,
    SECTION_LABELS,
    SEVERITY_LABELS,
)

TITEL = "vacscreen — vacature screenen"
KOLOMMEN = ["soort", "tekst", "vereist", "waarde", "sectie", "wettelijk"]
REVIEW_FLOOR = 0.1  # candidates scoring at least this go to the label store for reviewers
BRON = {"vdab_field": "VDAB-veld 'VDAB-beroep'", "title": "functietitel", "text": "vacaturetekst",
        "user": "door jou gekozen"}


# -- table of requirements ------------------------------------------------------------------------------------------
def _jaren(lo, hi) -> str:
    def n(x):
        return f"{x:g}"

    if lo is not None and hi is not None:
        return f"{n(lo)}–{n(hi)} jaar"
    if lo is not None:
        return "geen" if lo == 0 else f"≥ {n(lo)} jaar"
    if hi is not None:
        return f"< {n(hi)} jaar"
    return ""


def waarde(r: dict) -> str:
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
        taal = LANGUAGE_NAMES.get(r.get("language"), r.get("language") or "")
        return f"{taal} {r['cefr']}" if r.get("cefr") else taal
    if k == "experience":
        s = _jaren(r.get("min_years"), r.get("max_years"))
        if r.get("domain"):
            s = f"{s}, {r['domain']}" if s else r["domain"]
        return s
    if k in ("licence", "certificate"):
        return r.get("name") or ""
    if k == "criterion":
        return CRITERION_LABELS.get(r.get("category"), r.get("category") or "")
    return ""


def tabel(result: dict) -> pd.DataFrame:
    rows = [{"soort": REQUIREMENT_LABELS.get(r["kind"], r["kind"]), "tekst": " ".join(r["text"].split()),
             "vereist": "ja" if r["required"] else "nee", "waarde": waarde(r),
             "sectie": SECTION_LABELS.get(r["section"], r["section"]),
             "wettelijk": f"wettelijk vereist: {r['legal_basis']}" if r.get("legal_basis") else ""}
            for r in result["requirements"]]
    return pd.DataFrame(rows, columns=KOLOMMEN)


def bestandsnaam(naam: Optional[str], suffix: str = ".vacscreen.json") -> str:
    stam = re.sub(r"\.[^.]*$", "", naam or "") or "vacature"
    return re.sub(r"[^\w.-]+", "-", stam).strip("-") + suffix


# -- screening (button and callbacks) -------------------------------------------------------------------------------
def _opties(occ) -> list[str]:
    """The linked occupation and its alternatives, each name once (case-insensitive)."""
    if occ is None:
        return []
    names, seen = [], set()
    for name in [occ.name, *(a["name"] for a in occ.alternatives)]:
        if name and name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names


def screen_form(nieuw: bool = True) -> None:
    """Screen what the form holds (the uploaded file, else the pasted text) with its title and occupation, keep
    the result in session state and save it to the label store. nieuw=False (an occupation change) keeps the
    list of occupations to choose from."""
    ss = st.session_state
    for k in ("resultaat", "fout", "opslag_fout", "screening_id"):
        ss.pop(k, None)
    bestand = ss.get("bestand")
    titel = (ss.get("titel") or "").strip() or None
    beroep = (ss.get("beroep") or "").strip() or None
    try:
        if bestand is not None:
            invoer, naam = read_upload(bestand.name, bestand.getvalue()), bestand.name
        else:
            invoer, naam = ss.get("tekst") or "", None
        origineel, invoer_is_html = input_text(invoer)  # the string the offsets refer to (InputError like screen())
        screening = pipeline()(invoer, id=naam, title=titel, occupation=beroep, review_floor=REVIEW_FLOOR)
    except FileError as e:
        ss["fout"] = str(e)
        return
    except InputError as e:
        ss["fout"] = f"Deze invoer kan niet gescreend worden: {nl(str(e))}"
        return
    except Exception as e:  # noqa: BLE001 - never show a traceback to the user
        ss["fout"] = f"Er ging iets mis bij het screenen ({fout_tekst(e)})."
        return
    ss["resultaat"] = screening.to_dict()
    ss["naam"] = naam
    ss["origineel"] = origineel
    ss["is_html"] = invoer_is_html
    if nieuw:
        ss["beroep_opties"] = _opties(screening.occupation)
        ss["beroep_keuze"] = screening.occupation.name if screening.occupation else None
    # The same text screened again in this session with the same occupation and model (e.g. a second click) is
    # not stored twice: reviewers would see its flags twice.
    sleutel = (hashlib.sha1(origineel.encode("utf-8")).hexdigest(), screening.model_version,
               screening.occupation.name if screening.occupation else None, titel)
    opgeslagen = ss.setdefault("_opgeslagen", {})
    if sleutel in opgeslagen:
        ss["screening_id"] = opgeslagen[sleutel]
        return
    store, fout = open_store()
    if store is None:
        ss["opslag_fout"] = fout
        return
    try:
        ss["screening_id"] = opgeslagen[sleutel] = store.save_screening(screening.for_review(), origineel)
    except Exception as e:  # noqa: BLE001
        ss["opslag_fout"] = f"De screening is niet opgeslagen voor review ({fout_tekst(e)})."


def _beroep_getypt() -> None:
    """on_change of the free-text occupation: screen again at once when there is a result."""
    ss = st.session_state
    if ss.get("resultaat") is None:
        return
    waarde_ = (ss.get("beroep") or "").strip()
    ss["beroep_keuze"] = waarde_ if waarde_ in ss.get("beroep_opties", []) else None
    screen_form(nieuw=False)


def _beroep_gekozen() -> None:
    """on_change of the occupation selectbox: the choice becomes the occupation, screened again at once."""
    ss = st.session_state
    keuze = ss.get("beroep_keuze")
    if not keuze:
        return
    ss["beroep"] = keuze
    screen_form(nieuw=False)


# -- result panels --------------------------------------------------------------------------------------------------
def _occupation_facts(occ: dict) -> list[str]:
    """The short facts after the occupation's name: how it was found, level, bottleneck, regulated, profile."""
    if occ["source"] == "user":
        feiten = [BRON["user"]]
    else:
        feiten = [f"gevonden via {BRON.get(occ['source'], occ['source'])}"]
        if occ.get("confidence") is not None:
            # the calibrated probability that this occupation fits (occupations/confidence.py), not the match score
            feiten.append(f"kans dat dit beroep klopt {occ['confidence'] * 100:.0f}%")
    if occ.get("vks") is not None:
        feiten.append(f"typisch niveau VKS {occ['vks']}")
    feiten.append("knelpuntberoep" if occ.get("bottleneck") else "geen knelpuntberoep")
    if occ.get("regulated"):
        feiten.append("gereglementeerd beroep")
    prof = occ.get("profile")
    if prof is None:
        feiten.append("geen beroepsprofiel bekend")
    elif prof.get("fallback"):
        feiten.append("niveau geschat uit de ISCO-beroepsgroep (lage zekerheid)")
    return feiten


def _profile_lines(prof: dict) -> list[str]:
    """The occupation profile as bullet lines: level, languages, legal requirements, experience, codes."""
    regels = []
    rng = prof.get("vks_range")
    if prof.get("typical_vks") is not None:
        bereik = f" (bereik VKS {rng[0]}–{rng[1]})" if rng and rng[0] != rng[1] else ""
        regels.append(f"Typisch opleidingsniveau: VKS {prof['typical_vks']}{bereik}")
    if prof.get("dutch_level"):
        regels.append(f"Nederlands: {prof['dutch_level']}"
                      + (f" — {prof['dutch_level_note']}" if prof.get("dutch_level_note") else ""))
    if prof.get("foreign_language"):
        regels.append(f"Andere talen: {prof['foreign_language']}")
    if prof.get("legal_requirement"):
        regels.append(f"Wettelijke vereiste: {prof['legal_requirement']}")
    if prof.get("legal_note"):
        regels.append(f"Niet wettelijk vereist: {prof['legal_note']}")
    if prof.get("experience_norm_years") is not None:
        regels.append(f"Gebruikelijke ervaring: {prof['experience_norm_years']} jaar")
    codes = [c for c in (f"ISCO {prof['isco']}" if prof.get("isco") else "",
                         prof.get("bk_code") or "") if c]
    if codes:
        zeker = ZEKERHEID.get(prof.get("confidence"), "onbekend")
        regels.append("Codes: " + ", ".join(codes) + f" · zekerheid van het profiel: {zeker}")
    return regels


def _occupation_descriptions(occ: dict, opties: list) -> None:
    """An expander describing the linked occupation and the suggested alternatives."""
    # a recruiter choosing between neighbours ("Plaatser binnenschrijnwerk" or "... buitenschrijnwerk") sees the difference
    uitleg = describe_occupations([occ["name"], *opties])
    if uitleg:
        eigen = uitleg[0][0].lower() == occ["name"].lower()
        kop = f"Wat houdt het beroep {plain(uitleg[0][0])} in?" if eigen else "Wat doen de voorgestelde beroepen?"
        with st.expander(kop + (" En de andere voorstellen?" if eigen and len(uitleg) > 1 else "")):
            for naam, titels, tekst in uitleg:
                ook = f" — ook: {plain(titels)}" if titels else ""
                st.markdown(f"**{plain(naam)}**{ook}" + (f"\n\n{plain(tekst)}" if tekst else ""))
            st.caption("Beschrijvingen en functietitels van VDAB-beroepen: geschreven door het vacscreen-project "
                       "(occupation_texts.csv); van ESCO-beroepen: ESCO.")


def beroep_info(occ: Optional[dict]) -> None:
    """The linked occupation, its profile and a control to choose another one."""
    if not occ:
        st.info("Er kon geen beroep gekoppeld worden; vul hierboven een beroep in om de eisen ermee te vergelijken.")
        return
    feiten = _occupation_facts(occ)
    prof = occ.get("profile")
    st.markdown(f"**Beroep: {plain(occ['name'])}** — " + " · ".join(plain(x) for x in feiten))
    if prof:
        regels = _profile_lines(prof)
        if regels:
            st.markdown("\n".join(f"- {plain(r)}" for r in regels))
    if occ.get("profile_sources"):
        bronnen = list(dict.fromkeys(bron_nl(x) for x in occ["profile_sources"]))
        st.caption("Bronnen van het profiel: " + "; ".join(plain(x) for x in bronnen)
                   + (f" · lijst knelpuntberoepen {occ['data_year']}" if occ.get("data_year") else ""))
    opties = st.session_state.get("beroep_opties") or []
    _occupation_descriptions(occ, opties)
    if len(opties) > 1:
        st.selectbox("Ander beroep kiezen (de vacature wordt meteen opnieuw gescreend)", opties, key="beroep_keuze",
                     on_change=_beroep_gekozen, placeholder="Kies een beroep …",
                     help="Of typ een beroep in het veld 'Beroep' bovenaan: ook dan wordt meteen opnieuw gescreend.")




ZEKERHEID = {"high": "hoog", "medium": "middel", "low": "laag", "gold": "door annotatoren gegeven"}


def signalen(flags: list[dict]) -> None:
    """The flags, strongest first (screen() sorts them), each with reason, norm, source and a better wording."""
    if not flags:
        st.success("Geen te hoge of discriminerende eisen gevonden.")
        return
    st.subheader(f"{len(flags)} {'signaal' if len(flags) == 1 else 'signalen'}")
    for f in flags:
        ernst = SEVERITY_LABELS.get(f["severity"], f["severity"])
        kop = f"{flag_label(f['kind'])} — {ernst} (score {f['score']:.2f})"
        # the severity in words and as a Material icon (Streamlit's own font): no emoji font needed
        icoon = ":material/error:" if f["severity"] == "strong" else ":material/warning:"
        with st.expander(kop, expanded=f["severity"] == "strong", icon=icoon):
            st.markdown(f"> {plain(' '.join(f['text'].split()))}")
            st.markdown(f"**Waarom:** {plain(f['reason'])}")
            st.markdown(f"**Beter:** {plain(f['suggestion'])}")
            st.caption(f"Norm: {plain(f['norm'])} · Bron: {plain(f['source'])}")


def herschreven(tekst: str, flags: list[dict], is_html: bool) -> None:
    """The vacancy with the flagged spans replaced by the suggestions the user accepts (each one can be unticked:
    a suggestion replaces a whole passage and may not fit the sentence around it)."""
    voorstellen = vervangingen(tekst, flags)
    if not voorstellen:
        st.info("Geen signalen met een betere formulering: de tekst blijft zoals hij is.")
        return
    st.caption("Vink af wat je niet wil overnemen. Lees het resultaat na: de voorstellen zijn een vertrekpunt, geen "
               "kant-en-klare tekst." + (" De tekst is de HTML-bron." if is_html else ""))
    sleutel = hashlib.sha1(tekst.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    gekozen = set()
    for v in voorstellen:
        oud = " ".join(v.oud.split())
        label = f"{plain(oud[:120] + ('…' if len(oud) > 120 else ''))} → {plain(v.nieuw)}"
        if st.checkbox(label, value=True, key=f"voorstel-{sleutel}-{v.start}-{v.end}-{v.kind}"):
            gekozen.add(v.key)
    st.html(css() + f'<div class="vs-tekst vs-herschreven{" vs-bron" if is_html else ""}">'
            + herschreven_html(tekst, flags, gekozen) + "</div>")
    st.caption("Zonder markeringen (kopieer met de knop rechtsboven):")
    st.code(herschrijf(tekst, flags, gekozen), language=None, wrap_lines=True)


def resultaat_tonen(resultaat: dict) -> None:
    ss = st.session_state
    df = tabel(resultaat)
    n_vereist = int((df["vereist"] == "ja").sum())
    taal = LANGUAGE_NAMES.get(resultaat["language"], resultaat["language"])
    st.subheader(f"{len(df)} eisen gevonden ({n_vereist} vereist, {len(df) - n_vereist} pluspunt)")
    st.caption(f"Taal van de tekst: {taal} · model: {resultaat['model_version']}")
    for w in resultaat["warnings"]:
        st.warning(f"Let op: {plain(nl(w))}")
    if ss.get("opslag_fout"):
        st.warning(f"{ss['opslag_fout']} De screening zelf is wel gelukt.")
    beroep_info(resultaat.get("occupation"))
    flags = resultaat.get("flags", [])
    tekst = ss.get("origineel") or ""
    is_html = bool(ss.get("is_html"))
    t_tekst, t_eisen, t_herschreven = st.tabs(
        [f"Tekst en signalen ({len(flags)})", f"Eisen ({len(df)})", "Herschreven vacature"], key="weergave")
    with t_tekst:
        links, rechts = st.columns([3, 2], gap="medium")
        with links:
            if is_html:
                st.caption("HTML-invoer: de markeringen staan in de HTML-bron zoals je die gaf.")
            st.html(markeer(tekst, resultaat["requirements"], flags, source=is_html))
        with rechts:
            signalen(flags)
    with t_eisen:
        if len(df):
            st.dataframe(df, hide_index=True, width="stretch")
        else:
            st.info("Geen eisen gevonden in deze tekst.")
    with t_herschreven:
        herschreven(tekst, flags, is_html)
    st.download_button("JSON downloaden", data=json.dumps(resultaat, ensure_ascii=False, indent=2),
                       file_name=bestandsnaam(ss.get("naam")), mime="application/json", key="download",
                       on_click="ignore")


def page() -> None:
    ss = st.session_state
    st.title(TITEL)
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
    kol1, kol2 = st.columns(2)
    kol1.text_input("Functietitel (optioneel)", key="titel")
    kol2.text_input("Beroep (optioneel: overschrijft de gevonden koppeling)", key="beroep", on_change=_beroep_getypt)
    if st.button("Screenen", type="primary", key="screenen"):
        with st.spinner("Screenen …"):
            screen_form(nieuw=True)
    if ss.get("fout"):
        st.error(ss["fout"])
    resultaat = ss.get("resultaat")
    if resultaat is not None:
        resultaat_tonen(resultaat)
