"""Choose how the project's occupation texts (vacscreen/data/occupation_texts.csv: job titles and a task
description per VDAB occupation, written without the vacancy data) join occupation linking. Tuned on the
train+dev vacancies with a VDAB-beroep line (memory leave-one-out, as `vacscreen evaluate-linking`) and on our
70 synthetic vacancies (memory fitted on train+dev): the memory has seen most train+dev occupations but few
synthetic ones, so the two together weigh seen and unseen occupations. The test split is not looked at.
1. The titles as labels: title alone (no text evidence), with and without them.
2. With the titles, the description votes' k and weight per vote: best top-1 summed over both sets, then top-3,
   then the smaller weight and k.
3. With both, the memory's text weight again (chosen when the title linked worse; the competence sections keep
   their weight), by the same rule.
Result of the run on 2026-11-28 (top-1 / top-3): 1. title alone, train+dev 0.632 / 0.735 -> 0.662 / 0.765 with the
titles, synthetic 0.571 / 0.743 -> 0.743 / 0.857; 2. k=2, weight=0.6: train+dev 0.765 / 0.912, synthetic
0.814 / 0.900 (no descriptions: 0.750 / 0.882 and 0.729 / 0.857); 3. memory weight 0.25: train+dev 0.794 / 0.912,
synthetic 0.814 / 0.900 (1.0: 0.765 / 0.912).
Run: python notebooks/linking_description_selection.py"""
from __future__ import annotations

import itertools
import json
from functools import partial

from vacscreen.gold import GOLD_DIR, split_ids
from vacscreen.occupations.descriptions import index_for
from vacscreen.occupations.evaluate import _near_duplicates, cases, correct, query
from vacscreen.occupations.link import default_linker, text_votes
from vacscreen.occupations.linker import Linker
from vacscreen.occupations.memory import VacancyMemory


def synthetic() -> list[dict]:
    rows = map(json.loads, (GOLD_DIR / "synthetic.jsonl").open(encoding="utf-8"))
    return [{"id": r["id"], "title": r.get("title") or "", "text": r["text"],
             "label": r["occupation_norm"]["occupation"]}
            for r in rows if r.get("occupation_norm", {}).get("occupation")]


def add(*votes: dict) -> dict:
    """Votes per occupation name, summed (the experiments combine several sources of votes)."""
    out: dict = {}
    for v in votes:
        for name, x in v.items():
            out[name] = out.get(name, 0.0) + x
    return out


def memories(items: list[dict], pool: list[dict], make=VacancyMemory) -> list[VacancyMemory]:
    """Per item, a memory fitted on the pool without the item and its near-duplicates."""
    dup = _near_duplicates(items, pool)
    out = []
    for n, c in enumerate(items):
        others = [p for j, p in enumerate(pool) if p["id"] != c["id"] and not dup[n, j]]
        out.append(make().fit([p["text"] for p in others], [p["label"] for p in others]))
    return out


def score(linker: Linker, items: list[dict], mems=None, index=None) -> tuple[float, float]:
    top1 = top3 = 0
    for n, c in enumerate(items):
        votes = text_votes(c["text"], mems[n] if mems else None, index)
        ranked = [i for i, _ in (linker.rank_with(query(c), votes) if votes else linker.rank(query(c)))]
        hits = [correct(linker, i, c["label"]) for i in ranked[:3]]
        top1 += hits[0]
        top3 += any(hits)
    return top1 / len(items), top3 / len(items)


def main() -> None:
    with_titles = default_linker()
    without = Linker(ref=with_titles.ref, encoder=with_titles.encoder, titles=False)
    test = split_ids()["test"]
    trdev = [c for c in cases() if c["id"] not in test]
    syn = synthetic()
    print(f"{len(trdev)} train+dev vacancies, {len(syn)} synthetic")

    print("1. title alone (top-1 / top-3)")
    for name, linker in [("without titles", without), ("with titles", with_titles)]:
        a, b = score(linker, trdev), score(linker, syn)
        print(f"   {name:<15} train+dev {a[0]:.3f} / {a[1]:.3f}   synthetic {b[0]:.3f} / {b[1]:.3f}")

    print("2. with the titles and the memory (its weights as before): description votes (top-1 / top-3)")
    before = partial(VacancyMemory, weight=1.0, competence_weight=3.0)
    m_trdev = memories(trdev, trdev, before)
    m_syn = [before().fit([c["text"] for c in trdev], [c["label"] for c in trdev])] * len(syn)
    a, b = score(with_titles, trdev, m_trdev), score(with_titles, syn, m_syn)
    print(f"   no descriptions      train+dev {a[0]:.3f} / {a[1]:.3f}   synthetic {b[0]:.3f} / {b[1]:.3f}")
    results = []
    for k, w in itertools.product([1, 2, 3, 5], [0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0]):
        # a VacancyMemory's weight is shared by its k votes: w per vote
        index = index_for(with_titles.ref, k=k, weight=w * k)
        a, b = score(with_titles, trdev, m_trdev, index), score(with_titles, syn, m_syn, index)
        results.append((round(a[0] + b[0], 6), round(a[1] + b[1], 6), -w, -k))
        print(f"   k={k} weight={w:<4}     train+dev {a[0]:.3f} / {a[1]:.3f}   synthetic {b[0]:.3f} / {b[1]:.3f}",
              flush=True)
    _, _, w, k = max(results)
    k, w = -k, -w
    print(f"chosen: k={k} weight={w}")

    print("3. with the titles and those description votes: the memory's text weight (top-1 / top-3)")
    index = index_for(with_titles.ref, k=k, weight=w * k)
    results = []
    for mw in [0.1, 0.25, 0.5, 1.0]:
        make = partial(VacancyMemory, weight=mw, competence_weight=3.0)
        full = make().fit([c["text"] for c in trdev], [c["label"] for c in trdev])
        a = score(with_titles, trdev, memories(trdev, trdev, make), index)
        b = score(with_titles, syn, [full] * len(syn), index)
        results.append((round(a[0] + b[0], 6), round(a[1] + b[1], 6), -mw))
        print(f"   weight={mw:<4}  train+dev {a[0]:.3f} / {a[1]:.3f}   synthetic {b[0]:.3f} / {b[1]:.3f}", flush=True)
    print(f"chosen: memory weight={-max(results)[2]}")


if __name__ == "__main__":
    main()
