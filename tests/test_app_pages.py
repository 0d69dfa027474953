"""The app's other pages through streamlit.testing.v1.AppTest: Review (labels in the store, keyboard shortcuts,
undo, skip), Bulk (CSV with an empty row, filters, downloads), Modellen (activate, rollback, retrain on a temporary
copy of models/flags) and Over (data year, rule sources)."""
from __future__ import annotations

import json
import re
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import Optional

import pytest

AppTest = pytest.importorskip("streamlit.testing.v1").AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
TIMEOUT = 60
REVIEW, BULK, MODELLEN, OVER = (f"vacscreen/ui/pages/{p}.py" for p in ("review", "bulk", "modellen", "over"))

MAGAZIJN = ("Magazijnier\nProfiel\n- Je hebt minstens 2 jaar ervaring als magazijnier.\n"
            "- Je spreekt vloeiend Nederlands.\n- Rijbewijs B is een must.\n- VCA is een troef.\n")
POETS = ("Poetsvrouw gezocht\nProfiel\n- Je bent tussen 25 en 35 jaar.\n- Nederlands als moedertaal is vereist.\n"
         "- Je hebt een bachelordiploma.\nAanbod\nEen vast contract.\n")


@pytest.fixture(autouse=True)
def _own_label_db(label_db):
    """Every screening goes to a fresh label store (conftest.label_db), never the user's own database."""
    return label_db


def app(page: str, user: Optional[str] = None, role: str = "reviewer"):
    """The app on `page`; with `user`, logged in as that account (created with `role` when new), as
    streamlit-authenticator leaves the session after a successful login."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    if user:
        login(at, user, role)
    at.switch_page(page).run()
    assert not at.exception
    return at


def login(at, user: str, role: str = "reviewer") -> None:
    from vacscreen.review import Store, default_url

    with Store(default_url()) as s:
        if s.role_of(user) is None:
            s.add_user(user, "wachtwoord-" + user, role=role)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = user
    at.session_state["name"] = user


def store(db):
    from vacscreen.review import Store

    return Store(str(db))


def fill(db, *texts) -> None:
    """Screen the texts and save them for review, as the Screenen page does."""
    import vacscreen

    with store(db) as s:
        for t in texts:
            s.save_screening(vacscreen.screen(t, review_floor=0.1).for_review(), t)


def shown_flag(at) -> int:
    """The flag id the Review page shows (its caption: '... · signaal <id> · ...')."""
    ids = [int(m.group(1)) for c in at.caption if (m := re.search(r"signaal (\d+)", c.value))]
    assert len(ids) == 1, [c.value for c in at.caption]
    return ids[0]


# -- Review ---------------------------------------------------------------------------------------------------------
def test_review_needs_a_login_then_says_the_queue_is_empty():
    at = app(REVIEW)
    assert any("Meld je aan" in i.value for i in at.info)
    assert not [b for b in at.button if b.key in ("agree", "disagree", "unsure", "skip", "undo")]  # no account
    at = app(REVIEW, user="anna")
    assert not at.exception and not at.error
    assert any("geen signalen meer" in i.value for i in at.info)


def test_the_wrong_password_logs_nobody_in():
    from vacscreen.review import Store, default_url

    with Store(default_url()) as s:
        s.add_user("anna", "juist-wachtwoord", role="reviewer")
    at = app(REVIEW)
    at.text_input[0].input("anna")
    at.text_input[1].input("fout-wachtwoord")
    at.button[0].click().run()
    assert any("klopt niet" in e.value for e in at.error)
    assert not at.session_state["authentication_status"]
    at.text_input[0].input("anna")
    at.text_input[1].input("juist-wachtwoord")
    at.button[0].click().run()
    assert at.session_state["authentication_status"] and at.session_state["username"] == "anna"


def test_a_reviewer_cannot_reach_the_model_actions(models):
    at = app(MODELLEN, user="bert", role="reviewer")
    assert any("rol beheerder" in e.value for e in at.error)
    assert not at.dataframe and not [b for b in at.button if b.key in ("activeren", "terugdraaien", "trainen")]
    at = app(MODELLEN)  # nobody logged in
    assert any("Meld je aan" in i.value for i in at.info) and not at.dataframe


def test_review_buttons_have_their_shortcuts(label_db):
    fill(label_db, MAGAZIJN)
    at = app(REVIEW, user="anna")
    shortcuts = {k: at.button(key=k).proto.shortcut for k in ("agree", "disagree", "unsure", "skip", "undo")}
    assert shortcuts == {"agree": "a", "disagree": "d", "unsure": "u", "skip": "s", "undo": "z"}
    assert [at.button(key=k).label for k in ("agree", "disagree", "unsure", "skip", "undo")] == \
        ["Akkoord", "Niet akkoord", "Twijfel", "Overslaan", "Ongedaan maken"]


def test_review_agree_undo_skip(label_db):
    fill(label_db, MAGAZIJN, POETS)
    with store(label_db) as s:
        total = s.progress("anna")["total"]
        first = s.queue("anna", limit=1)[0]
    assert total >= 4
    at = app(REVIEW, user="anna")
    assert shown_flag(at) == first["flag_id"]
    assert "<mark" in "".join(h.value for h in at.html) and first["text"].split()[0] in at.html[0].value
    assert at.get("progress")

    # agree: one label in the store, the next flag is shown
    at.button(key="agree").click().run()
    with store(label_db) as s:
        labels = s.labels()
    assert [(x["flag_id"], x["reviewer"], x["decision"]) for x in labels] == [(first["flag_id"], "anna", "agree")]
    second = shown_flag(at)
    assert second != first["flag_id"]
    assert any("akkoord" in m.value for m in at.success)

    # a correction and a comment go with the label, then the fields are empty again
    at.selectbox(key="corr_kind").select("age")
    at.selectbox(key="corr_sev").select("strong")
    at.text_input(key="commentaar").input("eigenlijk leeftijd")
    at.button(key="disagree").click().run()
    with store(label_db) as s:
        last = s.labels()[-1]
    assert (last["flag_id"], last["decision"], last["corrected_kind"], last["corrected_severity"], last["comment"]) \
        == (second, "disagree", "age", "strong", "eigenlijk leeftijd")
    assert at.selectbox(key="corr_kind").value is None and at.text_input(key="commentaar").value == ""

    # undo: the last label is gone and its flag comes back
    at.button(key="undo").click().run()
    with store(label_db) as s:
        assert [x["flag_id"] for x in s.labels()] == [first["flag_id"]]
    assert shown_flag(at) == second

    # skip: that flag never comes back; everything else can be labelled until the queue is empty
    at.button(key="skip").click().run()
    seen = []
    for _ in range(total):
        if not [c for c in at.caption if re.search(r"signaal \d+", c.value)]:
            break
        seen.append(shown_flag(at))
        at.button(key="unsure").click().run()
        assert not at.exception
    assert second not in seen and first["flag_id"] not in seen
    assert len(seen) == total - 2
    assert any("geen signalen meer" in i.value for i in at.info)
    with store(label_db) as s:
        p = s.progress("anna")
    assert p["labelled"] == p["total"] == total


def test_review_shows_kappa_and_disagreements(label_db):
    fill(label_db, POETS)
    with store(label_db) as s:
        ids = [q["flag_id"] for q in s.queue("x", limit=10)]
        s.add_label(ids[0], "bert", "agree")
        s.add_label(ids[0], "carla", "disagree")
        s.add_label(ids[1], "bert", "agree")
        s.add_label(ids[1], "carla", "agree")
    at = app(REVIEW, user="anna")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Onenigheden tussen reviewers"] == "1"
    kappa = at.dataframe[0].value
    assert list(kappa.columns) == ["soort", "kappa", "signalen", "paren"] and len(kappa) >= 1


def test_the_login_survives_a_page_switch(label_db):
    at = app(REVIEW, user="anna")
    at.switch_page(BULK).run()
    at.switch_page(REVIEW).run()
    assert not any("Meld je aan" in i.value for i in at.info) and at.get("progress")


# -- Bulk -----------------------------------------------------------------------------------------------------------
CSV = ('id,title,text\nv1,Magazijnier,"' + MAGAZIJN + '"\nv2,Poetsvrouw,"' + POETS + '"\nv3,Leeg,\n').encode()


def test_bulk_csv_with_an_empty_row():
    at = app(BULK)
    assert any("Nog geen bestand" in i.value for i in at.info)
    at.file_uploader(key="bulk_bestand").set_value(("vacatures.csv", CSV, "text/csv")).run()
    at.button(key="bulk_screenen").click().run()
    assert not at.exception and not at.error
    assert any("1 van 3 rijen" in w.value for w in at.warning)
    fouten, overzicht, signalen = (d.value for d in at.dataframe)
    assert list(fouten["id"]) == ["v3"] and "leeg" in fouten["fout"].iloc[0]
    assert list(overzicht["id"]) == ["v1", "v2"]
    assert {"beroep", "signalen", "soorten"} <= set(overzicht.columns)
    assert len(signalen) == overzicht["signalen"].sum()
    assert len(at.get("vega_lite_chart")) == 2
    assert {b.key for b in at.download_button} == {"bulk_csv", "bulk_xlsx", "bulk_jsonl"}

    # filters: kind, severity, occupation
    at.multiselect(key="bulk_filter_soort").set_value(["age"]).run()
    assert list(at.dataframe[1].value["id"]) == ["v2"]
    assert set(at.dataframe[2].value["soort"]) == {"leeftijd"}
    at.multiselect(key="bulk_filter_soort").set_value([]).run()
    at.multiselect(key="bulk_filter_ernst").set_value(["geen"]).run()
    assert len(at.dataframe[1].value) == 0
    at.multiselect(key="bulk_filter_ernst").set_value([]).run()
    beroep = at.dataframe[1].value["beroep"].iloc[0]
    at.multiselect(key="bulk_filter_beroep").set_value([beroep]).run()
    assert set(at.dataframe[1].value["beroep"]) == {beroep}


def test_bulk_file_without_text_column_is_an_error():
    at = app(BULK)
    at.file_uploader(key="bulk_bestand").set_value(("x.csv", b"id;omschrijving\n1;iets\n", "text/csv")).run()
    assert not at.exception
    assert len(at.error) == 1 and "'text'" in at.error[0].value and "omschrijving" in at.error[0].value
    assert "bulk_screenen" not in {b.key for b in at.button}


def test_bulk_can_queue_for_review(label_db):
    at = app(BULK)
    at.file_uploader(key="bulk_bestand").set_value(("vacatures.csv", CSV, "text/csv")).run()
    at.checkbox(key="bulk_opslaan").check()
    at.button(key="bulk_screenen").click().run()
    assert not at.exception and not at.warning[1:]
    with store(label_db) as s:
        assert {q["vacancy_text"] for q in s.queue("anna", limit=50)} == {MAGAZIJN, POETS}


# -- Modellen -------------------------------------------------------------------------------------------------------
@pytest.fixture
def models(tmp_path, monkeypatch):
    """A temporary copy of models/flags with a second version; the app's registry points at it and reloading the
    flag model is counted. (The settings are read at each call: VACSCREEN_MODELS points the page at the copy.)"""
    import vacscreen.api
    from vacscreen.settings import current

    real = current().flags_dir
    root = tmp_path / "models" / "flags"
    shutil.copytree(real, root)
    old = sorted(v.name for v in (root / "versions").iterdir() if not v.name.startswith("."))[-1]
    (root / "ACTIVE").write_text(old + "\n")
    for v in (root / "versions").iterdir():  # the shipped history may hold older versions: keep the newest one
        if v.name != old:
            shutil.rmtree(v)
    (root / "HISTORY.jsonl").write_text(json.dumps({"version": old, "previous": None, "reason": "first version",
                                                    "at": "2026-11-28T04:00:00+00:00"}) + "\n")
    new = "flags-2026-12-01"
    shutil.copytree(root / "versions" / old, root / "versions" / new)
    meta = json.loads((root / "versions" / new / "meta.json").read_text())
    later = (datetime.fromisoformat(meta["created_at"]) + timedelta(days=1)).isoformat()  # listed after the active one
    meta.update(version=new, date=later[:10], created_at=later, review_labels=12)
    (root / "versions" / new / "meta.json").write_text(json.dumps(meta))
    monkeypatch.setenv("VACSCREEN_MODELS", str(root.parent))
    reloads = []
    monkeypatch.setattr(vacscreen.api.Screener, "reload", lambda self: reloads.append(1))
    state = lambda: (real / "ACTIVE").read_text() if (real / "ACTIVE").exists() else None  # noqa: E731
    real_active = state()
    yield {"root": root, "old": old, "new": new, "reloads": reloads}
    assert state() == real_active  # the real registry is untouched


def test_models_activate_and_rollback(models):
    root, old, new = models["root"], models["old"], models["new"]
    at = app(MODELLEN, user="beheer", role="admin")
    at.checkbox(key="bevestig").check().run()
    versions = at.dataframe[0].value
    assert list(versions["versie"]) == [old, new]
    assert list(versions["actief"]) == ["✓", ""] and versions["reviewerlabels"].iloc[1] == 12
    assert versions["CV F1"].iloc[0] > 0
    assert at.selectbox(key="model_versie").value == old and at.button(key="activeren").disabled
    at.button(key="terugdraaien").click().run()  # nothing was active before the first version: a message
    assert not at.exception and len(at.error) == 1 and "Terugdraaien" in at.error[0].value
    assert (root / "ACTIVE").read_text().strip() == old and not models["reloads"]

    at.selectbox(key="model_versie").select(new).run()
    at.button(key="activeren").click().run()
    assert not at.exception and not at.error
    assert (root / "ACTIVE").read_text().strip() == new and models["reloads"] == [1]
    assert any(new in s.value for s in at.success)
    assert list(at.dataframe[0].value["actief"]) == ["", "✓"]

    at.button(key="terugdraaien").click().run()
    assert (root / "ACTIVE").read_text().strip() == old and len(models["reloads"]) == 2
    assert any("Teruggedraaid" in s.value for s in at.success)
    assert at.selectbox(key="model_versie").value == old


@pytest.mark.parametrize("activated", [True, False])
def test_models_retrain(models, monkeypatch, activated):
    import vacscreen.flags.train as train_mod

    calls = []

    def fake_train(splits=("train", "dev"), C=None, threshold=None, store=None, force=False, registry=None, **kw):
        calls.append((store, force, registry.root))
        return {"version": "flags-20261201-120000", "activated": activated, "decision": "...",
                "decision_detail": {"new_f1": 0.7, "base_f1": 0.667, "low": 0.01 if activated else -0.02,
                                    "high": 0.06, "vacancies": 140},
                "review_labels_used": 3, "seconds": 0.1, "micro": {"cv_train": {"p": 0.8, "r": 0.6, "f1": 0.7}}}

    monkeypatch.setattr(train_mod, "train_flag_model", fake_train)
    import vacscreen.occupations.train as linking_train

    monkeypatch.setattr(linking_train, "train_memory", lambda splits=("train", "dev"), store=None: calls.append(("linking", store)) or {"corrections": 2})
    at = app(MODELLEN, user="beheer", role="admin")
    at.checkbox(key="bevestig").check()
    at.checkbox(key="train_forceren").check()
    at.button(key="trainen").click().run()
    assert not at.exception and not at.error
    (store_, force, root), (what, linking_store) = calls
    assert store_ is not None and force is True and root == models["root"]
    assert what == "linking" and linking_store is store_  # recruiters' occupation choices refit the linking memory
    if activated:
        shown = [s.value for s in at.success]
        assert any("geactiveerd" in s and "flags-20261201-120000" in s and "0.700" in s for s in shown)
    else:
        shown = [w.value for w in at.warning]
        assert any("niet geactiveerd" in w for w in shown)
    assert any("2 door recruiters gekozen beroepen" in m for m in shown)


# -- Over -----------------------------------------------------------------------------------------------------------
def test_about_lists_rule_sources_and_data_year():
    at = app(OVER)
    assert not at.error
    sources, rules = (t.value for t in at.table)
    assert "knelpuntberoepen.csv" in set(sources.index)
    assert {"R1", "R8", "R9", "R13", "R14", "R20"} <= set(rules.index)
    assert rules.loc["R8", "grondslag of bron"].startswith("Antidiscriminatiewet 10 mei 2007")
    assert rules.loc["R9", "signaal"] == "moedertaal/afkomst"
    text = " ".join(m.value for m in at.markdown)
    assert "lijst knelpuntberoepen 2026" in text
    from vacscreen.ui.models import registry

    active = registry().active()
    assert ("drempel" in text) == bool(active)  # a threshold only with an active model
    assert (active or "geen model: alleen de regels") in text
    assert ("Het model beslist" if active else "De regels beslissen") in text


def test_an_unexpected_page_error_is_a_message_not_a_traceback(monkeypatch):
    import vacscreen.ui.about

    def broken():
        raise RuntimeError("kapot")

    monkeypatch.setattr(vacscreen.ui.about, "page", broken)
    at = app(OVER)
    assert not at.exception
    assert len(at.error) == 1 and "RuntimeError\\: kapot" in at.error[0].value  # escaped: a message may quote input


def test_review_labels_only_the_flag_on_screen_and_only_once(label_db):
    """A key press that arrives while the page reruns carries the button's flag id: when that is not the flag
    shown, or the reviewer labelled it already, nothing is stored."""
    from vacscreen.ui.review import SHOWN_KEY

    fill(label_db, MAGAZIJN)
    at = app(REVIEW, user="anna")
    first = shown_flag(at)
    at.session_state[SHOWN_KEY] = first + 1000  # as if another flag had been on screen
    at.button(key="agree").click().run()
    assert not at.exception
    with store(label_db) as s:
        assert s.labels() == []
    assert any("niet meer op het scherm" in w.value for w in at.warning)
    at.button(key="agree").click().run()  # the flag on screen: stored once
    with store(label_db) as s:
        assert [(x["flag_id"], x["decision"]) for x in s.labels()] == [(first, "agree")]
