"""Experiment: the sentence encoder on the vacancy text. Would multilingual-e5-small, comparing the vacancy ("query: ")
with each VDAB occupation's document ("passage: ": name, titles, description, ESCO description;
occupations/descriptions.py) find the occupations the coded vacancies never show better than the TF-IDF votes?
The text is the "Functieomschrijving" section (else the whole text) or the whole text, cut at 128 or 256 tokens; the
k closest occupations get w x (cosine - the median cosine over all occupations), added to link()'s votes with or
without the TF-IDF description votes. Train+dev (memory leave-one-out) and our 70 synthetic vacancies, as in
linking_description_selection.py; the test split is not looked at.
Result of the run on 2026-11-28: shipped train+dev 0.794 / 0.912, synthetic 0.814 / 0.900 (top-1 / top-3). Best of
128 variants (whole text, 128 tokens, k 1, w 1, with the TF-IDF votes): 0.809 / 0.912 and 0.829 / 0.900, one vacancy
more in each set; the "Functieomschrijving" section alone at best 0.779 on train+dev. Encoding one vacancy text
took 70-322 ms over two runs (batch of one, 2 cores), against a linking budget of 5 ms: not worth it, link() stays
with TF-IDF.
Run: python notebooks/linking_text_encoder_experiment.py (about 10 minutes)"""
from __future__ import annotations

import itertools
import time

import numpy as np

from linking_description_selection import add, memories, synthetic
from vacscreen.gold import split_ids
from vacscreen.occupations.descriptions import documents
from vacscreen.occupations.evaluate import cases, correct, query
from vacscreen.occupations.link import default_linker, description_index
from vacscreen.occupations.memory import VacancyMemory
from vacscreen.text.sections import heading_block


def task_text(text: str) -> str:
    block = heading_block(text, "Functieomschrijving") if "Functieomschrijving" in text else ""
    return block or text


def main() -> None:
    linker = default_linker()
    index, encoder = description_index(linker), linker.encoder
    test = split_ids()["test"]
    trdev = [c for c in cases() if c["id"] not in test]
    syn = synthetic()
    full = VacancyMemory().fit([c["text"] for c in trdev], [c["label"] for c in trdev])
    sets = {"train+dev": (trdev, memories(trdev, trdev)), "synthetic": (syn, [full] * len(syn))}
    names, docs = documents(linker.ref)
    encoder.max_length = 256
    occupations = encoder.encode(docs, prefix="passage: ")
    memory_votes = {k: [m.votes(c["text"]) for c, m in zip(*sets[k])] for k in sets}
    description_votes = {k: [index.votes(c["text"]) for c in sets[k][0]] for k in sets}
    cosines = {}
    for part, length in itertools.product(["task", "all"], [128, 256]):
        encoder.max_length = length
        for k, (items, _) in sets.items():
            start = time.time()
            texts = [task_text(c["text"]) if part == "task" else c["text"] for c in items]
            vectors = encoder.encode(texts, prefix="query: ", batch_size=1)
            print(f"{part} {length} {k}: {1000 * (time.time() - start) / len(items):.0f} ms per text")
            cosines[(part, length, k)] = vectors @ occupations.T

    def run(label: str, votes) -> None:
        out = []
        for k, (items, _) in sets.items():
            t1 = t3 = 0
            for n, c in enumerate(items):
                ranked = [i for i, _ in linker.rank_with(query(c), votes(k, n))]
                hits = [correct(linker, i, c["label"]) for i in ranked[:3]]
                t1, t3 = t1 + hits[0], t3 + any(hits)
            out.append(f"{k} {t1 / len(items):.3f} / {t3 / len(items):.3f}")
        print(f"{label:<36} " + "   ".join(out), flush=True)

    run("shipped", lambda k, n: add(memory_votes[k][n], description_votes[k][n]))
    for part, length, top, w, tfidf in itertools.product(["task", "all"], [128, 256], [1, 2, 3, 5], [0.5, 1, 2, 4],
                                                          [True, False]):
        def votes(k, n, part=part, length=length, top=top, w=w, tfidf=tfidf):
            s = cosines[(part, length, k)][n]
            mid = np.median(s)
            encoded = {names[i]: w * (s[i] - mid) for i in np.argsort(-s)[:top]}
            return add(memory_votes[k][n], description_votes[k][n] if tfidf else {}, encoded)
        run(f"{part} {length} k={top} w={w} tfidf={tfidf}", votes)


if __name__ == "__main__":
    main()
