"""Choose the VacancyMemory's parameters for occupation linking, leave-one-out on the train+dev vacancies with a
VDAB-beroep line (the test split is not looked at): first k and weight, then min_similarity, checked on our 70
synthetic vacancies (top-1 against the annotator's occupation), whose occupations the memory has never seen: the
memory must not make them worse. The text memory alone (competence_weight=0); the competence sections are chosen after
it in linking_competence_selection.py. The weight chosen here (1.0) was chosen again, after the project's occupation
titles and descriptions joined linking, in linking_description_selection.py (0.25); this notebook now runs with
those in the linker. Run: python notebooks/linking_memory_selection.py"""
from __future__ import annotations

import itertools
import json
from functools import partial

from vacscreen.gold import GOLD_DIR, split_ids
from vacscreen.occupations.evaluate import accuracy, cases, correct
from vacscreen.occupations.linker import clean_title, query_from_text
from vacscreen.occupations.link import default_linker
from vacscreen.occupations.memory import VacancyMemory


def main() -> None:
    linker = default_linker()
    test = split_ids()["test"]
    items = [c for c in cases() if c["id"] not in test]
    mode = "combined" if linker.encoder is not None else "lexical"
    print(f"{len(items)} train+dev vacancies, {mode} + memory, leave-one-out")
    print(f"{'k':>3} {'weight':>6} {'top-1':>6} {'top-3':>6}")
    results = []
    for k, w in itertools.product([1, 3, 5, 7, 10], [0.5, 1.0, 1.5, 2.0, 3.0]):
        r = accuracy(linker, items, mode, items,
                     partial(VacancyMemory, k=k, weight=w, min_similarity=0.0, competence_weight=0.0))
        results.append((r["top1"], r["top3"], -w, k))
        print(f"{k:3d} {w:6.1f} {r['top1']:6.3f} {r['top3']:6.3f}")
    top1, top3, w, k = max(results)  # best top-1, then top-3, then the smaller weight
    print(f"chosen: k={k} weight={-w} (top-1 {top1:.3f}, top-3 {top3:.3f})")

    synthetic = [r for r in map(json.loads, (GOLD_DIR / "synthetic.jsonl").open(encoding="utf-8"))
                 if r.get("occupation_norm", {}).get("occupation")]
    print(f"synthetic check: top-1 of {len(synthetic)} synthetic vacancies, title alone "
          f"{synthetic_top1(linker, synthetic, None):.3f}")
    for m in [0.0, 0.1, 0.15, 0.2, 0.25, 0.3]:
        make = partial(VacancyMemory, k=k, weight=-w, min_similarity=m, competence_weight=0.0)
        r = accuracy(linker, items, mode, items, make)
        memory = make().fit([c["text"] for c in items], [c["label"] for c in items])
        print(f"min_similarity {m:.2f}: train+dev top-1 {r['top1']:.3f} top-3 {r['top3']:.3f}, "
              f"synthetic top-1 {synthetic_top1(linker, synthetic, memory):.3f}")


def synthetic_top1(linker, records, memory) -> float:
    hits = 0
    for r in records:
        q = clean_title(r["title"]) if r.get("title") else query_from_text(r["text"])
        votes = memory.votes(r["text"]) if memory is not None else {}
        best = linker.rank_with(q, votes)[0][0]
        hits += correct(linker, best, r["occupation_norm"]["occupation"])
    return hits / len(records)


if __name__ == "__main__":
    main()
