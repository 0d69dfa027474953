"""The mention-level metric (vacscreen/evaluate.py): a certificate under another name of the same document
(data/certificate_names.csv) is the same value; another document is not."""
from __future__ import annotations

from vacscreen.evaluate import score


def _cert(name: str, required: bool = True) -> dict:
    return {"kind": "certificate", "name": name, "required": required, "start": 10, "end": 30}


def _strict_f1(pred: str, gold: str) -> float:
    return score([([_cert(pred)], [_cert(gold)])])["strict"]["licence+certificate"]["f1"]


def test_another_name_of_the_same_certificate_is_a_strict_match():
    assert _strict_f1("EHBO kinderen", "Kinder-EHBO") == 1.0
    assert _strict_f1("bestuurderskaart", "chauffeurskaart") == 1.0


def test_another_certificate_is_no_strict_match_but_a_loose_one():
    res = score([([_cert("EHBO")], [_cert("EHBO kinderen")])])
    assert res["strict"]["licence+certificate"]["f1"] == 0.0
    assert res["loose"]["licence+certificate"]["f1"] == 1.0
