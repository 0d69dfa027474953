"""vacscreen — vacature screenen: een minimale Streamlit-pagina rond vacscreen.screen().

    streamlit run app.py
"""
from __future__ import annotations

import json
import re

import pandas as pd
import streamlit as st

from vacscreen import InputError

TITEL = "vacscreen — vacature screenen"
KOLOMMEN = ["soort", "tekst", "vereist", "waarde", "sectie"]
SOORT = {"education": "opleiding", "language": "taal", "experience": "ervaring", "licence": "rijbewijs",
         "certificate": "attest", "criterion": "criterium"}
SECTIE = {"profile": "profiel", "offer": "aanbod", "vdab_fields": "VDAB-velden", "description": "functieomschrijving",
          "company": "bedrijf", "other": "overig"}
TAAL = {"nl": "Nederlands", "fr": "Frans", "en": "Engels", "de": "Duits", "es": "Spaans", "it": "Italiaans",
        "pt": "Portugees", "pl": "Pools", "ro": "Roemeens", "tr": "Turks", "ar": "Arabisch", "ru": "Russisch",
        "zh": "Chinees"}
CRITERIUM = {"age": "leeftijd", "gender": "geslacht", "origin_language": "herkomst/moedertaal",
             "nationality": "nationaliteit", "health": "gezondheid", "appearance": "uiterlijk", "family": "gezin",
             "other": "ander"}

st.set_page_config(page_title=TITEL, page_icon="🔎", layout="wide")


@st.cache_resource(show_spinner="Model laden …")
def pipeline():
    """vacscreen.screen with its spaCy pipeline loaded once per server process."""
    from vacscreen import screen

    screen("Profiel\nJe spreekt Nederlands.")  # loads the pipeline and the trained component
    return screen


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
        taal = TAAL.get(r.get("language"), r.get("language") or "")
        return f"{taal} {r['cefr']}" if r.get("cefr") else taal
    if k == "experience":
        s = _jaren(r.get("min_years"), r.get("max_years"))
        if r.get("domain"):
            s = f"{s}, {r['domain']}" if s else r["domain"]
        return s
    if k in ("licence", "certificate"):
        return r.get("name") or ""
    if k == "criterion":
        return CRITERIUM.get(r.get("category"), r.get("category") or "")
    return ""


def tabel(result: dict) -> pd.DataFrame:
    rows = [{"soort": SOORT.get(r["kind"], r["kind"]), "tekst": " ".join(r["text"].split()),
             "vereist": "ja" if r["required"] else "nee", "waarde": waarde(r),
             "sectie": SECTIE.get(r["section"], r["section"])} for r in result["requirements"]]
    return pd.DataFrame(rows, columns=KOLOMMEN)


BRON = {"vdab_field": "VDAB-veld 'VDAB-beroep'", "title": "functietitel", "text": "vacaturetekst",
        "user": "door jou gekozen"}


def beroep_info(occ: dict | None) -> None:
    """The linked occupation and its profile; change it with the 'Beroep' field above."""
    if not occ:
        return
    feiten = [f"gevonden via {BRON.get(occ['source'], occ['source'])} (score {occ['score']:.2f})"]
    if occ.get("vks") is not None:
        feiten.append(f"typisch niveau VKS {occ['vks']}")
    feiten.append("knelpuntberoep" if occ.get("bottleneck") else "geen knelpuntberoep")
    if occ.get("regulated"):
        feiten.append("gereglementeerd beroep")
    if occ.get("profile") is None:
        feiten.append("geen beroepsprofiel bekend")
    elif occ["profile"].get("fallback"):
        feiten.append("niveau geschat uit de ISCO-beroepsgroep (lage zekerheid)")
    st.markdown(f"**Beroep: {occ['name']}** — " + " · ".join(feiten))
    if occ.get("alternatives"):
        st.caption("Andere mogelijke beroepen: " + ", ".join(a["name"] for a in occ["alternatives"])
                   + f". Lijst knelpuntberoepen {occ.get('data_year') or ''}; pas het beroep hierboven aan "
                     "en screen opnieuw.")


SOORT_SIGNAAL = {"education_too_high": "diploma te hoog", "experience_too_high": "te veel ervaring gevraagd",
                 "language_too_high": "taalniveau te hoog", "certificate_unneeded": "attest of rijbewijs onnodig",
                 "requirement_overload": "te veel eisen gestapeld", "age": "leeftijd", "gender": "geslacht",
                 "origin_language": "moedertaal/afkomst", "nationality": "nationaliteit", "health": "gezondheid",
                 "other_discrimination": "andere discriminatie"}


def signalen(flags: list[dict]) -> None:
    """The flags, strongest first (screen() sorts them), each with reason, norm, source and a better wording."""
    if not flags:
        st.success("Geen te hoge of discriminerende eisen gevonden.")
        return
    st.subheader(f"{len(flags)} signalen")
    for f in flags:
        ernst = "sterk" if f["severity"] == "strong" else "licht"
        kop = f"{'🔴' if f['severity'] == 'strong' else '🟠'} {SOORT_SIGNAAL.get(f['kind'], f['kind'])} — {ernst} " \
              f"(score {f['score']:.2f})"
        with st.expander(kop, expanded=f["severity"] == "strong"):
            st.markdown(f"> {' '.join(f['text'].split())}")
            st.markdown(f"**Waarom:** {f['reason']}")
            st.markdown(f"**Beter:** {f['suggestion']}")
            st.caption(f"Norm: {f['norm']} · Bron: {f['source']}")


def bestandsnaam(naam: str | None) -> str:
    stam = re.sub(r"\.[^.]*$", "", naam or "") or "vacature"
    return re.sub(r"[^\w.-]+", "-", stam).strip("-") + ".vacscreen.json"


st.title(TITEL)
st.write("Plak een vacaturetekst (gewone tekst of HTML) of upload een bestand en klik op **Screenen**. "
         "vacscreen haalt de eisen eruit (opleiding, talen, ervaring, rijbewijzen en attesten), zegt of ze "
         "vereist zijn of een pluspunt, en signaleert eisen die te hoog zijn voor het beroep of discrimineren, "
         "met de reden, de norm, de bron en een betere formulering.")

tekst = st.text_area("Vacaturetekst", key="tekst", height=300,
                     placeholder="Profiel\n- Je hebt minstens 2 jaar ervaring als magazijnier.\n"
                                 "- Je spreekt vloeiend Nederlands.\n- Rijbewijs B is een troef.")
bestand = st.file_uploader("… of upload een bestand (.txt of .html)", type=["txt", "html", "htm"], key="bestand")
kol1, kol2 = st.columns(2)
titel = kol1.text_input("Functietitel (optioneel)", key="titel")
beroep = kol2.text_input("Beroep (optioneel: overschrijft de gevonden koppeling)", key="beroep")

if st.button("Screenen", type="primary", key="screenen"):
    invoer, naam = (bestand.getvalue(), bestand.name) if bestand is not None else (tekst, None)
    st.session_state.pop("resultaat", None)
    st.session_state.pop("fout", None)
    try:
        screening = pipeline()(invoer, id=naam, title=titel or None, occupation=beroep or None)
    except InputError as e:
        st.session_state["fout"] = f"Deze invoer kan niet gescreend worden: {e}"
    except Exception as e:  # never show a traceback to the user
        st.session_state["fout"] = f"Er ging iets mis bij het screenen ({type(e).__name__}: {e})."
    else:
        st.session_state["resultaat"] = screening.to_dict()
        st.session_state["naam"] = naam

if st.session_state.get("fout"):
    st.error(st.session_state["fout"])

resultaat = st.session_state.get("resultaat")
if resultaat is not None:
    df = tabel(resultaat)
    n_vereist = int((df["vereist"] == "ja").sum())
    taal = TAAL.get(resultaat["language"], resultaat["language"])
    st.subheader(f"{len(df)} eisen gevonden ({n_vereist} vereist, {len(df) - n_vereist} pluspunt)")
    st.caption(f"Taal van de tekst: {taal} · model: {resultaat['model_version']}")
    for w in resultaat["warnings"]:
        st.warning(f"Let op: {w}")
    beroep_info(resultaat.get("occupation"))
    signalen(resultaat.get("flags", []))
    if len(df):
        st.dataframe(df, hide_index=True, width="stretch")
    else:
        st.info("Geen eisen gevonden in deze tekst.")
    st.download_button("JSON downloaden", data=json.dumps(resultaat, ensure_ascii=False, indent=2),
                       file_name=bestandsnaam(st.session_state.get("naam")), mime="application/json",
                       key="download", on_click="ignore")
