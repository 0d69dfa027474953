"""The flag suite of issue 18 (tests/data/flag_suite.yaml): sentences an independent writer wrote from domain.md
and annotation.md only (never the code or its output). Neutral and legal sentences must raise no flag; the true
positives must raise their kind. Each sentence is screened in a short vacancy under its title and section."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from vacscreen import screen
from vacscreen.api import uncertain_link

ITEMS = yaml.safe_load((Path(__file__).parent / "data" / "flag_suite.yaml").read_text(encoding="utf-8"))["items"]
EXCESSIVE = {"education_too_high", "experience_too_high", "language_too_high", "certificate_unneeded"}
HEADING = {"profile": "Profiel", "offer": "Aanbod", "company": "Over ons", "description": "Functieomschrijving"}
# Known disagreements, each with its reason (reported in docs/evaluation.md); everything else must pass.
KNOWN = {
    "tp-058": "the profile gives heftruckchauffeur VKS 4 from an ISCO estimate, so a bachelor is only two levels up "
              "and the classifier scores it below the threshold (norms: issue 19)",
    "tp-052": "since the seventh session's re-ranker the cashier links to ESCO's own 'kassamedewerker' (confidence "
              "0.89) instead of an unsure 'Winkelmedewerker'; its level is an ISCO estimate (VKS 4), so a bachelor "
              "is two levels up, one short of the rule for estimated norms (norms: issue 19)",
}


def test_the_suite_is_as_large_as_the_issue_asks():
    expect = Counter("none" if i["expect"] == "none" else "flag" for i in ITEMS)
    assert expect["none"] >= 150 and expect["flag"] >= 60
    assert len({i["id"] for i in ITEMS}) == len(ITEMS)
    assert len({i["category"] for i in ITEMS if i["expect"] == "none"}) >= 10


@pytest.mark.parametrize("item", [pytest.param(i, id=i["id"], marks=pytest.mark.xfail(reason=KNOWN[i["id"]], strict=True))
                                  if i["id"] in KNOWN else pytest.param(i, id=i["id"]) for i in ITEMS])
def test_flag_suite(item):
    text = f"{item['title']}\n{HEADING.get(item['section'], 'Profiel')}\n- {item['text']}\n"
    kinds = [f.kind for f in screen(text, title=item["title"]).flags]
    if item["expect"] == "none":
        assert kinds == [], f"{item['category']}: {item['text']!r} raised {kinds}"
        return
    s = screen(text, title=item["title"])
    if item["expect"] in EXCESSIVE and uncertain_link(s.occupation):
        # an unsure link measures nothing against its profile, and says so; once the user confirms the
        # occupation, the demand is measured
        assert any(w.startswith("Beroep onzeker") for w in s.warnings)
        kinds = [f.kind for f in screen(text, title=item["title"], occupation=s.occupation.name).flags]
    assert item["expect"] in kinds, f"{item['text']!r} raised {kinds}, not {item['expect']}"
