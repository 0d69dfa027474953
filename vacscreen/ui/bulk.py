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

from vacscreen.ui.common import error_text, flag_label, nl, open_store, pipeline, plain
from vacscreen.ui.files import FileError
from vacscreen.vocab import SEVERITY_LABELS

TYPES = ("csv", "jsonl", "ndjson", "json", "xlsx")
COLUMN_NAMES = {"text": ("text", "tekst", "vacaturetekst"), "id": ("id", "vacature_id", "vacancy_id"),
                "title": ("title", "titel", "functietitel"), "occupation": ("occupation", "beroep")}
NO_FLAGS = "geen"  # severity filter: vacancies without flags
SUMMARY_COLUMNS = ["rij", "id", "titel", "beroep", "knelpuntberoep", "eisen", "signalen", "sterk", "soorten", "fout"]
DETAIL = ["rij", "id", "beroep", "soort", "ernst", "score", "tekst", "waarom", "beter", "norm", "bron"]


# -- reading --------------------------------------------------------------------------------------------------------
def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_table(name: str, data: bytes) -> pd.DataFrame:
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
        raise FileError(f"'{name}' kan niet gelezen worden als .{ext}-tabel: {error_text(e)}") from None
    df.columns = [str(c).strip() for c in df.columns]
    if column_for(df, "text") is None:
        found = ", ".join(f"'{c}'" for c in df.columns[:20]) or "geen"
        raise FileError(f"'{name}' heeft geen kolom 'text' met de vacaturetekst (gevonden kolommen: {found}).")
    return df


def column_for(df: pd.DataFrame, field: str) -> Optional[str]:
    lower = {c.lower(): c for c in df.columns}
    return next((lower[n] for n in COLUMN_NAMES[field] if n in lower), None)


def _cell(v) -> Optional[str]:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v)
    return s if s.strip() else None


def screening_rows(df: pd.DataFrame) -> list[dict]:
    """Rows for screen_many: text ("" when empty), id (the row number when missing), title, occupation."""
    cols = {field: column_for(df, field) for field in COLUMN_NAMES}
    out = []
    for i, rec in enumerate(df.to_dict("records"), start=1):
        row = {"text": _cell(rec.get(cols["text"])) or "", "id": _cell(rec.get(cols["id"])) if cols["id"] else None}
        row["id"] = row["id"] or str(i)
        for field in ("title", "occupation"):
            if cols[field]:
                row[field] = _cell(rec.get(cols[field]))
        out.append(row)
    return out


# -- screening ------------------------------------------------------------------------------------------------------
def screen_rows(rows: list[dict], progress=None) -> list[dict]:
    """screen_many over the rows, one result per row in order; progress(done, total) after each. When
    screen_many itself fails, the remaining rows are screened one by one so that one bad row costs only itself."""
    from vacscreen.api import screen_many
    from vacscreen.schema import InputError

    pipeline()  # the models, loaded once per server
    results: list[dict] = []
    n = len(rows)
    try:
        for r in screen_many(rows, batch_size=16):
            results.append(r)
            if progress:
                progress(len(results), n)
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
            results.append({"id": row.get("id"), "title": row.get("title"), "error": error_text(e)})
        if progress:
            progress(len(results), n)
    return results


def summary(results: list[dict]) -> pd.DataFrame:
    """One row per vacancy; helper columns _soorten and _ernst (sets) for the filters."""
    rows = []
    for i, r in enumerate(results, start=1):
        occ = r.get("occupation") or {}
        flags = r.get("flags") or []
        error = r.get("error")
        rows.append({"rij": i, "id": "" if r.get("id") is None else str(r.get("id")), "titel": r.get("title") or "",
                     "beroep": occ.get("name") or ("" if error else "(geen beroep)"),
                     "knelpuntberoep": "" if error or not occ else ("ja" if occ.get("bottleneck") else "nee"),
                     "eisen": None if error else len(r.get("requirements") or []),
                     "signalen": None if error else len(flags),
                     "sterk": None if error else sum(f["severity"] == "strong" for f in flags),
                     "soorten": ", ".join(flag_label(f["kind"]) for f in flags),
                     "fout": nl(error) if error else "",
                     "_soorten": frozenset(f["kind"] for f in flags),
                     "_ernst": frozenset(f["severity"] for f in flags) or frozenset({NO_FLAGS})})
    df = pd.DataFrame(rows, columns=[*SUMMARY_COLUMNS, "_soorten", "_ernst"])
    for c in ("eisen", "signalen", "sterk"):
        df[c] = df[c].astype("Int64")
    return df


def detail(results: list[dict], row_numbers: set[int], kinds: list[str], severities: list[str]) -> pd.DataFrame:
    """One row per flag of the vacancies in `rij`, kind and severity filters applied."""
    rows = []
    for i, r in enumerate(results, start=1):
        if i not in row_numbers:
            continue
        for f in r.get("flags") or []:
            if kinds and f["kind"] not in kinds:
                continue
            if severities and f["severity"] not in severities:
                continue
            rows.append({"rij": i, "id": "" if r.get("id") is None else str(r["id"]),
                         "beroep": (r.get("occupation") or {}).get("name") or "", "soort": flag_label(f["kind"]),
                         "ernst": SEVERITY_LABELS.get(f["severity"], f["severity"]), "score": f["score"],
                         "tekst": " ".join(f["text"].split()), "waarom": f["reason"], "beter": f["suggestion"],
                         "norm": f["norm"], "bron": f["source"]})
    return pd.DataFrame(rows, columns=DETAIL)


def filter_summary(df: pd.DataFrame, occupations: list[str], kinds: list[str], severities: list[str]) -> pd.DataFrame:
    mask = pd.Series(True, index=df.index)
    if occupations:
        mask &= df["beroep"].isin(occupations)
    if kinds:
        mask &= df["_soorten"].map(lambda s: bool(s & set(kinds)))
    if severities:
        mask &= df["_ernst"].map(lambda s: bool(s & set(severities)))
    return df[mask]


def charts(ok: pd.DataFrame) -> None:
    """Vacancies flagged per occupation and per kind, as counts and percentages (screened rows only)."""
    if ok.empty:
        return
    col1, col2 = st.columns(2)
    with col1:
        st.markdown("**Vacatures met een signaal, per beroep** (aantal en percentage)")
        per_occupation = (ok.assign(flagged=ok["signalen"].fillna(0) > 0)
                          .groupby("beroep").agg(flagged=("flagged", "sum"), vacancies=("rij", "count"))
                          .sort_values(["vacancies", "flagged"], ascending=False).head(25).reset_index())
        per_occupation["procent"] = (100 * per_occupation["flagged"] / per_occupation["vacancies"]).round(1)
        per_occupation["beroep"] = [f"{b} — {m} van {n} ({p:.0f} %)" for b, m, n, p in
                                    zip(per_occupation["beroep"], per_occupation["flagged"],
                                        per_occupation["vacancies"], per_occupation["procent"])]
        st.bar_chart(per_occupation, x="beroep", y="procent", horizontal=True, x_label="", y_label="% van de vacatures",
                     sort="-procent")
    with col2:
        st.markdown("**Vacatures met een signaal, per soort** (aantal en percentage)")
        counts: dict[str, int] = {}
        for kinds in ok["_soorten"]:
            for k in kinds:
                counts[flag_label(k)] = counts.get(flag_label(k), 0) + 1
        if counts:
            per_kind = pd.DataFrame({"soort": [f"{k} — {v} van {len(ok)} ({100 * v / len(ok):.0f} %)"
                                               for k, v in counts.items()],
                                     "procent": [round(100 * v / len(ok), 1) for v in counts.values()]})
            st.bar_chart(per_kind, x="soort", y="procent", horizontal=True, x_label="", y_label="% van de vacatures",
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


def _save(rows: list[dict], results: list[dict]) -> Optional[str]:
    """Save the screened rows to the label store; a Dutch warning, or None."""
    store, error = open_store()
    if store is None:
        return error
    failed = 0
    for row, res in zip(rows, results):
        if res.get("error"):
            continue
        try:
            store.save_screening(res, row["text"])
        except Exception:  # noqa: BLE001
            failed += 1
    return f"{failed} screenings zijn niet opgeslagen voor review." if failed else None


def page() -> None:
    ss = st.session_state
    st.title("Bulk screenen")
    st.write("Upload een tabel met vacatures: **CSV**, **JSONL** of **Excel (.xlsx)** met een kolom `text` "
             "(de vacaturetekst, gewone tekst of HTML) en optioneel `id`, `title` en `occupation`. Elke rij wordt "
             "gescreend; rijen die niet lukken (bv. een lege tekst) staan apart, met de reden.")
    upload = st.file_uploader("Tabel met vacatures", type=list(TYPES), key="bulk_bestand")
    if upload is None:
        ss.pop("bulk", None)
        st.info("Nog geen bestand gekozen.")
        return
    try:
        df = read_table(upload.name, upload.getvalue())
    except FileError as e:
        ss.pop("bulk", None)
        st.error(str(e))
        return
    rows = screening_rows(df)
    source = (upload.name, upload.size)
    if ss.get("bulk") and ss["bulk"]["bron"] != source:
        ss.pop("bulk", None)
    st.caption(f"{len(rows)} rijen gelezen uit '{plain(upload.name)}' "
               f"(kolom met de tekst: '{plain(column_for(df, 'text'))}').")
    if not rows:
        st.warning("De tabel heeft geen rijen.")
        return
    save = st.checkbox("Ook in de reviewwachtrij zetten (labeldatabank)", key="bulk_opslaan")
    if st.button("Screenen", type="primary", key="bulk_screenen"):
        bar = st.progress(0.0, text=f"0 van {len(rows)} vacatures gescreend")

        def progress(i: int, n: int) -> None:
            bar.progress(i / n, text=f"{i} van {n} vacatures gescreend")

        try:
            results = screen_rows(rows, progress)
        except Exception as e:  # noqa: BLE001 - e.g. the models cannot be loaded
            st.error(f"Het screenen is mislukt ({error_text(e)}).")
            return
        bar.empty()
        ss["bulk"] = {"bron": source, "resultaten": results,
                      "opslag": _save(rows, results) if save else None}
    data = ss.get("bulk")
    if not data:
        return
    show_results(data["resultaten"], upload.name)
    if data.get("opslag"):
        st.warning(data["opslag"])


def show_results(results: list[dict], file_name: str) -> None:
    df = summary(results)
    errors = df[df["fout"] != ""]
    ok = df[df["fout"] == ""]
    n_sig = int((ok["signalen"].fillna(0) > 0).sum())
    st.subheader(f"{len(ok)} vacatures gescreend, {n_sig} met minstens één signaal")
    if len(errors):
        st.warning(f"{len(errors)} van {len(df)} rijen konden niet gescreend worden:")
        st.dataframe(errors[["rij", "id", "titel", "fout"]], hide_index=True, width="stretch")
    if ok.empty:
        return
    col1, col2, col3 = st.columns(3)
    occupations = col1.multiselect("Beroep", sorted(set(ok["beroep"])), key="bulk_filter_beroep", placeholder="alle")
    kinds_present = sorted({k for s in ok["_soorten"] for k in s}, key=flag_label)
    kinds = col2.multiselect("Soort signaal", kinds_present, key="bulk_filter_soort", format_func=flag_label,
                             placeholder="alle")
    severities = col3.multiselect("Ernst", ["strong", "mild", NO_FLAGS], key="bulk_filter_ernst", placeholder="alle",
                                  format_func=lambda e: {"strong": "sterk", "mild": "licht",
                                                         NO_FLAGS: "zonder signaal"}[e])
    filtered = filter_summary(ok, occupations, kinds, severities)
    st.caption(f"{len(filtered)} van {len(ok)} vacatures na de filters.")
    st.dataframe(filtered[SUMMARY_COLUMNS[:-1]], hide_index=True, width="stretch")
    flag_rows = detail(results, set(filtered["rij"]), kinds, [e for e in severities if e != NO_FLAGS])
    st.markdown(f"**Signalen ({len(flag_rows)})**")
    st.dataframe(flag_rows, hide_index=True, width="stretch")
    charts(filtered)
    stem = PurePath(file_name).stem or "vacatures"
    export = pd.concat([filtered, errors]).sort_values("rij")[SUMMARY_COLUMNS]
    st.caption("CSV en Excel bevatten de gefilterde vacatures en de rijen met een fout; JSONL alle resultaten.")
    col1, col2, col3 = st.columns(3)
    col1.download_button("CSV downloaden", export.to_csv(index=False).encode("utf-8-sig"), f"{stem}.vacscreen.csv",
                         "text/csv", key="bulk_csv", on_click="ignore")
    try:
        xlsx = xlsx_bytes({"vacatures": export, "signalen": flag_rows})
    except Exception as e:  # noqa: BLE001
        col2.error(f"Excel-bestand maken mislukt ({error_text(e)}).")
    else:
        col2.download_button("Excel downloaden", xlsx, f"{stem}.vacscreen.xlsx",
                             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="bulk_xlsx",
                             on_click="ignore")
    col3.download_button("JSONL downloaden (volledig)",
                         "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results).encode("utf-8"),
                         f"{stem}.vacscreen.jsonl", "application/jsonl", key="bulk_jsonl", on_click="ignore")
