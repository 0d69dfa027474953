"""Experiment (issue 18): does a flag classifier with frozen mE5 sentence embeddings of the candidate's text beat the
rules? Out of fold by employer on train+dev, at the shipped link-confidence floor. Result (2026-12-07,
docs/results/cv_flags_e5_2026-12-07.txt): no setting beats the rules in precision at equal recall; not shipped.

    .venv/bin/python notebooks/flags_e5_experiment.py
"""

import vacscreen.flags.features as F
import vacscreen.flags.train as T
from vacscreen.flags.data import analyse, load_split
from vacscreen.flags.evaluate import by_group, predict, format_groups
from vacscreen.flags.flagger import Flagger
from vacscreen.occupations.confidence import out_of_fold
from vacscreen.occupations.encoder import load_encoder
an = analyse([r for s in ("train","dev") for r in load_split(s)])
out_of_fold(an)
enc = load_encoder()
cache = {}
orig = F.features
def feats(c, norm, reqs, cands):
    f = orig(c, norm, reqs, cands)
    if c.text not in cache:
        cache[c.text] = enc.encode([c.text[:400]])[0]
    for i, v in enumerate(cache[c.text]):
        f[f"e{i}"] = float(v)
    return f
T.features = feats
import vacscreen.flags.flagger as FL; FL.features = feats
res = {"rules": by_group(predict(an, Flagger(None, min_confidence=0.65)))}
for C in (0.1, 0.3, 1.0):
    pairs = T.cross_validate_pairs(an, C=C, thresholds=(0.3, 0.4, 0.5, 0.6), min_confidence=0.65)
    for t, p in pairs.items():
        res[f"e5 C={C} t={t}"] = by_group(p)
print(format_groups({k: {g: v[g] for g in ("all",)} for k, v in res.items()}))
print(format_groups({k: {g: v[g] for g in ("team","vdab")} for k, v in res.items()}))
