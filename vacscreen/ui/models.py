"""Page "Modellen": the flag model versions (registry on disk), activate one or roll back, retrain from the gold
data plus the reviewers' labels.

Only an admin account sees and uses it (ui/auth.py); every action needs the confirmation box and is checked
again, with the account, when it runs, and written to the audit log.
Widget keys: bevestig, model_versie, activeren, terugdraaien, train_forceren, trainen."""
from __future__ import annotations

from typing import Optional

import pandas as pd
import streamlit as st

from vacscreen import retrain
from vacscreen.review.accounts import role_at_least
from vacscreen.ui.auth import account
from vacscreen.ui.common import error_text, first_rewrite, open_store

MESSAGE_KEY = "_modellen_melding"


def registry():
    """The registry the default Screener loads its flag model from (vacscreen.retrain)."""
    from vacscreen import retrain

    return retrain.registry()


def _pct(x: Optional[float]) -> Optional[float]:
    return None if x is None else round(float(x), 3)


def versions_table(versions: list[dict]) -> pd.DataFrame:
    rows = [{"versie": v["version"], "actief": "✓" if v["active"] else "", "datum": v.get("date") or "",
             "CV P": _pct(v.get("cv_p")), "CV R": _pct(v.get("cv_r")), "CV F1": _pct(v.get("cv_f1")),
             "reviewerlabels": v.get("review_labels") or 0,
             "getraind op": ", ".join(v["trained_on"]) if isinstance(v.get("trained_on"), list)
             else str(v.get("trained_on") or "")} for v in versions]
    return pd.DataFrame(rows, columns=["versie", "actief", "datum", "CV P", "CV R", "CV F1", "reviewerlabels",
                                       "getraind op"])


# The registry's activation reasons (HISTORY.jsonl, English, kept as written) summarised in Dutch for the page.
_REASONS = [
    (r"^activated in the app by (.+)$", r"geactiveerd in de app door \1"),
    (r"^vacscreen models activate$", "geactiveerd via de opdrachtregel"),
    (r"^deactivated", "gedeactiveerd: de regels alleen"),
    (r"^rollback from (.+)$", r"teruggedraaid van \1"),
    (r"^forced$", "geactiveerd zonder duidelijke winst (geforceerd)"),
    (r"^first version", "eerste versie"),
    (r"^trained; test F1", "getraind en geactiveerd op de testset (oude werkwijze, vóór issue 16)"),
    (r"^grouped CV .*activated$", "geactiveerd: winst buiten de ruis in kruisvalidatie per werkgever"),
    (r"^grouped CV", "kruisvalidatie per werkgever"),
]


def reason_nl(reason: str) -> str:
    return first_rewrite(_REASONS, reason)


def _admin() -> Optional[tuple]:
    """(store, username) when the session's account is an admin now (checked again at the moment of the action),
    else None with a message for the page."""
    ss = st.session_state
    store, error = open_store()
    user = ss.get("username") if ss.get("authentication_status") else None
    if store is None or not role_at_least(store.role_of(user), "admin"):
        ss[MESSAGE_KEY] = ("error", error or "Alleen een beheerder mag modellen activeren, terugdraaien of trainen.")
        return None
    if not ss.get("bevestig"):
        ss[MESSAGE_KEY] = ("warning", "Vink eerst aan dat je de wijziging bevestigt.")
        return None
    return store, user


def _activate() -> None:
    ss = st.session_state
    version = ss.get("model_versie")
    if not version or (admin := _admin()) is None:
        return
    try:
        retrain.activate(version, reason=f"activated in the app by {admin[1]}")
        admin[0].audit(admin[1], "activate_model", version)
    except Exception as e:  # noqa: BLE001 - RegistryError, OSError
        ss[MESSAGE_KEY] = ("error", f"Activeren van {version} is mislukt ({error_text(e)}).")
        return
    ss[MESSAGE_KEY] = ("success", f"Versie {version} is nu actief; nieuwe screenings gebruiken ze meteen.")


def _roll_back() -> None:
    ss = st.session_state
    if (admin := _admin()) is None:
        return
    try:
        version = retrain.rollback()
        admin[0].audit(admin[1], "rollback_model", version)
    except Exception as e:  # noqa: BLE001
        ss[MESSAGE_KEY] = ("error", f"Terugdraaien is niet gelukt: {error_text(e)}")
        return
    ss["model_versie"] = version
    ss[MESSAGE_KEY] = ("success", f"Teruggedraaid: versie {version} is weer actief.")


def run_training(force: bool) -> None:
    """Retrain (vacscreen.retrain.retrain) with the label store; the outcome goes to the session's message."""
    ss = st.session_state
    if (admin := _admin()) is None:
        return
    store, user = admin
    store.audit(user, "train_models", "force" if force else None)
    try:
        with st.spinner("Opnieuw trainen op de gold-data en de reviewerlabels … dit duurt ongeveer een halve minuut."):
            res = retrain.retrain(store=store, force=force)
    except Exception as e:  # noqa: BLE001
        ss[MESSAGE_KEY] = ("error", f"Trainen is mislukt ({error_text(e)}).")
        return
    d = res.get("decision_detail") or {}
    comparison = (f"kruisvalidatie per werkgever op train+dev: F1 {d['new_f1']:.3f} tegenover {d['base_f1']:.3f}, "
                  f"winst tussen {d['low']:+.3f} en {d['high']:+.3f} (95 %)") if d else "geen vergelijking"
    labels = res.get("review_labels_used", 0)
    occupation_corrections = res.get("linking", {}).get("corrections")
    if occupation_corrections:
        comparison += f"; {occupation_corrections} door recruiters gekozen beroepen in de koppeling opgenomen"
    if res.get("activated"):
        ss[MESSAGE_KEY] = ("success", f"Nieuwe versie {res['version']} getraind ({labels} reviewerlabels) en "
                                      f"geactiveerd: {comparison}.")
    else:
        ss[MESSAGE_KEY] = ("warning", f"Nieuwe versie {res['version']} getraind ({labels} reviewerlabels) maar niet "
                                      f"geactiveerd: geen winst buiten de ruis ({comparison}). Activeer ze "
                                      "hierboven als je ze toch wilt gebruiken.")
    if res.get("activated"):
        ss["_volgende_versie"] = res["version"]  # selected on the next run (the selectbox exists already)
    ss["_train_resultaat"] = res


def _show_message(ss) -> None:
    message = ss.pop(MESSAGE_KEY, None)
    if message:
        {"success": st.success, "warning": st.warning, "error": st.error}[message[0]](message[1])


def _read_registry() -> Optional[tuple]:
    """(versions, active, history) of the registry, or None after an error on the page."""
    try:
        reg = registry()
        versions = reg.versions()
        active = reg.active()
        history = reg.history()
    except Exception as e:  # noqa: BLE001
        st.error(f"De modelversies kunnen niet gelezen worden ({error_text(e)}).")
        return None
    return versions, active, history


def _activation_history(history: list) -> None:
    st.markdown("**Geschiedenis van de activeringen**")
    st.dataframe(pd.DataFrame([{"wanneer": h.get("at"), "versie": h.get("version") or "geen (alleen regels)",
                                "vorige": h.get("previous") or "–", "reden": reason_nl(h.get("reason") or ""),
                                "technisch": h.get("reason") or ""}
                               for h in reversed(history)]), hide_index=True, width="stretch")


def _version_controls(ss, versions: list[dict], active, history: list) -> None:
    """The version table, the version choice with activate/rollback, and the activation history."""
    st.caption(f"Actieve versie: **{active or 'geen (alleen regels)'}**")  # no server path for the browser
    st.dataframe(versions_table(versions), hide_index=True, width="stretch")
    names = [v["version"] for v in versions]
    if ss.get("_volgende_versie") in names:
        ss["model_versie"] = ss.pop("_volgende_versie")
    if ss.get("model_versie") not in names:
        ss["model_versie"] = active if active in names else names[-1]
    col1, col2, col3 = st.columns([3, 1, 1], vertical_alignment="bottom")
    col1.selectbox("Versie", names, key="model_versie",
                   format_func=lambda v: f"{v} (actief)" if v == active else v)
    col2.button("Activeren", key="activeren", on_click=_activate, disabled=ss.get("model_versie") == active,
                width="stretch")
    col3.button("Terugdraaien", key="terugdraaien", on_click=_roll_back, width="stretch",
                help="Activeer de versie die actief was vóór de huidige (HISTORY.jsonl).")
    if history:
        _activation_history(history)


def _last_training_result(ss) -> None:
    res = ss.get("_train_resultaat")
    if res:
        micro = res.get("micro") or {}
        rows = [{"meting": k, **{m: micro[k].get(m) for m in ("p", "r", "f1")}} for k in micro]
        if rows:
            st.caption(f"Laatste training: {res['version']} ({res.get('seconds', '?')} s)")
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _retrain_section(ss, store) -> None:
    st.subheader("Opnieuw trainen")
    n_labels = None
    if store is not None:
        try:
            n_labels = len(store.training_labels())
        except Exception:  # noqa: BLE001
            n_labels = None
    st.write("Traint op de gold-data (train + dev) plus de eindbeslissingen van de reviewers "
             + (f"(nu {n_labels} signalen met een beslissing)" if n_labels is not None else "")
             + ". De nieuwe versie wordt alleen actief als ze in kruisvalidatie per werkgever duidelijk beter scoort "
             "dan de actieve (winst buiten de ruis); de verzegelde testset beslist daar nooit over.")
    force = st.checkbox("Ook activeren zonder duidelijke winst", key="train_forceren")
    if st.button("Opnieuw trainen", key="trainen", type="primary"):
        run_training(force)
        st.rerun()
    _last_training_result(ss)


def page() -> None:
    ss = st.session_state
    st.title("Modellen")
    st.write("Het signaalmodel (een gekalibreerde classifier bovenop de regels R1–R20) heeft versies. Hier zie je "
             "ze met hun scores uit kruisvalidatie per werkgever (CV, op train + dev), activeer je een andere versie, draai je terug naar de vorige, "
             "of train je een nieuwe versie met de labels van de reviewers erbij.")
    store, error = open_store()
    if store is None:
        st.error(f"{error} Zonder labeldatabank zijn er geen accounts, en dus geen modelbeheer.")
        return
    if account(store, "admin", "modelversies te beheren") is None:
        return
    _show_message(ss)
    st.checkbox("Ik bevestig dat ik het actieve model wil wijzigen (activeren, terugdraaien of trainen).",
                key="bevestig", help="Elke wijziging komt met je naam in het auditlogboek.")
    loaded = _read_registry()
    if loaded is None:
        return
    versions, active, history = loaded
    if not versions:
        st.info("Er zijn nog geen getrainde versies: vacscreen gebruikt de regels alleen. Train hieronder een versie.")
    else:
        _version_controls(ss, versions, active, history)
    _retrain_section(ss, store)
