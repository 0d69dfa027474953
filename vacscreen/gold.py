"""Gold data: annotation records (docs/annotation.md format) -> requirements with offsets, and splits.

Gold of real vacancies keeps ids, offsets and labels only: the text is joined from the shared data folder
(vacscreen/corpus.py) and each item's text is cut from it by its start/end. Team-written vacancies carry their own
text and items quote it."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterable, Iterator, Optional

from vacscreen import corpus

GOLD_DIR = Path(__file__).resolve().parents[1] / "data" / "gold"
# Real vacancies (text from ../shared/data/) and team-written ones (text in the record). The second, independent
# annotation of sealed vacancies lives in data/gold/second/ and is only read to measure agreement.
GOLD_FILES = ("vdab_gold.jsonl", "jobfeed_gold.jsonl", "jobsdb_gold.jsonl",
              "synthetic.jsonl", "synthetic_a.jsonl", "synthetic_b.jsonl", "synthetic_c.jsonl", "synthetic_d.jsonl",
              "synthetic_e.jsonl", "synthetic_f.jsonl", "synthetic_g.jsonl", "synthetic_h.jsonl",
              "synthetic_i.jsonl", "synthetic_j.jsonl", "synthetic_k.jsonl",
              "synthetic_l.jsonl", "synthetic_m.jsonl",
              "synthetic_sealed.jsonl")
# Fields taken from the source record when the gold record does not carry them.
_SOURCE_FIELDS = ("text", "title", "publisher", "country", "source_url", "truncated",
                  "jobfeed_occupation", "jobfeed_education", "vdab_occupation")

# Item lists of a gold record whose items quote the vacancy (text, or start/end into it).
ITEM_LISTS = ("education", "languages", "experience", "licences_certificates", "other_flags", "flags")

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
    Items with start/end keep them; the others are placed by their text, repeated texts on successive occurrences
    so duplicates land on different mentions."""
    text = record["text"]
    fill_texts(record)
    items = []
    for it in record.get("education", []):
        items.append({"kind": "education", "text": it["text"], "required": it["required"], "level": it["level"],
                      "field": it.get("field"), **_extra(it)})
    for it in record.get("languages", []):
        items.append({"kind": "language", "text": it["text"], "required": it["required"],
                      "language": it["language"], "cefr": it.get("level"), "raw": it.get("raw"), **_extra(it)})
    for it in record.get("experience", []):
        items.append({"kind": "experience", "text": it["text"], "required": it["required"],
                      "min_years": it.get("min_years"), "max_years": it.get("max_years"), **_extra(it)})
    for it in record.get("licences_certificates", []):
        items.append({"kind": licence_kind(it["name"]), "text": it["text"], "required": it["required"],
                      "name": it["name"], **_extra(it)})
    for it in record.get("other_flags", []):
        items.append({"kind": "criterion", "text": it["text"], "required": True,
                      "category": criterion_category(it["text"], it["kind"])})
    sources = [it for name in ITEM_LISTS[:5] for it in record.get(name, [])]
    for item, src in zip(items, sources):
        if "start" in src:
            item["start"], item["end"] = src["start"], src["end"]
    # Each item takes the first occurrence of its text that no earlier item of its kind holds, so
    # repeated texts land on different mentions and "Rijbewijs B" does not land inside "Rijbewijs B auto's".
    # Longer texts are placed first.
    taken: dict[str, list[tuple[int, int]]] = {}
    for it in items:
        if "start" in it:
            taken.setdefault(_group(it["kind"]), []).append((it["start"], it["end"]))
    for it in sorted((it for it in items if "start" not in it), key=lambda it: -len(it["text"])):
        spans = taken.setdefault(_group(it["kind"]), [])
        occ = [m.start() for m in re.finditer(re.escape(it["text"]), text)]
        if not occ:
            raise ValueError(f"{record.get('id')}: gold text not in vacancy: {it['text'][:60]!r}")
        free = [o for o in occ if not any(o < e and s < o + len(it["text"]) for s, e in spans)]
        pos = (free or occ)[0]
        it["start"], it["end"] = pos, pos + len(it["text"])
        spans.append((it["start"], it["end"]))
    return items


def fill_texts(record: dict) -> dict:
    """Cut each item's text from the record's text by its start/end (gold of real vacancies stores offsets only)."""
    text = record["text"]
    for name in ITEM_LISTS:
        for it in record.get(name) or []:
            if "start" in it and "text" not in it:
                if not 0 <= it["start"] < it["end"] <= len(text):
                    raise ValueError(f"{record.get('id')}: {name} offsets {it['start']}-{it['end']} outside the text")
                it["text"] = text[it["start"]:it["end"]]
    return record


def to_offsets(record: dict, text: str) -> dict:
    """The record with every item's text replaced by start/end in `text`, placed as requirements() places them
    (flags that quote no span of the text keep their words). Used to store gold of real vacancies without text."""
    rec = {**record, "text": text}
    rec.update({name: [dict(it) for it in record.get(name) or []] for name in ITEM_LISTS})
    placed = requirements(rec)
    sources = [it for name in ITEM_LISTS[:5] for it in rec.get(name, [])]
    for src, item in zip(sources, placed):
        src["start"], src["end"] = item["start"], item["end"]
    for it in rec["flags"]:
        at = text.find(it["text"]) if it.get("text") and "start" not in it else -1
        if at >= 0:
            it["start"], it["end"] = at, at + len(it["text"])
    for name in ITEM_LISTS:
        for it in rec[name]:
            if "start" in it:
                it.pop("text", None)
    del rec["text"]
    return {k: v for k, v in rec.items() if k in record}


def _extra(item: dict) -> dict:
    """Route group and legal basis, where the annotator gave them."""
    return {k: item[k] for k in ("route_group", "legal") if item.get(k) is not None}


def _group(kind: str) -> str:
    return "licence" if kind == "certificate" else kind


def split_ids(gold_dir: Path = GOLD_DIR) -> dict[str, set]:
    s = json.loads((gold_dir / "splits.json").read_text())
    return {k: set(v) for k, v in s.items() if k in ("train", "dev", "test")}


def read(gold_dir: Path = GOLD_DIR, with_text: bool = True) -> Iterator[dict]:
    """Every gold record, real ones joined with their source record (text, title, publisher, ...)."""
    for name in GOLD_FILES:
        path = gold_dir / name
        if not path.exists():
            continue
        for n, line in enumerate(path.open(encoding="utf-8"), 1):
            if not line.strip():
                continue
            rec = json.loads(line)
            if with_text and "text" not in rec:
                try:
                    src = corpus.real_record(rec["id"])
                except KeyError as e:
                    raise ValueError(f"{path}:{n}: {e}") from None
                for k in _SOURCE_FIELDS:
                    if rec.get(k) is None and src.get(k) is not None:
                        rec[k] = src[k]
                fill_texts(rec)
            rec["group"] = corpus.group_of(rec)
            yield rec


def load(split: Optional[str] = None, gold_dir: Path = GOLD_DIR) -> Iterator[dict]:
    """Gold records of a split ('train', 'dev', 'test' or None for all), each with `split` and `group`.
    Every record must be in splits.json (built by `vacscreen splits`): an unlisted one is an error, not train."""
    splits = split_ids(gold_dir)
    for rec in read(gold_dir):
        where = next((k for k, ids in splits.items() if rec["id"] in ids), None)
        if where is None:
            raise ValueError(f"{rec['id']} is in no split: run `vacscreen splits` after adding gold")
        if split is None or where == split:
            rec["split"] = where
            yield rec


def sealed_text_hashes(gold_dir: Path = GOLD_DIR) -> set[str]:
    """sha1 of the texts of the sealed test split: training on reviewer labels or recruiters' occupation choices
    leaves these vacancies out (only their identity is read, never a score)."""
    import hashlib

    ids = split_ids(gold_dir)["test"]
    return {hashlib.sha1(r["text"].encode("utf-8")).hexdigest() for r in read(gold_dir) if r["id"] in ids}


def build_splits(gold_dir: Optional[Path] = None) -> dict:
    """splits.json content for every real source record and every team-written gold record."""
    gold_dir = gold_dir or GOLD_DIR
    records = []
    for source in corpus.SOURCES:
        for rid, r in corpus.real_records(source).items():
            records.append({"id": rid, "publisher": r.get("publisher")})
    for rec in read(gold_dir, with_text=False):
        if rec.get("synthetic") or corpus.source_of(rec["id"]) is None:
            records.append({"id": rec["id"], "publisher": rec.get("publisher"), "synthetic": True,
                            "writer": rec.get("writer")})
    a = corpus.assign(records)
    out = {"note": ("Built by `vacscreen splits` (vacscreen/gold.py: build_splits, vacscreen/corpus.py: assign): by employer, from a hash of the "
                    "employer key; no model output is read. test is sealed: scored once per issue by "
                    "`vacscreen evaluate --split test` (logged in docs/test_log.md); nothing is chosen from it.")}
    for name in ("train", "dev", "test"):
        out[name] = sorted(i for i, s in a["split"].items() if s == name)
    out["employer"] = dict(sorted(a["employer"].items()))
    return out


def unique_texts(records: Iterable[dict]) -> tuple[list[dict], int]:
    """The records with identical texts counted once (one employer posting the same ad many times would otherwise
    outweigh the rest of its group), and how many were dropped."""
    seen, out = set(), []
    records = list(records)
    for r in records:
        if r["text"] not in seen:
            seen.add(r["text"])
            out.append(r)
    return out, len(records) - len(out)
