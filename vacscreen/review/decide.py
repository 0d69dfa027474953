"""From labels to decisions, in plain Python (no database): the effective label of each reviewer, the final decision
of a flag (adjudication, else majority) and Cohen's kappa between reviewers.

Rules, shared by Store.agreement(), Store.disagreements() and Store.training_labels():
- A reviewer's effective label on a flag is their most recent non-adjudication label on it (created_at, then id):
  a reviewer who labels a flag twice has changed their mind and votes once.
- Only an adjudication label that decides (agree or disagree) counts as adjudication; the most recent one wins.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations
from typing import Iterable, Optional

DECIDING = ("agree", "disagree")
RATED = ("agree", "disagree", "unsure")


@dataclass(frozen=True)
class Vote:
    id: int
    uid: str
    flag_id: int
    reviewer: str
    decision: str
    corrected_kind: Optional[str]
    corrected_severity: Optional[str]
    comment: Optional[str]
    adjudication: bool
    created_at: datetime

    @property
    def order(self):
        return (self.created_at, self.id)

    @property
    def corrected(self) -> bool:
        return self.corrected_kind is not None or self.corrected_severity is not None


def effective(votes: Iterable[Vote]) -> dict[str, Vote]:
    """Reviewer -> their most recent non-adjudication label (of one flag)."""
    out: dict[str, Vote] = {}
    for v in votes:
        if v.adjudication:
            continue
        cur = out.get(v.reviewer)
        if cur is None or v.order > cur.order:
            out[v.reviewer] = v
    return out


def adjudication(votes: Iterable[Vote]) -> Optional[Vote]:
    """The most recent deciding (agree/disagree) adjudication label, if any."""
    adj = [v for v in votes if v.adjudication and v.decision in DECIDING]
    return max(adj, key=lambda v: v.order) if adj else None


def in_conflict(votes: Iterable[Vote]) -> bool:
    """Effective labels include both agree and disagree, and no deciding adjudication exists."""
    votes = list(votes)
    if adjudication(votes) is not None:
        return False
    decisions = {v.decision for v in effective(votes).values()}
    return "agree" in decisions and "disagree" in decisions


def final(votes: Iterable[Vote]) -> Optional[tuple[str, Optional[Vote]]]:
    """(decision, the label whose corrections count) or None when there is no final decision.
    The latest deciding adjudication decides; else the majority of effective agree vs disagree labels
    (unsure and skip are ignored; a tie gives None). Corrections come from the adjudication, else from the most
    recent effective label with the winning decision that carries a correction (None when none does)."""
    votes = list(votes)
    adj = adjudication(votes)
    if adj is not None:
        return adj.decision, adj
    eff = [v for v in effective(votes).values() if v.decision in DECIDING]
    n_agree = sum(v.decision == "agree" for v in eff)
    n_disagree = len(eff) - n_agree
    if n_agree == n_disagree:
        return None
    winner = "agree" if n_agree > n_disagree else "disagree"
    corrected = [v for v in eff if v.decision == winner and v.corrected]
    return winner, (max(corrected, key=lambda v: v.order) if corrected else None)


def kappa(a: list[str], b: list[str]) -> Optional[float]:
    """Cohen's kappa of two raters on the same items (sklearn), None when undefined (e.g. one category only)."""
    if not a:
        return None
    from sklearn.metrics import cohen_kappa_score

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        k = cohen_kappa_score(a, b, labels=list(RATED), replace_undefined_by=math.nan)
    k = float(k)
    return None if math.isnan(k) else k


def agreement(ratings: dict[str, dict[int, dict[str, str]]]) -> dict[str, dict]:
    """ratings: kind -> flag_id -> reviewer -> decision (agree/disagree/unsure).
    Per kind: kappa = mean of the pairwise kappas of all reviewer pairs with shared flags, weighted by the number of
    shared flags (pairs whose kappa is undefined are left out of the mean; None when no pair has one);
    items = flags rated by at least two reviewers; pairs = reviewer pairs with at least one shared flag."""
    out: dict[str, dict] = {}
    for kind in sorted(ratings):
        flags = ratings[kind]
        reviewers = sorted({r for by in flags.values() for r in by})
        items = sum(1 for by in flags.values() if len(by) >= 2)
        pairs = 0
        total = weight = 0.0
        for r1, r2 in combinations(reviewers, 2):
            shared = sorted(f for f, by in flags.items() if r1 in by and r2 in by)
            if not shared:
                continue
            pairs += 1
            k = kappa([flags[f][r1] for f in shared], [flags[f][r2] for f in shared])
            if k is not None:
                total += k * len(shared)
                weight += len(shared)
        out[kind] = {"kappa": (total / weight) if weight else None, "items": items, "pairs": pairs}
    return out
