"""`vacscreen train --component linking`: the VacancyMemory from the coded real vacancies of the given splits,
plus, with a label store, the vacancies whose occupation a recruiter chose in the app (never those of the sealed
test split); saved to models/linking/
with meta.json and a model card (its metrics come from `vacscreen evaluate-linking`)."""
from __future__ import annotations

import datetime as dt

from vacscreen import gold
from vacscreen.gold import sealed_text_hashes, split_ids
from vacscreen.occupations.evaluate import cases, reranker_rows
from vacscreen.occupations.link import default_linker, link
from vacscreen.occupations.memory import VacancyMemory, default_memory
from vacscreen import settings
from vacscreen.occupations.norms import norm_rows, write_norms
from vacscreen.schema import InputError
from vacscreen.text import prepare


def train_memory(splits: tuple[str, ...] = ("train", "dev"), path=None, store=None) -> dict:
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


def train_reranker(analysed, model_dir=None, C: float = 1.0) -> dict:
    """`vacscreen train --component linking`: the re-ranker (occupations/rerank.py) on the gold links."""
    from vacscreen.occupations import rerank

    rows = reranker_rows(analysed)
    file = rerank.save(rerank.fit(rows, C), model_dir)
    return {"rerank_model": str(file), "vacancies": len(rows), "candidates": int(sum(len(r["y"]) for r in rows))}


def build_norms(splits: tuple[str, ...] = ("train", "dev"), min_vacancies: int = 2, min_agreement: float = 0.75,
          path=None) -> list[dict]:
    """One row per occupation linked from real gold vacancies of the splits whose profile has no sourced level:
    the annotators' most frequent typical VKS, kept when at least min_vacancies vacancies and min_agreement of
    them give it. Occupations are linked as screen() links them (the VDAB field, else the title)."""
    votes = []
    for rec in gold.load():
        vks = (rec.get("occupation_norm") or {}).get("typical_vks")
        if rec["split"] not in splits or rec.get("synthetic") or vks is None:
            continue
        occ = link(rec["text"], rec.get("title"), memory=None, norms=False)
        if occ is not None and occ.profile and (occ.profile.get("fallback") or occ.vks is None):
            votes.append((occ.name, int(vks)))
    rows = norm_rows(votes, "+".join(splits), min_vacancies, min_agreement)
    write_norms(rows, path or settings.current().norms_file)
    default_linker().profiles.clear()  # profiles built on the old norms
    return rows
