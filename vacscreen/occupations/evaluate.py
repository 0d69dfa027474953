"""Linking accuracy, VDAB pages and other vacancies apart.

VDAB pages that name their VDAB occupation ("VDAB-beroep: …"): the line and the "Professionele vaardigheden"
section (VDAB's list of the coded occupation's own competences, which gives the label away) are removed from the
text scored, the vacancy is linked from its title and text, and the named occupation is the label. A link counts as
correct when it is that occupation or the ESCO occupation it is mapped to.
Other gold vacancies (real non-VDAB and team-written): correct when the link is the annotated occupation or one of
its listed alternatives (data/gold/*.jsonl).

The "+descriptions" mode adds the votes of the occupation descriptions (occupations/descriptions.py); the
"+descriptions+memory" mode (link() as shipped) also a VacancyMemory's votes. The memory's coded vacancies never
include the vacancy scored: with a split, it is fitted on the vacancies outside that split; without,
leave-one-out. Near-duplicate texts (TF-IDF cosine >= 0.95: the same vacancy posted twice) of the scored vacancy
are left out too."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Optional

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from vacscreen.occupations import rerank
from vacscreen import corpus, gold
from vacscreen.gold import split_ids
from vacscreen.occupations.reference import fold
from vacscreen.occupations.linker import Linker, clean_title, query_from_text, vdab_field
from vacscreen.occupations.link import description_index, text_votes
from vacscreen.occupations.memory import VacancyMemory, competences


def without_competences(text: str) -> str:
    """The text without VDAB's "Professionele vaardigheden" section (heading and body)."""
    body = competences(text)
    if not body:
        return text
    i = text.find(body)
    head = text.lower().rfind("professionele vaardigheden", 0, i)
    return text[:head if head >= 0 else i] + text[i + len(body):]


def cases(path: Optional[Path] = None) -> list[dict]:
    """{id, title, text, pool_text, label} for every VDAB page with a VDAB-beroep line: `text` (what is linked)
    without the line and the competence section, `pool_text` (what a memory of coded pages learns from) without
    the line only. Pages come from the shared data folder (or `path`, a JSONL file of VDAB records)."""
    rows = ([json.loads(line) for line in path.open(encoding="utf-8") if line.strip()] if path
            else list(corpus.real_records("vdab").values()))
    out = []
    for r in rows:
        f = vdab_field(r["text"])
        if f is None:
            continue
        name, s, e = f
        pool_text = r["text"][:s] + r["text"][e:]
        out.append({"id": "vdab-" + str(r["vdab_number"]), "title": r["title"], "label": name,
                    "labels": {fold(name)}, "text": without_competences(pool_text), "pool_text": pool_text})
    return out


def other_cases(split: Optional[str] = None) -> list[dict]:
    """Gold vacancies that are not VDAB pages, with the occupation names the annotator accepts."""
    out = []
    splits = split.split(",") if split else None
    for r in gold.load():
        if r["group"] == "vdab" or (splits and r["split"] not in splits):
            continue
        names = [r.get("occupation"), *(r.get("occupation_alternatives") or [])]
        labels = {fold(n) for n in names if isinstance(n, str) and n.strip() and fold(n) != "onbekend"}
        if labels:
            out.append({"id": r["id"], "title": r.get("title") or "", "text": r["text"], "label": r.get("occupation"),
                        "labels": labels, "group": r["group"]})
    return out


def correct(linker: Linker, idx: int, label) -> bool:
    """Whether occupation idx is the label (a name, or a case with several accepted names)."""
    labels = (label.get("labels") or {fold(label["label"])}) if isinstance(label, dict) else {fold(label)}
    occ = linker.occupations[idx]
    if fold(occ.name) in labels:
        return True
    for name in labels:
        g = linker.ref.by_name(name)
        if g is not None and g.esco_uri and occ.esco_uri == g.esco_uri:
            return True
    return False


def query(c: dict) -> str:
    return clean_title(c["title"]) if c["title"] else query_from_text(c["text"])


def accuracy(linker: Linker, items: list[dict], mode: str, pool: Optional[list[dict]] = None,
             memory: Optional[Callable[[], VacancyMemory]] = None,
             descriptions: Optional[VacancyMemory] = None, reranker=None) -> dict:
    """Top-1/top-3 over items. With memory (a factory of unfitted VacancyMemory), each item's votes come from a
    memory fitted on the pool (default: all cases) minus the item and its near-duplicates; with descriptions (the
    occupation descriptions' memory, occupations/descriptions.py), its votes are added; with a reranker
    (occupations/rerank.py), it orders the candidates."""
    top1 = top3 = 0
    pool = pool if pool is not None else items
    dup = _near_duplicates(items, pool) if memory is not None else None
    for n, c in enumerate(items):
        mem = None
        if memory is not None:
            others = [p for j, p in enumerate(pool) if p["id"] != c["id"] and not dup[n, j]]
            mem = memory().fit([p.get("pool_text", p["text"]) for p in others], [p["label"] for p in others])
        votes = text_votes(c["text"], mem, descriptions)
        if reranker is not None:
            ranked = _reranked(linker, c, votes, reranker)
        else:
            ranked = [i for i, _ in (linker.rank_with(query(c), votes, mode) if votes else linker.rank(query(c), mode))]
        hits = [correct(linker, i, c) for i in ranked[:3]]
        top1 += hits[0]
        top3 += any(hits)
    n = len(items)
    return {"n": n, "top1": top1 / n if n else 0.0, "top3": top3 / n if n else 0.0}


def _reranked(linker: Linker, c: dict, votes: dict, reranker) -> list[int]:
    from vacscreen.occupations.link import reranked

    return reranked(linker, query(c), c["title"], votes, reranker)[0]


def _near_duplicates(items: list[dict], pool: list[dict], min_cosine: float = 0.95) -> np.ndarray:
    vec = TfidfVectorizer(sublinear_tf=True).fit([c.get("pool_text", c["text"]) for c in pool])
    return (vec.transform([c.get("pool_text", c["text"]) for c in items])
            @ vec.transform([c.get("pool_text", c["text"]) for c in pool]).T).toarray() >= min_cosine


def run(linker: Linker, split: str | None = None, memory: Callable[[], VacancyMemory] = VacancyMemory) -> dict:
    """Accuracy per part (VDAB pages, then the other gold vacancies by group) and mode: the title alone (lexical, semantic, combined),
    then with the text's evidence as link() uses it: the description index, and the memory of coded VDAB pages
    fitted on the train and dev pages other than the one scored (leave-one-out; the sealed test pages never
    join the memory). split: "train", "dev", "test", "train,dev", or None for every page (the test pages then
    count among the scored ones: avoid it outside the end-of-issue scoring)."""
    everything = cases()
    ids = split_ids()
    pool = [c for c in everything if c["id"] in ids["train"] | ids["dev"]] if split else everything
    items = everything
    if split:
        wanted = set().union(*(ids[s.strip()] for s in split.split(",")))
        items = [c for c in everything if c["id"] in wanted]
    modes = ["lexical"] + (["semantic", "combined"] if linker.encoder is not None else [])
    desc = description_index(linker)
    out = {}
    others = other_cases(split)
    parts = [("VDAB pages", items)] + [(corpus.GROUP_LABELS[g], [c for c in others if c["group"] == g])
                                       for g in corpus.GROUPS if g != "vdab"]
    for part, its in parts:
        if not its:
            continue
        pl = pool
        res = {m: accuracy(linker, its, m) for m in modes}
        res[modes[-1] + "+descriptions"] = accuracy(linker, its, modes[-1], descriptions=desc)
        res[modes[-1] + "+descriptions+memory"] = accuracy(linker, its, modes[-1], pl, memory, desc)
        if part == "VDAB pages" and (model := rerank.load()) is not None:
            # as shipped; the re-ranker never learns from VDAB pages (they are linked by their VDAB field), so
            # this stays out of sample (for the other groups, `vacscreen link-report` re-ranks out of fold)
            res[modes[-1] + "+descriptions+memory+rerank"] = accuracy(linker, its, modes[-1], pl, memory, desc, model)
        out[part] = res
    return out


def reranker_rows(analysed, linker=None) -> list[dict]:
    """Per gold vacancy linked from its title or text (not a VDAB field): its candidates, their features, and
    whether each is acceptable (the gold occupation or a listed alternative, with a level), with its fold by
    employer and its group."""
    from vacscreen.corpus import fold_of, group_of
    from vacscreen.occupations.link import (_profile, _query, default_linker, description_index, link_candidates,
                                            text_votes)
    from vacscreen.occupations.memory import default_memory
    from vacscreen.occupations.linker import vdab_field
    from vacscreen.occupations.acceptable import accepted_names, same_occupation

    linker = linker or default_linker()
    out = []
    for a in analysed:
        accepted = accepted_names(a.record)
        text, title = a.vacancy.text, a.record.get("title")
        if not accepted or vdab_field(text) is not None:
            continue
        query, _ = _query(text, title)
        if not query.strip():
            continue
        idx, X = link_candidates(title, query, linker, text_votes(text, default_memory(), description_index(linker)))
        y = [int(same_occupation(linker.occupations[i].name, accepted, linker.ref)
                 and _profile(linker, linker.occupations[i]).typical_vks is not None) for i in idx]
        out.append({"analysed": a, "fold": fold_of(a.record, 5), "group": group_of(a.record), "X": X, "y": y})
    return out


def relink_out_of_fold(analysed, folds: int = 5) -> int:
    """With a shipped re-ranker: link each vacancy of fold k again with a re-ranker fitted on the other folds (by
    employer), so that the report never scores a link chosen by a model that saw its vacancy. Returns the number
    of links redone (0 without a shipped re-ranker)."""
    from vacscreen.occupations.link import link

    if rerank.load() is None:
        return 0
    rows = reranker_rows(analysed)
    done = 0
    for k in range(folds):
        model = rerank.fit([r for r in rows if r["fold"] != k])
        for r in rows:
            if r["fold"] == k:
                a = r["analysed"]
                a.occupation = link(a.vacancy.text, a.record.get("title"), reranker=model)
                done += 1
    return done


def renorm_out_of_fold(analysed, folds: int = 5, linker=None) -> int:
    """Annotated norms out of fold: the profile of each vacancy of fold k is built again with the norms that the
    real vacancies of the other folds give (norms.norm_rows), so that no vacancy is measured against a level its
    own annotation helped set. Returns the number of vacancies whose typical level changed."""
    import dataclasses
    import tempfile
    from pathlib import Path

    from vacscreen.corpus import fold_of
    from vacscreen.occupations.link import _profile, default_linker
    from vacscreen.occupations.norms import norm_rows, write_norms

    linker = linker or default_linker()

    def record_of(occ):
        found = linker.ref.find(occ.name)
        return next((r for r in found if r.isco == occ.isco), found[0] if found else None)

    votes = []  # (fold, occupation, annotated VKS) of real vacancies whose occupation has no sourced level
    for a in analysed:
        occ, vks = a.occupation, (a.record.get("occupation_norm") or {}).get("typical_vks")
        rec = record_of(occ) if occ is not None and occ.profile else None
        if rec is None or vks is None or a.record.get("synthetic"):
            continue
        bare = _profile(linker, rec, norms=False)
        if bare.fallback or bare.typical_vks is None:
            votes.append((fold_of(a.record, folds), occ.name, int(vks)))
    saved, changed = linker.norms_file, 0
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for k in range(folds):
                linker.norms_file = Path(tmp) / f"norms-{k}.csv"
                write_norms(norm_rows([(n, v) for f, n, v in votes if f != k], f"folds other than {k}"),
                            linker.norms_file)
                linker.profiles.clear()
                for a in analysed:
                    occ = a.occupation
                    rec = record_of(occ) if occ is not None and occ.profile else None
                    if rec is None or fold_of(a.record, folds) != k:
                        continue
                    prof = _profile(linker, rec)
                    changed += prof.typical_vks != occ.vks
                    a.occupation = dataclasses.replace(
                        occ, vks=prof.typical_vks, regulated=prof.regulated, profile=prof.to_dict(),
                        profile_sources=sorted({x["source"] for x in prof.sources}))
    finally:
        linker.norms_file = saved
        linker.profiles.clear()
    return changed


def shipped_report(analysed, out_of_fold: bool = True, folds: int = 5) -> dict:
    """The links screen() makes (flags.data.analyse: title, VDAB field, text) on gold vacancies, per group:
    acceptable top-1/top-3 (the gold occupation or a listed alternative, with a profile), raw-title links (no
    profile although an acceptable candidate is among the alternatives), absurd links (top-1 not acceptable and in
    another ISCO major group than every acceptable occupation), and the calibration of `confidence` (out of fold
    by employer when out_of_fold; else the shipped model's)."""
    from vacscreen.corpus import GROUPS, group_of
    from vacscreen.occupations import confidence
    from vacscreen.occupations.reference import load_reference
    from vacscreen.occupations.acceptable import accepted_names, occupation_hits, same_occupation

    if out_of_fold:
        relink_out_of_fold(analysed, folds)
        renorm_out_of_fold(analysed, folds)
        confidence.out_of_fold(analysed, folds)
    ref = load_reference()
    rows = []
    for a in analysed:
        hits = occupation_hits(a.record, a.occupation, ref)
        if hits is None or a.occupation is None:
            continue
        occ = a.occupation
        accepted = accepted_names(a.record)
        raw = not occ.profile and any(same_occupation(x.get("name") or "", accepted, ref) for x in occ.alternatives)
        golds = [ref.by_name(n) for n in accepted]
        major = {(r.isco or "")[:1] for r in golds if r is not None and r.isco}
        absurd = not hits[0] and bool(occ.isco) and bool(major) and occ.isco[:1] not in major
        rows.append({"group": group_of(a.record), "top1": hits[0], "top3": hits[1], "raw": raw, "absurd": absurd,
                     "confidence": occ.confidence})
    out = {}
    for g in ("all",) + GROUPS:
        rs = [r for r in rows if g == "all" or r["group"] == g]
        if not rs:
            continue
        conf = [(r["confidence"], int(r["top1"])) for r in rs if r["confidence"] is not None]
        out[g] = {"n": len(rs), "top1": sum(r["top1"] for r in rs) / len(rs),
                  "top3": sum(r["top3"] for r in rs) / len(rs), "raw_title": sum(r["raw"] for r in rs),
                  "absurd": sum(r["absurd"] for r in rs) / len(rs),
                  "ece": confidence.expected_calibration_error([p for p, _ in conf], [y for _, y in conf])
                  if conf else None,
                  "reliability": confidence.reliability(conf)}
    return out
