"""Bulk rows in and out. In: texts, dicts or a DataFrame as rows with text/id/title/occupation, each field checked
(as_rows, text_field, row_id, error_row, batches). Out: one flat row per vacancy with the counts an analyst filters
and aggregates on (flatten, COLUMNS), used by screen_frame() (pandas) and vacscreen.spark (Spark), so both give the
same columns and values."""
from __future__ import annotations

import json
from typing import Any, Iterable, Iterator, Optional

from vacscreen.schema import InputError
from vacscreen.vocab import FLAG_KINDS


# column -> type name ("string", "int", "bool", "double"); the Spark schema is built from this.
COLUMNS: dict[str, str] = {
    "id": "string", "title": "string", "error": "string", "language": "string",
    "occupation": "string", "occupation_source": "string", "occupation_vks": "int", "bottleneck": "bool",
    "regulated": "bool", "n_requirements": "int", "n_required": "int", "n_flags": "int", "n_strong": "int",
    "max_severity": "string", "max_score": "double", "flag_kinds": "string",
    **{f"flag_{k}": "int" for k in FLAG_KINDS},
    "model_version": "string", "result_json": "string",
}


def flatten(result: dict) -> dict[str, Any]:
    """A screen_many() result (or error row) as one flat row with every column of COLUMNS."""
    row: dict[str, Any] = {c: None for c in COLUMNS}
    row["id"] = None if result.get("id") is None else str(result["id"])
    row["title"] = result.get("title")
    row["result_json"] = json.dumps(result, ensure_ascii=False, sort_keys=True)
    if "error" in result:
        row["error"] = result["error"]
        return row
    occ: Optional[dict] = result.get("occupation")
    flags = result.get("flags") or []
    reqs = result.get("requirements") or []
    row.update(language=result.get("language"), model_version=result.get("model_version"),
               n_requirements=len(reqs), n_required=sum(bool(r.get("required")) for r in reqs),
               n_flags=len(flags), n_strong=sum(f["severity"] == "strong" for f in flags),
               max_severity=("strong" if any(f["severity"] == "strong" for f in flags) else "mild") if flags else None,
               max_score=max((float(f["score"]) for f in flags), default=None),
               flag_kinds=",".join(f["kind"] for f in flags))
    for k in FLAG_KINDS:
        row[f"flag_{k}"] = sum(f["kind"] == k for f in flags)
    if occ:
        row.update(occupation=occ.get("name"), occupation_source=occ.get("source"), occupation_vks=occ.get("vks"),
                   bottleneck=bool(occ.get("bottleneck")), regulated=bool(occ.get("regulated")))
    return row


def typed_frame(rows: list[dict], columns: Optional[list[str]] = None):
    """Flat rows as a pandas DataFrame with the nullable dtypes of COLUMNS (Int64, boolean, Float64)."""
    import pandas as pd

    out = pd.DataFrame(rows, columns=columns or list(COLUMNS))
    dtypes = {"int": "Int64", "bool": "boolean", "double": "Float64"}
    for col, kind in COLUMNS.items():
        if kind in dtypes:
            out[col] = out[col].astype(dtypes[kind])
    return out


# -- rows in ---------------------------------------------------------------------------------------------------------
def as_row(item) -> dict:
    if isinstance(item, dict):
        return item
    return {"text": item}


def as_rows(rows) -> Iterable[dict]:
    """Texts, dicts, or a pandas DataFrame (columns text, optional id/title/occupation), as dicts, lazily."""
    if hasattr(rows, "to_dict") and hasattr(rows, "columns"):  # a DataFrame: one row at a time
        cols = [c for c in ("text", "id", "title", "occupation") if c in rows.columns]
        if "text" not in cols:
            raise ValueError(f"the DataFrame has no `text` column (columns: {list(rows.columns)})")
        return ({k: (None if missing(v) else v) for k, v in zip(cols, values)}
                for values in rows[cols].itertuples(index=False, name=None))
    return (as_row(item) for item in rows)


def missing(v) -> bool:
    return v is None or (isinstance(v, float) and v != v)  # NaN from pandas


def text_field(row: dict, key: str) -> Optional[str]:
    """A row's title or occupation as text: missing or NaN -> None, a number (a Parquet column of integers) -> its
    text; anything else (a list, a dict) -> InputError for this row alone."""
    v = row.get(key)
    if missing(v):
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return str(int(v)) if float(v).is_integer() else str(v)
    raise InputError(f"{key} must be text, got {type(v).__name__}")


def row_id(row: dict):
    """The id as given when JSON can hold it, else its text (an id never stops a row)."""
    v = row.get("id")
    return None if missing(v) else v if isinstance(v, (str, int, float, bool)) else str(v)


def error_row(row, message: str) -> dict:
    row = row if isinstance(row, dict) else {}
    title = row.get("title")
    return {"id": row_id(row), "title": title if isinstance(title, str) else None, "error": message}


def batches(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    batch: list = []
    for row in rows:
        batch.append({k: row.get(k) for k in ("text", "id", "title", "occupation")} if isinstance(row, dict) else row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
