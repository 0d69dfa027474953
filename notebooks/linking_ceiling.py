"""How far the coded vacancies can carry occupation linking: leave-one-out over the 97 real vacancies with a
VDAB-beroep line (the line removed), split by whether any other coded vacancy (near-duplicates excluded, as in
`vacscreen evaluate-linking`) has the same occupation. A memory can only vote for occupations it has seen, so
the unseen ones must come from the title and the occupation descriptions, and that bounds top-1.
Run: python notebooks/linking_ceiling.py"""
from __future__ import annotations

from vacscreen.occupations.evaluate import _near_duplicates, cases, correct, query
from vacscreen.occupations.link import default_linker, description_index, text_votes
from vacscreen.occupations.memory import VacancyMemory


def main() -> None:
    linker = default_linker()
    items = cases()
    dup = _near_duplicates(items, items)
    descriptions = description_index(linker)
    # n, right by title alone, with the descriptions, with descriptions and memory (link() as shipped)
    rows = {"seen": [0, 0, 0, 0], "unseen": [0, 0, 0, 0]}
    for n, c in enumerate(items):
        others = [p for j, p in enumerate(items) if p["id"] != c["id"] and not dup[n, j]]
        group = "seen" if any(p["label"] == c["label"] for p in others) else "unseen"
        memory = VacancyMemory().fit([p["text"] for p in others], [p["label"] for p in others])
        title = correct(linker, linker.rank(query(c), "combined")[0][0], c["label"])
        texts = correct(linker, linker.rank_with(query(c), descriptions.votes(c["text"]))[0][0], c["label"])
        votes = text_votes(c["text"], memory, descriptions)
        both = correct(linker, linker.rank_with(query(c), votes)[0][0], c["label"])
        for i, v in enumerate((1, title, texts, both)):
            rows[group][i] += v
    total = len(items)
    for group, (n, title, texts, both) in rows.items():
        print(f"{group:<7} {n:3d} vacancies: top-1 right by title alone {title:3d}, + descriptions {texts:3d}, "
              f"+ descriptions and memory {both:3d}")
    seen, unseen = rows["seen"], rows["unseen"]
    print(f"top-1 if every seen occupation were right and the unseen kept their best: "
          f"{(seen[0] + max(unseen[1:])) / total:.3f}")


if __name__ == "__main__":
    main()
