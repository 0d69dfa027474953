"""Page "Review": reviewers label the flags (and likely misses) of screened vacancies, one at a time.

The reviewer is the logged-in account (ui/auth.py, role reviewer or higher). Widget keys: agree (a), disagree (d),
unsure (u), skip (s), undo (z, the reviewer's own last label only), corr_kind, corr_sev, commentaar. Keyboard shortcuts are Streamlit's native ones (ignored while typing in a field).
"""
from __future__ import annotations

import html
from typing import Optional

import pandas as pd
import streamlit as st

from vacscreen.api import flag_threshold
from vacscreen.ui.auth import account
from vacscreen.ui.common import error_text, flag_label, open_store, plain
from vacscreen.ui.highlight import css, paragraph_around, strip_tags
from vacscreen.vocab import DECISION_LABELS, FLAG_KINDS, SEVERITIES, SEVERITY_LABELS

BUTTONS = [("agree", "Akkoord", "a", "primary"), ("disagree", "Niet akkoord", "d", "secondary"),
           ("unsure", "Twijfel", "u", "secondary"), ("skip", "Overslaan", "s", "secondary")]
REVIEWER_KEY = "_reviewer_naam"  # the logged-in reviewer, for the buttons' callbacks
MESSAGE_KEY = "_review_melding"
SHOWN_KEY = "_review_getoond"  # the flag id on screen in the last completed run


def context_html(item: dict) -> str:
    """The paragraph around the flagged span, span marked (tags dropped when the vacancy is HTML)."""
    text = item.get("vacancy_text") or ""
    before, span, after = paragraph_around(text, int(item["start"]), int(item["end"]))
    if "<" in text and ">" in text:
        before, span, after = strip_tags(before), strip_tags(span), strip_tags(after)
    esc = lambda s: html.escape(s, quote=False)  # noqa: E731
    return (css() + f'<div class="vs-tekst vs-context">{esc(before)}<mark class="vs vs-criterion vs-flagged" '
            f'data-flag="{html.escape(item["kind"])}">{esc(span)}</mark>{esc(after)}</div>')


def _reset_corrections() -> None:
    ss = st.session_state
    ss["corr_kind"] = None
    ss["corr_sev"] = None
    ss["commentaar"] = ""


def _label(flag_id: int, decision: str) -> None:
    """on_click of agree/disagree/unsure/skip: one label in its own transaction."""
    ss = st.session_state
    store, error = open_store()
    reviewer = ss.get(REVIEWER_KEY)
    if store is None or not reviewer:
        ss[MESSAGE_KEY] = ("error", error or "Meld je eerst aan.")
        return
    # A second key press while the page reruns may carry another flag's id: label only the flag on screen,
    # and only once per reviewer.
    if flag_id != ss.get(SHOWN_KEY):
        ss[MESSAGE_KEY] = ("warning", "Dat signaal stond niet meer op het scherm; er is niets opgeslagen.")
        return
    try:
        if any(x["reviewer"] == reviewer for x in store.labels(flag_id)):
            ss[MESSAGE_KEY] = ("info", "Je hebt dit signaal al beoordeeld.")
            return
        store.add_label(flag_id, reviewer, decision, corrected_kind=ss.get("corr_kind") or None,
                        corrected_severity=ss.get("corr_sev") or None,
                        comment=(ss.get("commentaar") or "").strip() or None)
    except Exception as e:  # noqa: BLE001
        ss[MESSAGE_KEY] = ("error", f"Het label is niet opgeslagen ({error_text(e)}).")
        return
    ss[MESSAGE_KEY] = ("success", f"Opgeslagen: {DECISION_LABELS[decision]}.")
    _reset_corrections()


def _undo() -> None:
    ss = st.session_state
    store, error = open_store()
    reviewer = ss.get(REVIEWER_KEY)
    if store is None or not reviewer:
        ss[MESSAGE_KEY] = ("error", error or "Meld je eerst aan.")
        return
    try:
        uid = store.undo_last(reviewer)
    except Exception as e:  # noqa: BLE001
        ss[MESSAGE_KEY] = ("error", f"Ongedaan maken is mislukt ({error_text(e)}).")
        return
    ss[MESSAGE_KEY] = ("info", "Je laatste label is ongedaan gemaakt." if uid
                       else "Er is geen label om ongedaan te maken.")


def show_progress(store, reviewer: str) -> None:
    """Progress of this reviewer, Cohen's kappa per kind, the number of open disagreements."""
    try:
        p = store.progress(reviewer)
        kappa = store.agreement()
        n_disagreements = len(store.disagreements())
    except Exception as e:  # noqa: BLE001
        st.error(f"De voortgang kan niet gelezen worden ({error_text(e)}).")
        return
    total = p["total"] or 0
    st.progress(p["labelled"] / total if total else 0.0,
                text=f"{p['labelled']} van {total} signalen beoordeeld ({p['remaining']} te gaan)")
    col1, col2 = st.columns(2)
    col1.metric("Jouw labels", p["labels"])
    col2.metric("Onenigheden tussen reviewers", n_disagreements,
                help="Signalen met zowel 'akkoord' als 'niet akkoord' en "
                "nog geen eindbeslissing (vacscreen labels agreement / Store.adjudicate).")
    st.markdown("**Overeenstemming tussen reviewers (Cohen's kappa per soort)**")
    if kappa:
        rows = [{"soort": flag_label(k), "kappa": "–" if v.get("kappa") is None else f"{v['kappa']:.3f}",
                 "signalen": v.get("items"), "paren": v.get("pairs")} for k, v in sorted(kappa.items())]
        st.dataframe(pd.DataFrame(rows, columns=["soort", "kappa", "signalen", "paren"]), hide_index=True,
                     width="stretch")
    else:
        st.caption("Nog geen signalen die door twee reviewers beoordeeld zijn.")


def review_next(store, reviewer: str) -> None:
    try:
        queue = store.queue(reviewer, limit=1, threshold=flag_threshold())
    except Exception as e:  # noqa: BLE001
        st.error(f"De wachtrij kan niet gelezen worden ({error_text(e)}).")
        return
    if not queue:
        st.info("Er zijn geen signalen meer om te beoordelen. Screen nieuwe vacatures op de pagina Screenen; "
                "elke screening komt hier in de wachtrij.")
        st.button("Ongedaan maken", key="undo", shortcut="z", on_click=_undo, icon=":material/undo:")
        return
    item = queue[0]
    severity = SEVERITY_LABELS.get(item["severity"], item["severity"])
    title = item.get("vacancy_title") or f"vacature {item['vacancy_id']}"
    below = " · mogelijk gemist (onder de drempel, niet getoond aan recruiters)" if item["score"] < flag_threshold() else ""
    st.subheader(f"{flag_label(item['kind'])} — {severity} (score {item['score']:.2f}){below}")
    st.caption(f"{plain(title)} · signaal {item['flag_id']} · al {item['n_labels']} label(s) van andere reviewers")
    st.html(context_html(item))
    if item.get("reason"):
        st.markdown(f"**Waarom:** {plain(item['reason'])}")
    if item.get("suggestion"):
        st.markdown(f"**Beter:** {plain(item['suggestion'])}")
    if item.get("norm") or item.get("source"):
        st.caption(f"Norm: {plain(item.get('norm') or '–')} · Bron: {plain(item.get('source') or '–')}")
    col1, col2, col3 = st.columns([2, 1, 2])
    col1.selectbox("Juiste soort (optioneel)", [None, *FLAG_KINDS], key="corr_kind",
                   placeholder="— geen correctie —",
                   format_func=lambda k: "— geen correctie —" if k is None else flag_label(k))
    col2.selectbox("Juiste ernst (optioneel)", [None, *SEVERITIES], key="corr_sev", placeholder="—",
                   format_func=lambda s: "—" if s is None else SEVERITY_LABELS[s])
    col3.text_input("Opmerking (optioneel)", key="commentaar")
    row = st.container(horizontal=True, wrap=True)
    for key, label, shortcut, button_type in BUTTONS:
        row.button(label, key=key, shortcut=shortcut, type=button_type, on_click=_label, args=(item["flag_id"], key),
                   wrap=False)
    row.button("Ongedaan maken", key="undo", shortcut="z", on_click=_undo, icon=":material/undo:", wrap=False)
    st.session_state[SHOWN_KEY] = item["flag_id"]  # set last: a run cut short keeps the flag the reviewer saw
    st.caption("Sneltoetsen: A akkoord · D niet akkoord · U twijfel · S overslaan · Z ongedaan maken "
               "(niet terwijl je in een veld typt).")


def page() -> None:
    ss = st.session_state
    st.title("Review")
    st.write("Beoordeel de signalen van gescreende vacatures, één per keer: klopt het signaal? De labels maken het "
             "model beter bij de volgende training (pagina Modellen). Het onzekerste signaal komt eerst; wat je "
             "beoordeeld of overgeslagen hebt, krijg je niet opnieuw.")
    store, error = open_store()
    if store is None:
        st.error(error)
        return
    # the reviewer is the logged-in account: nobody labels or undoes under another name
    reviewer = account(store, "reviewer", "signalen te beoordelen")
    ss[REVIEWER_KEY] = reviewer
    if not reviewer:
        return
    message: Optional[tuple] = ss.pop(MESSAGE_KEY, None)
    if message:
        {"success": st.success, "info": st.info, "warning": st.warning, "error": st.error}[message[0]](message[1])
    left, right = st.columns([3, 2], gap="large")
    with left:
        review_next(store, reviewer)
    with right:
        show_progress(store, reviewer)
