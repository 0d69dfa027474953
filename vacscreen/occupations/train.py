"""`vacscreen train --component linking`: the VacancyMemory from the coded real vacancies of the given splits,
plus, with a label store, the vacancies whose occupation a recruiter chose in the app (never those of the sealed
test split); saved to models/linking/
with meta.json and a model card (its metrics come from `vacscreen evaluate-linking`)."""
from __future__ import annotations

import datetime as dt

from vacscreen.gold import sealed_text_hashes, split_ids
from vacscreen.occupations.evaluate import cases
from vacscreen.occupations.memory import MODEL_PATH, VacancyMemory, default_memory
from vacscreen.schema import InputError
from vacscreen.text import prepare


def train(splits: tuple[str, ...] = ("train", "dev"), path=MODEL_PATH, store=None) -> dict:
    ids = set().union(*(split_ids()[s] for s in splits))
    items = [c for c in cases() if c["id"] in ids]
    texts, labels = [c["pool_text"] for c in items], [c["label"] for c in items]
    corrections = skipped = sealed = 0
    held = sealed_text_hashes() if store is not None else set()
    for c in store.occupation_corrections() if store is not None else ():
        if c["vacancy_sha1"] in held:  # a vacancy of the sealed test split: never learnt from
            sealed += 1
            continue
        try:
            texts.append(prepare(c["text"]).text)  # stored as pasted: HTML becomes the text the linker sees
        except InputError:
            skipped += 1
            continue
        labels.append(c["occupation"])
        corrections += 1
    memory = VacancyMemory().fit(texts, labels)
    meta = {"version": f"linking-{dt.date.today().isoformat()}", "splits": list(splits), "vacancies": len(items),
            "corrections": corrections, "corrections_unreadable": skipped, "corrections_on_test_skipped": sealed, "occupations": len(set(labels)),
            "k": memory.k, "weight": memory.weight, "min_similarity": memory.min_similarity,
            "with_competences": int(memory.competence_labels_.size), "competence_k": memory.competence_k,
            "competence_weight": memory.competence_weight,
            "competence_min_similarity": memory.competence_min_similarity}
    memory.save(path, meta)
    default_memory.cache_clear()
    return meta


def reranker_rows(analysed, linker=None) -> list[dict]:
    """Per gold vacancy linked from its title or text (not a VDAB field): its candidates, their features, and
    whether each is acceptable (the gold occupation or a listed alternative, with a level), with its fold by
    employer and its group."""
    from vacscreen.corpus import fold_of, group_of
    from vacscreen.occupations.link import (_profile, _query, default_linker, description_index, link_candidates,
                                            text_votes)
    from vacscreen.occupations.memory import default_memory
    from vacscreen.occupations.linker import vdab_field
    from vacscreen.report import _names, _same_occupation

    linker = linker or default_linker()
    out = []
    for a in analysed:
        accepted = _names(a.record)
        text, title = a.vacancy.text, a.record.get("title")
        if not accepted or vdab_field(text) is not None:
            continue
        query, _ = _query(text, title)
        if not query.strip():
            continue
        idx, X = link_candidates(title, query, linker, text_votes(text, default_memory(), description_index(linker)))
        y = [int(_same_occupation(linker.occupations[i].name, accepted, linker.ref)
                 and _profile(linker, linker.occupations[i]).typical_vks is not None) for i in idx]
        out.append({"analysed": a, "fold": fold_of(a.record, 5), "group": group_of(a.record), "X": X, "y": y})
    return out


def train_reranker(analysed, model_dir=None, C: float = 1.0) -> dict:
    """`vacscreen train --component linking`: the re-ranker (occupations/rerank.py) on the gold links."""
    from vacscreen.occupations import rerank

    rows = reranker_rows(analysed)
    file = rerank.save(rerank.fit(rows, C), model_dir)
    return {"rerank_model": str(file), "vacancies": len(rows), "candidates": int(sum(len(r["y"]) for r in rows))}
