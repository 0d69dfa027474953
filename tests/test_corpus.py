"""The evaluation corpus: gold joined with the real texts of the shared folder, employer-disjoint splits with a sealed
test split, no real vacancy text in the repository, and the leaks of earlier rounds kept out (activation and
linking training never read the test split's scores or labels)."""
from __future__ import annotations

import json
import math
import re
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
import realdata

from vacscreen import corpus, gold

realdata.require()
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def records():
    return list(gold.load())


@pytest.fixture(scope="module")
def splits():
    return json.loads((gold.GOLD_DIR / "splits.json").read_text(encoding="utf-8"))


def test_splits_file_is_what_the_employer_hash_gives(splits):
    new = gold.build_splits()
    for name in ("train", "dev", "test"):
        assert set(splits[name]) == set(new[name]), f"{name}: run `vacscreen splits`"


def test_no_employer_in_two_splits(splits):
    where = defaultdict(set)
    for name in ("train", "dev", "test"):
        for rid in splits[name]:
            where[splits["employer"][rid]].add(name)
    assert not {k: v for k, v in where.items() if len(v) > 1}


def test_every_real_vacancy_and_gold_record_is_in_one_split(records, splits):
    ids = [i for name in ("train", "dev", "test") for i in splits[name]]
    assert len(ids) == len(set(ids))
    for source in corpus.SOURCES:
        assert set(corpus.real_records(source)) <= set(ids)
    assert {r["id"] for r in records} <= set(ids)


def test_sealed_split_holds_a_third_of_the_real_non_vdab_employers_and_the_independent_writer(records, splits):
    test = set(splits["test"])
    emp = splits["employer"]
    real = {emp[i] for i in emp if corpus.source_of(i) not in (None, "vdab")}
    sealed = {emp[i] for i in test if corpus.source_of(i) not in (None, "vdab")}
    assert len(sealed) >= math.ceil(len(real) / 3)
    independent = [r for r in records if r.get("synthetic") and r.get("writer") == "S"]
    assert all(r["id"] in test for r in independent)
    # and no team-written record of the other writers is sealed with them
    assert all(r["id"] not in test for r in records if r.get("synthetic") and r.get("writer") != "S")


def test_gold_of_every_real_source_vacancy(records):
    have = {r["id"] for r in records}
    for source in ("jobfeed", "jobsdb", "vdab"):
        assert set(corpus.real_records(source)) <= have, source


def test_every_gold_span_is_in_its_text(records):
    for rec in records:
        for item in gold.requirements(rec):  # raises on a span not in the text
            assert rec["text"][item["start"]:item["end"]] == item["text"]
        for flag in rec.get("flags") or []:
            assert flag["text"] in rec["text"], (rec["id"], flag["text"])


def test_no_real_vacancy_text_in_the_repository():
    """Gold of real vacancies keeps ids and annotations only: no file tracked by git holds a passage of a real text
    (short span quotes in annotations are allowed; passages of 120 characters are not)."""
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    blob = []
    for f in files:
        p = ROOT / f
        if p.suffix in (".jsonl", ".json", ".md", ".py", ".csv", ".txt", ".yaml", ".html") and p.is_file():
            blob.append(p.read_text(encoding="utf-8", errors="ignore"))
    blob = "\n".join(blob)
    found = []
    for source in corpus.SOURCES:
        for rid, rec in corpus.real_records(source).items():
            text = rec["text"]
            for at in (len(text) // 4, len(text) // 2):
                piece = text[at:at + 120]
                if len(piece) == 120 and piece in blob:
                    found.append(rid)
    assert not found, f"real vacancy text stored in the repository: {sorted(set(found))[:10]}"


def test_no_tracked_file_holds_much_of_any_real_text():
    """Span quotes are allowed, a copy is not: no tracked file (JSON strings read unescaped) covers more than a third
    of any real text with 40-character passages (VDAB's field labels and annotated spans stay far below)."""
    k = 40
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    owner: dict[str, set] = defaultdict(set)
    for f in files:
        p = ROOT / f
        if p.suffix not in (".jsonl", ".json", ".md", ".py", ".csv", ".txt", ".yaml", ".html") or not p.is_file():
            continue
        content = p.read_text(encoding="utf-8", errors="ignore")
        if p.suffix in (".jsonl", ".json"):
            content += "\n".join(_strings(content))
        for i in range(len(content) - k + 1):
            owner[content[i:i + k]].add(f)
    worst = (0.0, None, None)
    for source in corpus.SOURCES:
        for rid, rec in corpus.real_records(source).items():
            text, covered = rec["text"], defaultdict(set)
            for i in range(len(text) - k + 1):
                for f in owner.get(text[i:i + k], ()):
                    covered[f].update(range(i, i + k))
            for f, pos in covered.items():
                worst = max(worst, (len(pos) / len(text), rid, f))
    assert worst[0] < 1 / 3, worst


def _strings(content: str) -> list[str]:
    out = []

    def walk(o):
        if isinstance(o, str):
            out.append(o)
        elif isinstance(o, dict):
            for v in o.values():
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)

    for line in content.splitlines():
        try:
            walk(json.loads(line))
        except ValueError:
            continue
    return out


def test_real_gold_records_carry_no_text():
    """Gold of real vacancies (first and second annotation) stores offsets, never the quoted words."""
    paths = [gold.GOLD_DIR / name for name in gold.GOLD_FILES] + sorted((gold.GOLD_DIR / "second").glob("*.jsonl"))
    real = 0
    for path in paths:
        if not path.exists():
            continue
        for line in path.open(encoding="utf-8"):
            rec = json.loads(line)
            if corpus.source_of(rec["id"]) is None:
                continue
            real += 1
            assert "text" not in rec, rec["id"]
            for name in gold.ITEM_LISTS:
                for item in rec.get(name) or []:
                    assert "text" not in item and item["start"] < item["end"], (path.name, rec["id"], name)
            words = re.findall(r"\w+", corpus.real_record(rec["id"])["text"].lower())
            stored = " ".join(re.findall(r"\w+", json.dumps(rec, ensure_ascii=False).lower()))
            quoted = [w for i in range(len(words) - 11) if (w := " ".join(words[i:i + 12])) in stored]
            assert not quoted, (path.name, rec["id"], quoted[0])  # notes refer to passages as [tekst start-end]
    assert real >= 393


def test_offsets_give_back_the_same_requirements():
    """to_offsets (used by `vacscreen gold-offsets`) keeps every placement, repeated quotes included."""
    text = ("Wat vragen we? Rijbewijs B. Je hebt een bachelor. Rijbewijs B is een must. Nederlands: zeer goed. "
            "Wat bieden we? Een vast contract.")
    rec = {"id": "eigen-1", "education": [{"text": "Je hebt een bachelor", "level": "bachelor", "required": True}],
           "languages": [{"text": "Nederlands: zeer goed", "language": "nl", "level": "C1", "raw": "zeer goed",
                          "required": True}],
           "experience": [],
           "licences_certificates": [{"text": "Rijbewijs B", "name": "rijbewijs B", "required": True},
                                     {"text": "Rijbewijs B", "name": "rijbewijs B", "required": True}],
           "other_flags": [], "flags": [{"kind": "licence", "text": "Rijbewijs B is een must"}]}
    stored = gold.to_offsets(json.loads(json.dumps(rec)), text)
    assert "Rijbewijs B" not in json.dumps(stored)
    assert stored["flags"][0]["start"] == text.index("Rijbewijs B is")
    again = gold.fill_texts({**json.loads(json.dumps(stored)), "text": text})
    assert gold.requirements(again) == gold.requirements({**rec, "text": text})
    assert sorted(i["start"] for i in gold.requirements(again) if i["kind"] == "licence") == [
        text.index("Rijbewijs"), text.rindex("Rijbewijs")]
    with pytest.raises(ValueError, match="outside the text"):
        gold.fill_texts({**json.loads(json.dumps(stored)), "text": text[:40]})


def test_gold_offsets_command_leaves_stored_gold_unchanged(tmp_path):
    from typer.testing import CliRunner

    from vacscreen.cli import app

    src = gold.GOLD_DIR / "jobsdb_gold.jsonl"
    copy = tmp_path / src.name
    copy.write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    res = CliRunner().invoke(app, ["gold-offsets", str(copy)])
    assert res.exit_code == 0, res.output
    assert copy.read_text(encoding="utf-8") == src.read_text(encoding="utf-8")
    (tmp_path / "onbekend.jsonl").write_text(json.dumps({"id": "geen-bron-42"}) + "\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["gold-offsets", str(tmp_path / "onbekend.jsonl")])
    assert res.exit_code == 1 and "onbekend.jsonl:1" in res.output


def test_second_annotation_is_of_gold_vacancies_and_covers_the_sealed_split(splits):
    # the sealed split's second annotation measures agreement there; writers C's and D's sets were second-annotated too
    test = set(splits["test"])
    ids = [json.loads(line)["id"] for p in (gold.GOLD_DIR / "second").glob("*.jsonl")
           for line in p.open(encoding="utf-8") if line.strip()]
    assert len(ids) == len(set(ids)) and set(ids) <= {r["id"] for r in gold.read(with_text=False)}
    assert len(set(ids) & test) >= 40
    for writer in ("synC-", "synD-"):
        assert {i for i in ids if i.startswith(writer)} == {i for i in splits["train"] + splits["dev"] if i.startswith(writer)}


def test_employer_key_groups_branches_and_legal_forms():
    assert corpus.employer_key("Deloitte Consulting B.V.", "a") == corpus.employer_key("Deloitte Risk Advisory", "b")
    assert corpus.employer_key("Stad Gent", "a") != corpus.employer_key("Stad Brugge", "b")
    assert corpus.employer_key(None, "x").startswith("id:")


def test_missing_shared_folder_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("VACSCREEN_SHARED_DATA", str(tmp_path))
    assert "not found" in corpus.available()
    with pytest.raises(corpus.MissingData):
        corpus.real_records("jobfeed")


def test_vdab_occupation_rows_do_not_come_from_test_labels():
    """Occupations added from VDAB pages' codes must occur on a train or dev page (not only on sealed pages)."""
    import csv

    from vacscreen.occupations.linker import vdab_field

    ids = gold.split_ids()
    seen = defaultdict(set)
    for rid, rec in corpus.real_records("vdab").items():
        f = vdab_field(rec["text"])
        if f:
            seen[f[0]].add(next(k for k, v in ids.items() if rid in v))
    with (ROOT / "vacscreen" / "data" / "vdab_occupations.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if "VDAB vacancy pages" in row["source"]:
                assert seen[row["name"]] - {"test"}, row["name"]


def test_linking_evaluation_removes_the_competence_section():
    from vacscreen.occupations.evaluate import cases

    cs = cases()
    assert cs and any("Professionele vaardigheden" in c["pool_text"] for c in cs)
    assert not any("Professionele vaardigheden" in c["text"] for c in cs)
    assert not any("VDAB-beroep" in c["text"] for c in cs)


def test_linking_evaluation_scores_every_other_gold_vacancy_of_the_split(records):
    from vacscreen.occupations.evaluate import other_cases

    want = {r["id"] for r in records if r["group"] != "vdab" and r["split"] in ("train", "dev") and r.get("occupation")}
    got = other_cases("train,dev")
    assert {c["id"] for c in got} == want
    assert all(c["labels"] for c in got)
