"""Page "Bulk": screen a file of vacancies (CSV, JSONL or XLSX with a `text` column; `id`, `title`, `occupation`
optional), with filters, charts and downloads. Rows that cannot be screened are listed, never fatal.

Widget keys: bulk_bestand, bulk_opslaan, bulk_screenen, bulk_filter_beroep, bulk_filter_soort, bulk_filter_ernst,
bulk_csv, bulk_xlsx, bulk_jsonl. Session state: bulk (the results of the last run)."""
from __future__ import annotations

import csv
import io
import json
from pathlib import PurePath
from typing import Optional

import pandas as pd
import streamlit as st

from vacscreen.ui.common import flag_label, fout_tekst, nl, open_store, pipeline, plain
from vacscreen.ui.files import FileError
from vacscreen.vocab import SEVERITY_LABELS

TYPES = ("csv", "jsonl", "ndjson", "json", "xlsx")
KOLOM = {"text": ("text", "tekst", "vacaturetekst"), "id": ("id", "vacature_id", "vacancy_id"),
         "title": ("title", "titel", "functietitel"), "occupation": ("occupation", "beroep")}
GEEN = "geen"  # severity filter: vacancies without flags
OVERZICHT = ["rij", "id", "titel", "beroep", "knelpuntberoep", "eisen", "signalen", "sterk", "soorten", "fout"]
DETAIL = ["rij", "id", "beroep", "soort", "ernst", "score", "tekst", "waarom", "beter", "norm", "bron"]


# -- reading --------------------------------------------------------------------------------------------------------
def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def lees_tabel(name: str, data: bytes) -> pd.DataFrame:
    """The uploaded table as strings ("" for empty cells). FileError (Dutch) when it cannot be read or has no
    text column."""
    ext = PurePath(name or "").suffix.lower().lstrip(".")
    if not data:
        raise FileError(f"Het bestand '{name}' is leeg.")
    try:
        if ext == "csv":
            text = _decode(data)
            try:
                sep = csv.Sniffer().sniff(text[:65536], delimiters=",;\t|").delimiter
            except csv.Error:
                sep = ","
            df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
        elif ext in ("jsonl", "ndjson"):
            df = pd.read_json(io.StringIO(_decode(data)), lines=True, dtype=False)
        elif ext == "json":
            df = pd.read_json(io.StringIO(_decode(data)), dtype=False)
        elif ext == "xlsx":
            df = pd.read_excel(io.BytesIO(data), engine="openpyxl", dtype=str)
        else:
            raise FileError(f"Bestandstype '.{ext}' wordt niet ondersteund; gebruik .csv, .jsonl of .xlsx.")
    except FileError:
        raise
    except Exception as e:  # noqa: BLE001 - pandas, csv, openpyxl, zipfile: many kinds
        raise FileError(f"'{name}' kan niet gelezen worden als .{ext}-tabel: {fout_tekst(e)}") from None
    df.columns = [str(c).strip() for c in df.columns]
    if kolom(df, "text") is None:
        gevonden = ", ".join(f"'{c}'" for c in df.columns[:20]) or "geen"
        raise FileError(f"'{name}' heeft geen kolom 'text' met de vacaturetekst (gevonden kolommen: {gevonden}).")
    return df


def kolom(df: pd.DataFrame, veld: str) -> Optional[str]:
    lower = {c.lower(): c for c in df.columns}
    return next((lower[n] for n in KOLOM[veld] if n in lower), None)


def _cel(v) -> Optional[str]:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v)
    return s if s.strip() else None


def rijen(df: pd.DataFrame) -> list[dict]:
    """Rows for screen_many: text ("" when empty), id (the row number when missing), title, occupation."""
    cols = {veld: kolom(df, veld) for veld in KOLOM}
    out = []
    for i, rec in enumerate(df.to_dict("records"), start=1):
        row = {"text": _cel(rec.get(cols["text"])) or "", "id": _cel(rec.get(cols["id"])) if cols["id"] else None}
        row["id"] = row["id"] or str(i)
        for veld in ("title", "occupation"):
            if cols[veld]:
                row[veld] = _cel(rec.get(cols[veld]))
        out.append(row)
    return out


# -- screening ------------------------------------------------------------------------------------------------------
def screen_rijen(rows: list[dict], voortgang=None) -> list[dict]:
    """screen_many over the rows, one result per row in order; voortgang(done, total) after each. When
    screen_many itself fails, the remaining rows are screened one by one so that one bad row costs only itself."""
    from vacscreen.api import screen_many
    from vacscreen.schema import InputError

    pipeline()  # the models, loaded once per server
    results: list[dict] = []
    n = len(rows)
    try:
        for r in screen_many(rows, batch_size=16):
            results.append(r)
            if voortgang:
                voortgang(len(results), n)
    except Exception:  # noqa: BLE001 - fall back to one row at a time below
        pass
    screen = pipeline()
    for row in rows[len(results):]:
        try:
            results.append(screen(row["text"], id=row.get("id"), title=row.get("title"),
                                  occupation=row.get("occupation")).to_dict())
        except InputError as e:
            results.append({"id": row.get("id"), "title": row.get("title"), "error": str(e)})
        except Exception as e:  # noqa: BLE001
            results.append({"id": row.get("id"), "title": row.get("title"), "error": fout_tekst(e)})
        if voortgang:
            voortgang(len(results), n)
    return results


def overzicht(results: list[dict]) -> pd.DataFrame:
    """One row per vacancy; helper columns _soorten and _ernst (sets) for the filters."""
    rows = []
    for i, r in enumerate(results, start=1):
        occ = r.get("occupation") or {}
        flags = r.get("flags") or []
        fout = r.get("error")
        rows.append({"rij": i, "id": "" if r.get("id") is None else str(r.get("id")), "titel": r.get("title") or "",
                     "beroep": occ.get("name") or ("" if fout else "(geen beroep)"),
                     "knelpuntberoep": "" if fout or not occ else ("ja" if occ.get("bottleneck") else "nee"),
                     "eisen": None if fout else len(r.get("requirements") or []),
                     "signalen": None if fout else len(flags),
                     "sterk": None if fout else sum(f["severity"] == "strong" for f in flags),
                     "soorten": ", ".join(flag_label(f["kind"]) for f in flags),
                     "fout": nl(fout) if fout else "",
                     "_soorten": frozenset(f["kind"] for f in flags),
                     "_ernst": frozenset(f["severity"] for f in flags) or frozenset({GEEN})})
    df = pd.DataFrame(rows, columns=[*OVERZICHT, "_soorten", "_ernst"])
    for c in ("eisen", "signalen", "sterk"):
        df[c] = df[c].astype("Int64")
    return df


def detail(results: list[dict], rij: set[int], soorten: list[str], ernst: list[str]) -> pd.DataFrame:
    """One row per flag of the vacancies in `rij`, kind and severity filters applied."""
    rows = []
    for i, r in enumerate(results, start=1):
        if i not in rij:
            continue
        for f in r.get("flags") or []:
            if soorten and f["kind"] not in soorten:
                continue
            if ernst and f["severity"] not in ernst:
                continue
            rows.append({"rij": i, "id": "" if r.get("id") is None else str(r["id"]),
                         "beroep": (r.get("occupation") or {}).get("name") or "", "soort": flag_label(f["kind"]),
                         "ernst": SEVERITY_LABELS.get(f["severity"], f["severity"]), "score": f["score"],
                         "tekst": " ".join(f["text"].split()), "waarom": f["reason"], "beter": f["suggestion"],
                         "norm": f["norm"], "bron": f["source"]})
    return pd.DataFrame(rows, columns=DETAIL)


def filter_overzicht(df: pd.DataFrame, beroepen: list[str], soorten: list[str], ernst: list[str]) -> pd.DataFrame:
    mask = pd.Series(True, index=df.index)
    if beroepen:
        mask &= df["beroep"].isin(beroepen)
    if soorten:
        mask &= df["_soorten"].map(lambda s: bool(s & set(soorten)))
    if ernst:
        mask &= df["_ernst"].map(lambda s: bool(s & set(ernst)))
    return df[mask]


def grafieken(ok: pd.DataFrame) -> None:
    """Vacancies flagged per occupation and per kind, as counts and percentages (screened rows only)."""
    if ok.empty:
        return
    k1, k2 = st.columns(2)
    with k1:
        st.markdown("**Vacatures met een signaal, per beroep** (aantal en percentage)")
        per_beroep = (ok.assign(gesignaleerd=ok["signalen"].fillna(0) > 0)
                      .groupby("beroep").agg(met=("gesignaleerd", "sum"), vacatures=("rij", "count"))
                      .sort_values(["vacatures", "met"], ascending=False).head(25).reset_index())
        per_beroep["procent"] = (100 * per_beroep["met"] / per_beroep["vacatures"]).round(1)
        per_beroep["beroep"] = [f"{b} — {m} van {n} ({p:.0f} %)" for b, m, n, p in
                                zip(per_beroep["beroep"], per_beroep["met"], per_beroep["vacatures"], per_beroep["procent"])]
        st.bar_chart(per_beroep, x="beroep", y="procent", horizontal=True, x_label="", y_label="% van de vacatures",
                     sort="-procent")
    with k2:
        st.markdown("**Vacatures met een signaal, per soort** (aantal en percentage)")
        tel: dict[str, int] = {}
        for kinds in ok["_soorten"]:
            for k in kinds:
                tel[flag_label(k)] = tel.get(flag_label(k), 0) + 1
        if tel:
            per_soort = pd.DataFrame({"soort": [f"{k} — {v} van {len(ok)} ({100 * v / len(ok):.0f} %)"
                                                for k, v in tel.items()],
                                      "procent": [round(100 * v / len(ok), 1) for v in tel.values()]})
            st.bar_chart(per_soort, x="soort", y="procent", horizontal=True, x_label="", y_label="% van de vacatures",
                         sort="-procent")
        else:
            st.caption("Geen signalen.")


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, df in sheets.items():
            clean = df.map(lambda v: ILLEGAL_CHARACTERS_RE.sub(" ", v) if isinstance(v, str) else v)
            clean.to_excel(writer, sheet_name=name, index=False)
    return buf.getvalue()


def _opslaan(rows: list[dict], results: list[dict]) -> Optional[str]:
    """Save the screened rows to the label store; a Dutch warning, or None."""
    store, fout = open_store()
    if store is None:
        return fout
    mislukt = 0
    for row, res in zip(rows, results):
        if res.get("error"):
            continue
        try:
            store.save_screening(res, row["text"])
        except Exception:  # noqa: BLE001
            mislukt += 1
    return f"{mislukt} screenings zijn niet opgeslagen voor review." if mislukt else None


def page() -> None:
    ss = st.session_state
    st.title("Bulk screenen")
    st.write("Upload een tabel met vacatures: **CSV**, **JSONL** of **Excel (.xlsx)** met een kolom `text` "
             "(de vacaturetekst, gewone tekst of HTML) en optioneel `id`, `title` en `occupation`. Elke rij wordt "
             "gescreend; rijen die niet lukken (bv. een lege tekst) staan apart, met de reden.")
    bestand = st.file_uploader("Tabel met vacatures", type=list(TYPES), key="bulk_bestand")
    if bestand is None:
        ss.pop("bulk", None)
        st.info("Nog geen bestand gekozen.")
        return
    try:
        df = lees_tabel(bestand.name, bestand.getvalue())
    except FileError as e:
        ss.pop("bulk", None)
        st.error(str(e))
        return
    rows = rijen(df)
    bron = (bestand.name, bestand.size)
    if ss.get("bulk") and ss["bulk"]["bron"] != bron:
        ss.pop("bulk", None)
    st.caption(f"{len(rows)} rijen gelezen uit '{plain(bestand.name)}' (kolom met de tekst: '{plain(kolom(df, 'text'))}').")
    if not rows:
        st.warning("De tabel heeft geen rijen.")
        return
    opslaan = st.checkbox("Ook in de reviewwachtrij zetten (labeldatabank)", key="bulk_opslaan")
    if st.button("Screenen", type="primary", key="bulk_screenen"):
        balk = st.progress(0.0, text=f"0 van {len(rows)} vacatures gescreend")

        def voortgang(i: int, n: int) -> None:
            balk.progress(i / n, text=f"{i} van {n} vacatures gescreend")

        try:
            results = screen_rijen(rows, voortgang)
        except Exception as e:  # noqa: BLE001 - e.g. the models cannot be loaded
            st.error(f"Het screenen is mislukt ({fout_tekst(e)}).")
            return
        balk.empty()
        ss["bulk"] = {"bron": bron, "resultaten": results,
                      "opslag": _opslaan(rows, results) if opslaan else None}
    data = ss.get("bulk")
    if not data:
        return
    toon_resultaten(data["resultaten"], bestand.name)
    if data.get("opslag"):
        st.warning(data["opslag"])


def toon_resultaten(results: list[dict], naam: str) -> None:
    df = overzicht(results)
    fouten = df[df["fout"] != ""]
    ok = df[df["fout"] == ""]
    n_sig = int((ok["signalen"].fillna(0) > 0).sum())
    st.subheader(f"{len(ok)} vacatures gescreend, {n_sig} met minstens één signaal")
    if len(fouten):
        st.warning(f"{len(fouten)} van {len(df)} rijen konden niet gescreend worden:")
        st.dataframe(fouten[["rij", "id", "titel", "fout"]], hide_index=True, width="stretch")
    if ok.empty:
        return
    k1, k2, k3 = st.columns(3)
    beroepen = k1.multiselect("Beroep", sorted(set(ok["beroep"])), key="bulk_filter_beroep", placeholder="alle")
    soorten_aanwezig = sorted({k for s in ok["_soorten"] for k in s}, key=flag_label)
    soorten = k2.multiselect("Soort signaal", soorten_aanwezig, key="bulk_filter_soort", format_func=flag_label,
                             placeholder="alle")
    ernst = k3.multiselect("Ernst", ["strong", "mild", GEEN], key="bulk_filter_ernst", placeholder="alle",
                           format_func=lambda e: {"strong": "sterk", "mild": "licht", GEEN: "zonder signaal"}[e])
    gefilterd = filter_overzicht(ok, beroepen, soorten, ernst)
    st.caption(f"{len(gefilterd)} van {len(ok)} vacatures na de filters.")
    st.dataframe(gefilterd[OVERZICHT[:-1]], hide_index=True, width="stretch")
    signalen = detail(results, set(gefilterd["rij"]), soorten, [e for e in ernst if e != GEEN])
    st.markdown(f"**Signalen ({len(signalen)})**")
    st.dataframe(signalen, hide_index=True, width="stretch")
    grafieken(gefilterd)
    stam = PurePath(naam).stem or "vacatures"
    uit = pd.concat([gefilterd, fouten]).sort_values("rij")[OVERZICHT]
    st.caption("CSV en Excel bevatten de gefilterde vacatures en de rijen met een fout; JSONL alle resultaten.")
    k1, k2, k3 = st.columns(3)
    k1.download_button("CSV downloaden", uit.to_csv(index=False).encode("utf-8-sig"), f"{stam}.vacscreen.csv",
                       "text/csv", key="bulk_csv", on_click="ignore")
    try:
        xlsx = xlsx_bytes({"vacatures": uit, "signalen": signalen})
    except Exception as e:  # noqa: BLE001
        k2.error(f"Excel-bestand maken mislukt ({fout_tekst(e)}).")
    else:
        k2.download_button("Excel downloaden", xlsx, f"{stam}.vacscreen.xlsx",
                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="bulk_xlsx",
                           on_click="ignore")
    k3.download_button("JSONL downloaden (volledig)",
                       "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results).encode("utf-8"),
                       f"{stam}.vacscreen.jsonl", "application/jsonl", key="bulk_jsonl", on_click="ignore")
