"""Gold data: annotation records (docs/annotation.md format) -> requirements with offsets, and splits."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterator, Optional

GOLD_DIR = Path(__file__).resolve().parents[1] / "data" / "gold"
GOLD_FILES = ("vdab_gold.jsonl", "synthetic.jsonl")

_ORIGIN = re.compile(r"moedertaal|native|accent|talig|taal", re.I)
_FAMILY = re.compile(r"kinder|gezin|gehuwd|alleenstaand|getrouwd|zwanger", re.I)
_PHOTO = re.compile(r"foto|uiterlijk|voorkomen", re.I)


def licence_kind(name: str) -> str:
    return "licence" if name.lower().startswith("rijbewijs") or name.lower() == "code 95" else "certificate"


def criterion_category(text: str, kind: str) -> str:
    if kind != "other_discriminatory":
        return kind
    if _ORIGIN.search(text):
        return "origin_language"
    if _FAMILY.search(text):
        return "family"
    if _PHOTO.search(text):
        return "appearance"
    return "other"


def requirements(record: dict) -> list[dict]:
    """The gold items of one record as requirement dicts with start/end in the record's text.
    Repeated texts take successive occurrences, so duplicates land on different mentions."""
    text = record["text"]
    items = []
    for it in record.get("education", []):
        items.append({"kind": "education", "text": it["text"], "required": it["required"], "level": it["level"],
                      "field": it.get("field")})
    for it in record.get("languages", []):
        items.append({"kind": "language", "text": it["text"], "required": it["required"],
                      "language": it["language"], "cefr": it.get("level"), "raw": it.get("raw")})
    for it in record.get("experience", []):
        items.append({"kind": "experience", "text": it["text"], "required": it["required"],
                      "min_years": it.get("min_years"), "max_years": it.get("max_years")})
    for it in record.get("licences_certificates", []):
        items.append({"kind": licence_kind(it["name"]), "text": it["text"], "required": it["required"],
                      "name": it["name"]})
    for it in record.get("other_flags", []):
        items.append({"kind": "criterion", "text": it["text"], "required": True,
                      "category": criterion_category(it["text"], it["kind"])})
    # Each item takes the first occurrence of its text that no earlier item of its kind holds, so
    # repeated texts land on different mentions and "Rijbewijs B" does not land inside "Rijbewijs B auto's".
    # Longer texts are placed first.
    taken: dict[str, list[tuple[int, int]]] = {}
    for it in sorted(items, key=lambda it: -len(it["text"])):
        spans = taken.setdefault(_group(it["kind"]), [])
        occ = [m.start() for m in re.finditer(re.escape(it["text"]), text)]
        if not occ:
            raise ValueError(f"{record.get('id')}: gold text not in vacancy: {it['text'][:60]!r}")
        free = [o for o in occ if not any(o < e and s < o + len(it["text"]) for s, e in spans)]
        pos = (free or occ)[0]
        it["start"], it["end"] = pos, pos + len(it["text"])
        spans.append((it["start"], it["end"]))
    return items


def _group(kind: str) -> str:
    return "licence" if kind == "certificate" else kind


def split_ids(gold_dir: Path = GOLD_DIR) -> dict[str, set]:
    s = json.loads((gold_dir / "splits.json").read_text())
    return {k: set(v) for k, v in s.items() if k in ("train", "dev", "test")}


def load(split: Optional[str] = None, gold_dir: Path = GOLD_DIR) -> Iterator[dict]:
    """Gold records of a split ('train', 'dev', 'test' or None for all). Synthetic records count as
    train, except those whose id is listed in splits.json under dev."""
    splits = split_ids(gold_dir)
    for name in GOLD_FILES:
        path = gold_dir / name
        if not path.exists():
            continue
        for line in path.open(encoding="utf-8"):
            if not line.strip():
                continue
            rec = json.loads(line)
            rid = rec["id"]
            where = next((k for k, ids in splits.items() if rid in ids), "train")
            if split is None or where == split:
                rec["split"] = where
                yield rec
