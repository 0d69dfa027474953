"""Experiment: most linking errors left are vacancies whose occupation no other coded vacancy has (leave-one-out),
where the memory votes for a seen neighbour over a title that was right (notebooks/linking_ceiling.py). Would the
memory do better as a tie-breaker among the title's candidates than as free evidence? And the descriptions?
Train+dev (memory leave-one-out, near-duplicates excluded) and our 70 synthetic vacancies (memory on train+dev), as
in linking_description_selection.py; the test split is not looked at. Variants, ranked by Linker.rank_with:
- shipped: the title's score + the memory's votes + the description votes (link());
- memory only for the title's N best occupations (N = 3 .. 50);
- memory scaled by how close the title puts the occupation to its best: clip((s - (max - m)) / m, 0, 1);
- the same scale on the memory and the description votes;
- the description's cosine (not only its 2 nearest documents) added for the title's N best, weight w.
Result of the run on 2026-11-28 (top-1 / top-3): shipped train+dev 0.794 / 0.912, synthetic 0.814 / 0.900. Every
gate loses on train+dev (top-N memory: 0.691-0.750 top-1; scaled, m 0.05-0.2: 0.691-0.765; m 0.3 equals shipped)
and none gains on synthetic; description reranking among the title's candidates: at best equal (w 0.1), else lower.
The memory earns its place where the title misleads ("Grondwerker" coded as Medewerker ruwbouw), so link() keeps
the plain sum. Run: python notebooks/linking_gating_experiment.py"""
from __future__ import annotations

import numpy as np

from linking_description_selection import add, memories, synthetic
from vacscreen.gold import split_ids
from vacscreen.occupations.evaluate import cases, correct, query
from vacscreen.occupations.link import default_linker, description_index
from vacscreen.occupations.memory import VacancyMemory


def main() -> None:
    linker = default_linker()
    index = description_index(linker)
    test = split_ids()["test"]
    trdev = [c for c in cases() if c["id"] not in test]
    syn = synthetic()
    full = VacancyMemory().fit([c["text"] for c in trdev], [c["label"] for c in trdev])
    names = [o.name for o in linker.occupations]
    # per vacancy: the title's scores, the memory's and the descriptions' votes, every description's cosine
    sets = {}
    for name, items, mems in [("train+dev", trdev, memories(trdev, trdev)), ("synthetic", syn, [full] * len(syn))]:
        rows = []
        for c, m in zip(items, mems):
            cos = (index.matrix_ @ index.vectorizer_.transform([c["text"]]).T).toarray().ravel()
            rows.append((c, np.asarray(linker._base(query(c), "combined")), m.votes(c["text"]),
                         index.votes(c["text"]), dict(zip(index.labels_, cos))))
        sets[name] = rows

    def run(label: str, combine) -> None:
        out = []
        for name, rows in sets.items():
            t1 = t3 = 0
            for c, base, mem, desc, cos in rows:
                ranked = [i for i, _ in linker.rank_with(query(c), combine(base, mem, desc, cos))]
                hits = [correct(linker, i, c["label"]) for i in ranked[:3]]
                t1, t3 = t1 + hits[0], t3 + any(hits)
            out.append(f"{name} {t1 / len(rows):.3f} / {t3 / len(rows):.3f}")
        print(f"{label:<40} " + "   ".join(out), flush=True)

    def gate(base: np.ndarray, votes: dict, g: np.ndarray) -> dict:
        return {n: v * g[i] for n, v in votes.items() if (i := linker.index_of(n)) is not None}

    def top(base: np.ndarray, n: int) -> np.ndarray:
        g = np.zeros_like(base)
        g[np.argsort(-base)[:n]] = 1.0
        return g

    run("shipped", lambda b, m, d, c: add(m, d))
    for n in (3, 5, 10, 20, 50):
        run(f"memory for the title's {n} best", lambda b, m, d, c, n=n: add(gate(b, m, top(b, n)), d))
    for w in (0.05, 0.1, 0.15, 0.2, 0.3):
        def scale(b, w=w):
            return np.clip((b - (b.max() - w)) / w, 0.0, 1.0)
        run(f"memory scaled, m={w}", lambda b, m, d, c, s=scale: add(gate(b, m, s(b)), d))
        run(f"memory and descriptions scaled, m={w}", lambda b, m, d, c, s=scale: gate(b, add(m, d), s(b)))
    for n in (3, 5, 10):
        for w in (0.1, 0.2, 0.3, 0.5):
            run(f"descriptions rerank {n} best, w={w}",
                lambda b, m, d, c, n=n, w=w: add(m, d, gate(b, {names[i]: w * c.get(names[i], 0.0)
                                                                for i in np.flatnonzero(top(b, n))}, top(b, n))))


if __name__ == "__main__":
    main()
