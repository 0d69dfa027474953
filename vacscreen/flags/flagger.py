"""From requirements and occupation to flags: the rules propose, the classifier scores, one flag per kind.

    flagger = load_flagger()                      # the trained model in models/flags/, or rules only
    flags = flagger.flag(requirements, occupation, vacancy)
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

from vacscreen.flags.explain import render
from vacscreen.flags.features import features
from vacscreen.flags.registry import Registry, load_model
from vacscreen.flags.rules import Candidate, Norm, Vacancy, config, propose
from vacscreen.schema import Flag, Occupation, Requirement
from vacscreen.vocab import DEMAND_LABELS



class Flagger:
    """model: a fitted FlagClassifier, or None for the rule layer alone (score 1 when the rule fires, else 0).
    threshold: the lowest score that becomes a flag. strong_score: a flag is strong when its rule says strong
    (gap, explicit wording) and its score reaches this."""

    def __init__(self, model=None, threshold: float = 0.5, strong_score: float = 0.7, version: str = "rules",
                 min_confidence: Optional[float] = None):
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"flag threshold must be between 0 and 1, got {threshold}")
        self.model = model
        self.threshold = threshold
        self.strong_score = strong_score
        self.version = version
        self.min_confidence = min_confidence  # link confidence below which no norm is used (None: rules.yaml)

    def candidates(self, requirements: list[Requirement], occupation: Optional[Occupation], vacancy: Vacancy
                   ) -> tuple[Norm, list[Candidate]]:
        return self._scored([(requirements, occupation, vacancy)])[0]

    def _scored(self, items) -> list[tuple[Norm, list[Candidate]]]:
        """Candidates of several vacancies, scored with one call to the classifier (its per-call cost is larger
        than the prediction on one vacancy's few candidates)."""
        out, X = [], []
        for requirements, occupation, vacancy in items:
            norm = Norm.from_occupation(occupation, self.min_confidence)
            cands = propose(requirements, norm, vacancy)
            if self.model is None:
                for c in cands:
                    c.score = float(c.fires)
            else:
                X += [features(c, norm, requirements, cands) for c in cands]
            out.append((norm, cands))
        if self.model is not None and X:
            scores = iter(self.model.predict_proba(X)[:, 1])
            for _, cands in out:
                for c in cands:
                    c.score = float(next(scores))
        return out

    def flag(self, requirements: list[Requirement], occupation: Optional[Occupation], vacancy: Vacancy,
             floor: Optional[float] = None) -> list[Flag]:
        """One flag per kind (the highest score >= threshold). floor: also the best candidate of other kinds
        scoring at least `floor`, below the threshold: what reviewers should look at (active learning)."""
        return self.flag_many([(requirements, occupation, vacancy)], floor)[0]

    def flag_many(self, items, floor: Optional[float] = None) -> list[list[Flag]]:
        """flag() for a batch of (requirements, occupation, vacancy), scored together."""
        return [self._flags(norm, cands, vacancy, floor)
                for (norm, cands), (_, _, vacancy) in zip(self._scored(items), items)]

    def _flags(self, norm: Norm, cands: list[Candidate], vacancy: Vacancy, floor: Optional[float]) -> list[Flag]:
        lowest = self.threshold if floor is None else min(floor, self.threshold)
        best: dict[str, Candidate] = {}
        for c in cands:  # at most one flag per kind: the highest score, the first mention on a tie
            if c.score >= lowest and (c.kind not in best or c.score > best[c.kind].score):
                best[c.kind] = c
        overload = self._overload({k: c for k, c in best.items() if c.score >= self.threshold}, norm, vacancy)
        if overload is not None:
            best["requirement_overload"] = overload
        flags = [self._to_flag(c, norm) for c in best.values()]
        order = {k: i for i, k in enumerate(config().kinds)}
        flags.sort(key=lambda f: (f.severity != "strong", -f.score, order[f.kind]))
        return flags

    def _overload(self, best: dict[str, Candidate], norm: Norm, vacancy: Vacancy) -> Optional[Candidate]:
        """R20: three or more excessive kinds flagged for one job. Its score is the third-best of theirs."""
        excessive = sorted((best[k] for k in config().excessive_kinds if k in best), key=lambda c: -c.score)
        if len(excessive) < config().overload.min_kinds:
            return None
        start, end = vacancy.profile_heading() or (excessive[0].start, excessive[0].end)
        kinds = ", ".join(DEMAND_LABELS[c.kind] for c in excessive)
        strong = len(excessive) >= 4 or sum(c.strong for c in excessive) >= 2
        return Candidate(kind="requirement_overload", rule="R20", start=start, end=end,
                         text=vacancy.text[start:end], requirement=None, fires=True, strong=strong,
                         values={"count": len(excessive), "kinds": kinds}, score=excessive[2].score)

    def _to_flag(self, c: Candidate, norm: Norm) -> Flag:
        texts = render(c, norm)
        # against the levels of several plausible occupations (an unsure link) a flag is never strong
        severity = "strong" if c.strong and c.score >= self.strong_score and not norm.plausible else "mild"
        return Flag(kind=c.kind, severity=severity, score=round(c.score, 3), text=c.text, start=c.start, end=c.end,
                    requirement=c.requirement, **texts)



def load_flagger(path: Optional[Path] = None, threshold: Optional[float] = None, version: Optional[str] = None) -> Flagger:
    """The active flag model of the registry in `path` (models/flags: ACTIVE names a folder under versions/),
    or `version` (a name from the registry, never a path); the rule layer alone when there is no model."""
    reg = Registry(path)
    name = version or reg.active()
    if not name:
        return Flagger(None, threshold=0.5 if threshold is None else threshold)
    folder = reg.path(name)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    return Flagger(load_model(folder), threshold=meta["threshold"] if threshold is None else threshold,
                   strong_score=meta.get("strong_score", 0.7), version=meta.get("version", folder.name))
