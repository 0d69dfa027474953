"""Choose how much the "Professionele vaardigheden" sections of VDAB pages (the coded occupation's Competent
competences) add to occupation linking: leave-one-out on the train+dev vacancies with a VDAB-beroep line (the test
split is not looked at), with the text memory's own parameters as chosen by linking_memory_selection.py. Best
top-1, then top-3, then the smaller weight, then the larger k. Also checked on our 70 synthetic vacancies, whose
occupations the memory has never seen (one of them, syn-039, has such a section). Result of the run on 2026-11-28:
competence_k=4, competence_weight=3.0, competence_min_similarity=0.3 (top-1 0.765, top-3 0.897; text memory alone
0.691 / 0.868); synthetic top-1 0.557 (0.571 without: syn-039 links elsewhere).
Run: python notebooks/linking_competence_selection.py"""
from __future__ import annotations

import itertools
import json
from functools import partial

from vacscreen.gold import GOLD_DIR, split_ids
from vacscreen.occupations.evaluate import accuracy, cases
from vacscreen.occupations.link import default_linker
from vacscreen.occupations.memory import VacancyMemory, competences

from linking_memory_selection import synthetic_top1


def main() -> None:
    linker = default_linker()
    test = split_ids()["test"]
    items = [c for c in cases() if c["id"] not in test]
    mode = "combined" if linker.encoder is not None else "lexical"
    print(f"{len(items)} train+dev vacancies ({sum(bool(competences(c['text'])) for c in items)} with a competence "
          f"section), {mode} + memory, leave-one-out")
    base = accuracy(linker, items, mode, items, partial(VacancyMemory, competence_weight=0.0))
    print(f"text memory alone: top-1 {base['top1']:.3f} top-3 {base['top3']:.3f}")
    print(f"{'k':>3} {'weight':>6} {'floor':>6} {'top-1':>6} {'top-3':>6}")
    results = []
    for k, w, floor in itertools.product([1, 2, 3, 4, 5], [1.0, 1.5, 2.0, 3.0], [0.1, 0.2, 0.3]):
        make = partial(VacancyMemory, competence_k=k, competence_weight=w, competence_min_similarity=floor)
        r = accuracy(linker, items, mode, items, make)
        results.append((r["top1"], r["top3"], -w, k, floor))
        print(f"{k:3d} {w:6.1f} {floor:6.2f} {r['top1']:6.3f} {r['top3']:6.3f}", flush=True)
    top1, top3, w, k, floor = max(results)
    print(f"chosen: competence_k={k} competence_weight={-w} competence_min_similarity={floor} "
          f"(top-1 {top1:.3f}, top-3 {top3:.3f})")

    synthetic = [r for r in map(json.loads, (GOLD_DIR / "synthetic.jsonl").open(encoding="utf-8"))
                 if r.get("occupation_norm", {}).get("occupation")]
    texts, labels = [c["text"] for c in items], [c["label"] for c in items]
    for name, make in [("text memory alone", partial(VacancyMemory, competence_weight=0.0)),
                       ("with competences", partial(VacancyMemory, competence_k=k, competence_weight=-w,
                                                    competence_min_similarity=floor))]:
        print(f"synthetic top-1, {name}: {synthetic_top1(linker, synthetic, make().fit(texts, labels)):.3f}")


if __name__ == "__main__":
    main()
