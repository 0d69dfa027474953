"""Whether a link is acceptable against a gold record: its occupation or a listed alternative (the same name folded,
or the same ESCO concept). Shared by the linking evaluation, training, the link confidence and `vacscreen evaluate`."""
from __future__ import annotations

from typing import Optional

from vacscreen.occupations.reference import fold


def accepted_names(record: dict) -> set[str]:
    """The occupations a gold record accepts (its occupation, listed alternatives, norm and VDAB occupation), folded."""
    names = [record.get("occupation"), *(record.get("occupation_alternatives") or []),
             (record.get("occupation_norm") or {}).get("occupation"), record.get("vdab_occupation")]
    return {fold(n) for n in names if isinstance(n, str) and n.strip() and fold(n) != "onbekend"}


def same_occupation(name: str, accepted: set[str], ref) -> bool:
    if fold(name) in accepted:
        return True
    rec = ref.by_name(name)
    uri = getattr(rec, "esco_uri", None)
    return bool(uri) and any(getattr(ref.by_name(a), "esco_uri", None) == uri for a in accepted)


def occupation_hits(record: dict, occupation, ref) -> Optional[tuple[bool, bool]]:
    """(top-1 acceptable, top-3 acceptable) for a linked occupation; None when the gold names no occupation.
    The top-1 counts only with a profile (a typical level to measure demands against)."""
    accepted = accepted_names(record)
    if not accepted:
        return None
    if occupation is None:
        return False, False
    ranked = [occupation.name] + [a.get("name") for a in occupation.alternatives if a.get("name")]
    hits = [same_occupation(n, accepted, ref) for n in ranked[:3]]
    return bool(hits[0] and occupation.vks is not None), any(hits)
