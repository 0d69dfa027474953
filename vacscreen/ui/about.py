"""Page "Over": data year and sources, the legal basis of each rule, how the scores work, the models in use."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from vacscreen.ui.common import error_text, flag_label

# Which flag kinds each rule of rules.yaml produces (vacscreen/flags/rules.py; domain.md section 6).
RULE_KINDS = {"R1": "education_too_high", "R2": "education_too_high", "R4": "education_too_high",
              "R5": "certificate_unneeded", "R5b": "certificate_unneeded", "R5c": "certificate_unneeded", "R6": "experience_too_high",
              "R7": "age", "R8": "age", "R9": "origin_language", "R10": "language_too_high",
              "R11": "language_too_high", "R13": "gender", "R14": "nationality", "R15": "health",
              "R16": "other_discrimination", "R17": "requirement_overload", "R20": "requirement_overload"}


def rules_table() -> pd.DataFrame:
    """Rule, flag kind and legal basis or data source, from rules.yaml `sources`."""
    from vacscreen.api import rule_sources

    rows = []
    for rule, source in rule_sources().items():
        name, _, basis = str(source).partition("): ")
        rows.append({"regel": rule, "signaal": flag_label(RULE_KINDS.get(rule, "")),
                     "wat": name.split("(", 1)[1] if "(" in name else name,
                     "grondslag of bron": basis or source})
    return pd.DataFrame(rows, columns=["regel", "signaal", "wat", "grondslag of bron"])


def data_sources() -> tuple[int, pd.DataFrame]:
    from vacscreen.api import reference_sources

    year, sources = reference_sources()
    df = pd.DataFrame([{"bestand": s.file, "rijen": s.rows, "bron": s.source, "licentie": s.licence, "jaar": s.year}
                       for s in sources], columns=["bestand", "rijen", "bron", "licentie", "jaar"])
    return year, df


def models_in_use() -> dict:
    from vacscreen.retrain import active_models

    return active_models()


def _intro() -> None:
    st.title("Over vacscreen")
    st.write("vacscreen leest Nederlandstalige vacatures (Vlaams en Nederlands), haalt de eisen eruit en "
             "signaleert eisen die hoger zijn dan het beroep vraagt of die discrimineren. Het is een hulpmiddel "
             "voor wie vacatures schrijft of nakijkt: een signaal is een vraag om na te denken, geen juridisch "
             "oordeel.")


def _data_sources_section() -> None:
    st.header("Gegevens en bronnen")
    try:
        year, df = data_sources()
    except Exception as e:  # noqa: BLE001
        st.error(f"De referentiegegevens kunnen niet gelezen worden ({error_text(e)}).")
    else:
        st.markdown(f"De beroepen worden vergeleken met de **lijst knelpuntberoepen {year}** van VDAB, de "
                    "beroepskwalificaties van Onderwijs Vlaanderen (VKS-niveau, taalniveau) en ESCO. Zonder "
                    "beroepsprofiel wordt het niveau geschat uit de ISCO-08-beroepsgroep (ILO, skill levels): die "
                    "norm heeft een lage zekerheid en geeft minder signalen. Details: `vacscreen/data/README.md`.")
        st.table(df.set_index("bestand"))
        st.caption("This product uses the ESCO classification of the European Commission (CC BY 4.0, © European "
                   "Union).")


def _legal_basis_section() -> None:
    st.header("Rechtsgrond van de regels")
    st.write("De regels R1–R20 (uit de domeinnota `../shared/docs/domain.md`, hoofdstuk 6) stellen signalen voor; "
             "elk signaal vermeldt zijn grondslag. Discriminatie: de Antidiscriminatiewet, de Antiracismewet en de "
             "Genderwet van 10 mei 2007 (Vlaanderen/België) en de Nederlandse gelijkebehandelingswetgeving; "
             "te hoge eisen: de beroepskwalificaties en de analyse van de knelpuntberoepen van VDAB.")
    try:
        st.table(rules_table().set_index("regel"))
    except Exception as e:  # noqa: BLE001
        st.error(f"De regels kunnen niet gelezen worden ({error_text(e)}).")


def _load_models() -> dict:
    try:
        return models_in_use()
    except Exception as e:  # noqa: BLE001
        m = {"extract": "?", "flags": None, "threshold": 0.5, "strong_score": 0.7, "date": None, "f1": None}
        st.warning(f"De modelversies kunnen niet gelezen worden ({error_text(e)}).")
        return m


def _decision_steps(m: dict) -> tuple[str, str]:
    """Steps 4 and 5 of the score explanation: they differ with and without an active flag model."""
    if m["flags"]:
        step4 = (f"4. **Het model beslist.** Een logistische regressie geeft elke kandidaat een **gekalibreerde kans** "
                 f"dat een reviewer het signaal terecht vindt (Platt-schaling). Vanaf de **drempel {m['threshold']}** "
                 "wordt een kandidaat een signaal (één per soort, de hoogste score). De **ernst** is *sterk* als de "
                 f"regel het zegt (een groot niveauverschil, een expliciete formulering) én de score minstens "
                 f"{m['strong_score']} is; anders *licht*.")
    else:
        step4 = ("4. **De regels beslissen.** Een getraind model deed het in kruisvalidatie per werkgever niet beter "
                 "dan de regels, dus is er geen actief: een kandidaat waarvan de regel afgaat, is een signaal (één "
                 "per soort). De **ernst** is *sterk* als de regel het zegt (een groot niveauverschil, een "
                 "expliciete formulering); anders *licht*.")
    step5 = ("5. **Reviewers leren het model bij.** Kandidaten net onder de drempel (score vanaf 0,1) gaan mee naar de "
             "reviewwachtrij: daar zitten de waarschijnlijke missers. Met de labels wordt een nieuwe versie getraind."
             if m["flags"] else
             "5. **Reviewers beoordelen de signalen.** Met hun labels wordt een model getraind; het wordt pas "
             "gebruikt als het in kruisvalidatie per werkgever duidelijk beter is dan de regels.")
    return step4, step5


def _scores_section() -> dict:
    """Explain how the scores work; returns the active models for the next section."""
    st.header("Hoe de scores werken")
    m = _load_models()
    step4, step5 = _decision_steps(m)
    st.markdown(
        f"""
1. **Eisen vinden.** Patronen en een getraind component halen de eisen uit de tekst (opleiding, talen met
   ERK-niveau, jaren ervaring, rijbewijzen en attesten, discriminerende criteria) en bepalen of elke eis
   *vereist* is of een *pluspunt*.
2. **Beroep koppelen.** De functietitel (of het VDAB-veld, of de tekst) wordt gekoppeld aan een beroep met zijn
   profiel: typisch VKS-niveau, gereglementeerd of niet, taalnoden, knelpuntberoep ja/nee.
3. **Regels stellen voor.** De regels vergelijken elke eis met die norm en stellen kandidaat-signalen voor. Een
   eis die de wet voor dit beroep stelt (bv. een uittreksel uit het strafregister in de kinderopvang) wordt nooit
   gesignaleerd. Is de koppeling aan het beroep onzeker, dan worden de eisen alleen getoetst aan het hoogste
   typische niveau van de mogelijke beroepen (of, zonder aannemelijk alternatief, aan het niveau van het gekoppelde
   beroep), en nooit als sterk signaal; bij een zeer onzekere koppeling niet aan een beroepsprofiel.
{step4}
{step5}
""")
    return m


def _models_in_use_section(m: dict) -> None:
    st.header("Modellen in gebruik")
    f1 = f", F1 in kruisvalidatie per werkgever {m['f1']:.3f}" if isinstance(m.get("f1"), (int, float)) else ""
    st.markdown(f"- Eisen (vereist/pluspunt): **{m['extract']}**\n"
                f"- Signalen: **{m['flags'] or 'geen model: alleen de regels'}**"
                + (f" (getraind {m['date']}{f1})" if m.get("date") else "")
                + "\n\nVersies beheren en opnieuw trainen: pagina **Modellen**.")


def page() -> None:
    _intro()
    _data_sources_section()
    _legal_basis_section()
    m = _scores_section()
    _models_in_use_section(m)
