"""Flat rows for bulk results: one row per vacancy with the counts an analyst filters and aggregates on.
Used by screen_frame() (pandas) and vacscreen.spark (Spark), so both give the same columns and values."""
from __future__ import annotations

import json
from typing import Any, Optional

FLAG_KINDS = ("education_too_high", "experience_too_high", "language_too_high", "certificate_unneeded",
              "requirement_overload", "age", "gender", "origin_language", "nationality", "health",
              "other_discrimination")

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
