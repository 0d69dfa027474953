"""End-to-end test of the Streamlit app in a real browser: Debian's headless Chromium driven by Playwright.

The app is started as `make run` starts it (`streamlit run app.py --server.headless true`), on a free loopback port,
with VACSCREEN_DB pointing at a fresh SQLite file. Then, like a person would:

1. Screenen (/): paste a real VDAB vacancy (the first of ../shared/data/vdab_vacancies.jsonl that vacscreen.screen() flags),
   click "Screenen", wait for the result; the requirement spans are highlighted (`.vs-tekst mark.vs`), one
   expander per flag ("... — sterk/licht (score ...)", with a Material icon) is shown, and the screening is in the label store (tests/artifacts/screen.png).
2. Review (/review, through the sidebar): log in as a reviewer account (created in the store), wait for the first
   flag, press the keyboard shortcut "a" (Akkoord); the label is in the store (read with vacscreen.review.Store on
   the same VACSCREEN_DB) and the progress line goes from 0 to 1 (tests/artifacts/review.png).
3. The same vacancy screened again: no new review task.
4. Modellen, as that reviewer: refused, no model action on the page.
5. A vacancy with Markdown and HTML in it: shown as text, no request outside the app.

Chromium comes from Debian (`apt-get install chromium`, /usr/bin/chromium or VACSCREEN_CHROMIUM); Playwright never
downloads a browser. Without Chromium or Playwright the tests are skipped, unless VACSCREEN_REQUIRE_BROWSER=1 (CI,
.ci/run), where they fail. Waits are on the app's state (stApp's data-test-script-state, the "Running..." status
widget) and on the content of the page, never fixed sleeps.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
import realdata

from bench.bench_browser import stop_app  # the benchmark starts and stops the app the same way

ROOT = Path(__file__).resolve().parents[1]
VACANCIES = realdata.vdab_path()
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = os.environ.get("VACSCREEN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
REVIEWER = "e2e-tester"
PASSWORD = "e2e-wachtwoord-1"
START_TIMEOUT = 60  # s until /_stcore/health answers
LOAD_TIMEOUT = 60_000  # ms: the first screening of a server loads spaCy, the linker and the flag model
STEP_TIMEOUT = 30_000  # ms for any other step
KINDS = {"education", "language", "experience", "licence", "certificate", "criterion"}

# True once the app has finished the script run (no "Running..." widget, script state notRunning).
IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
      && app.getAttribute('data-test-connection-state') === 'CONNECTED'
      && !document.querySelector('[data-testid="stStatusWidget"]');
}"""


def _need_browser():
    """The playwright module; skip without Chromium or Playwright, fail instead when VACSCREEN_REQUIRE_BROWSER=1."""
    required = os.environ.get("VACSCREEN_REQUIRE_BROWSER") == "1"
    problem = None
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        problem = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api as sync_api
        except ImportError as e:
            problem = f"Playwright is not installed ({e}; pip install -e '.[test]')"
    if problem:
        if required:
            pytest.fail(f"VACSCREEN_REQUIRE_BROWSER=1 but {problem}", pytrace=False)
        pytest.skip(problem)
    return sync_api


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(db: Path, log: Path, port: int) -> subprocess.Popen:
    """`make run` on a given port and database: vacscreen app --server.headless true."""
    env = dict(os.environ, VACSCREEN_DB=str(db), PYTHONUNBUFFERED="1")
    cmd = [sys.executable, "-m", "vacscreen.cli", "app", "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def wait_healthy(proc: subprocess.Popen, url: str, log: Path, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200 and r.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the app did not answer /_stcore/health within {timeout} s:\n{log.read_text()[-3000:]}")


def wait_idle(page, timeout: int = STEP_TIMEOUT) -> None:
    page.wait_for_function(IDLE_JS, timeout=timeout)


def no_app_errors(page) -> None:
    """No exception box and no st.error on the page."""
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(
        '[data-testid="stException"]').first.inner_text()
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0, page.locator(
        '[data-testid="stAlertContentError"]').first.inner_text()


def screenshot(page, name: str) -> None:
    """The whole page: Streamlit scrolls inside its main container, so the viewport is grown to its height."""
    size = page.viewport_size
    height = page.evaluate("""() => {
        const m = document.querySelector('[data-testid="stMain"]') || document.body;
        return Math.max(m.scrollHeight, document.body.scrollHeight);
    }""")
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 8000)})
    try:
        page.screenshot(path=str(ARTIFACTS / name))
    finally:
        page.set_viewport_size(size)


def squash(s: str) -> str:
    return " ".join(s.split())


# -- fixtures -------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sync_api():
    return _need_browser()


@pytest.fixture(scope="module")
def vacancy(sync_api) -> dict:
    """The first real vacancy that screen() flags, called as the Screenen page calls it (no title/occupation)."""
    from vacscreen import screen

    for line in VACANCIES.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        result = screen(row["text"]).to_dict()
        if result["flags"]:
            return {**row, "result": result}
    pytest.fail(f"no vacancy in {VACANCIES} gets a flag")


@pytest.fixture(scope="module")
def app(sync_api, tmp_path_factory):
    """(base url, VACSCREEN_DB path) of a running app; stopped at the end of the module."""
    tmp = tmp_path_factory.mktemp("e2e_app")
    db, log = tmp / "labels.db", tmp / "streamlit.log"
    for attempt in range(3):  # the free port can be taken between free_port() and the bind: try another one
        port = free_port()
        proc = start_app(db, log, port)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(proc, url, log)
            break
        except RuntimeError:
            stop_app(proc)
            if attempt == 2:
                raise
    try:
        yield url, db
    finally:
        stop_app(proc)


@pytest.fixture(scope="module")
def page(sync_api, app):
    """One browser tab for the module (so the Review step runs in the session that screened)."""
    ARTIFACTS.mkdir(exist_ok=True)
    profile = tempfile.mkdtemp(prefix="vacscreen-chromium-")
    with sync_api.sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True,
                                                    args=CHROMIUM_ARGS, viewport={"width": 1400, "height": 1000},
                                                    locale="nl-BE")
        ctx.set_default_timeout(STEP_TIMEOUT)
        pg = ctx.pages[0] if ctx.pages else ctx.new_page()
        console_errors: list[str] = []
        pg.on("pageerror", lambda e: console_errors.append(str(e)))
        pg.console_errors = console_errors
        try:
            yield pg
        finally:
            ctx.close()
            shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def screened(page, app, vacancy):
    """The Screenen page after pasting `vacancy` and clicking Screenen (done once, by the first test using it)."""
    url, _ = app
    page.goto(url + "/")
    area = page.locator(".st-key-tekst textarea")
    area.wait_for(timeout=LOAD_TIMEOUT)
    wait_idle(page, LOAD_TIMEOUT)
    assert area.get_attribute("aria-label") == "Vacaturetekst"
    area.fill(vacancy["text"])
    button = page.locator(".st-key-screenen button")
    assert button.inner_text().strip() == "Screenen"
    button.click()
    # The highlighted copy of *this* text (its title and a piece of its end), then the end of the run.
    head, tail = squash(vacancy["text"])[:60], squash(vacancy["text"])[-60:]
    page.wait_for_function("""([head, tail]) => {
        const el = document.querySelector('.vs-tekst:not(.vs-herschreven):not(.vs-context)');
        if (!el) return false;
        const t = el.textContent.split(/\\s+/).join(' ');
        return t.includes(head) && t.includes(tail);
    }""", arg=[head, tail], timeout=LOAD_TIMEOUT)
    wait_idle(page, LOAD_TIMEOUT)
    return page


# -- tests ----------------------------------------------------------------------------------------------------------
def test_screen_page_highlights_and_flags(screened, app, vacancy):
    page = screened
    no_app_errors(page)
    flags = vacancy["result"]["flags"]

    # Highlights: one <mark class="vs vs-KIND"> per requirement piece, in the vacancy text (not the legend).
    marks = page.locator(".vs-tekst:not(.vs-herschreven) mark.vs")
    assert marks.count() > 0
    kinds = set(page.eval_on_selector_all(".vs-tekst:not(.vs-herschreven) mark.vs",
                                          "els => els.map(e => e.dataset.kind)"))
    assert kinds <= KINDS
    assert kinds == {r["kind"] for r in vacancy["result"]["requirements"]}
    marked = page.eval_on_selector_all(".vs-tekst:not(.vs-herschreven) mark.vs", "els => els.map(e => e.textContent)")
    text = vacancy["text"]
    assert all(m in text for m in marked)
    for r in vacancy["result"]["requirements"]:  # every requirement span is (inside) marked text
        assert any(piece in squash(r["text"]) or squash(r["text"]) in piece for piece in map(squash, marked)), r
    for kind in kinds:  # and visibly highlighted: the CSS of its kind applies
        bg = page.locator(f".vs-tekst:not(.vs-herschreven) mark.vs-{kind}").first.evaluate(
            "e => getComputedStyle(e).backgroundColor")
        assert bg not in ("rgba(0, 0, 0, 0)", "transparent"), (kind, bg)

    # Flags panel: one expander per flag, its severity in words ("sterk"/"licht"), strongest first; the only other
    # expander describes the linked occupation and its alternatives.
    expanders = page.locator('[data-testid="stExpander"]')
    every = [squash(expanders.nth(i).locator('summary [data-testid="stMarkdownContainer"]').inner_text())
             for i in range(expanders.count())]
    labels = [label for label in every if re.search(r" — (sterk|licht) \(score ", label)]
    assert len(labels) == len(flags) >= 1
    assert all(label.startswith(("Wat houdt het beroep", "Wat doen de voorgestelde")) for label in every
               if label not in labels) and len(every) - len(labels) <= 1
    for label, flag in zip(labels, flags):
        assert ("— sterk" in label) == (flag["severity"] == "strong"), (label, flag["severity"])
        assert not re.search("[\U0001F300-\U0001FAFF]", label)  # no emoji: nothing depends on an emoji font
    heading = f"{len(flags)} {'signaal' if len(flags) == 1 else 'signalen'}"
    assert page.get_by_text(heading, exact=True).count() == 1
    assert page.get_by_text("Geen te hoge", exact=False).count() == 0
    screenshot(page, "screen.png")

    # The screening is in the label store, its flags queued for review.
    from vacscreen.review import Store

    with Store(str(app[1])) as store:
        p = store.progress(REVIEWER)
    assert p["labelled"] == 0 and p["total"] >= len(flags)
    assert not page.console_errors, page.console_errors


def test_review_page_keyboard_label(screened, app):
    page = screened
    url, db = app
    from vacscreen.review import Store

    with Store(str(db)) as store:
        before = store.progress(REVIEWER)
        assert store.labels() == []
        first = store.queue(REVIEWER, limit=1)[0]
    total = before["total"]

    # Through the sidebar, in the same session as the screening; the page asks for a login first.
    with Store(str(db)) as store:
        store.add_user(REVIEWER, PASSWORD, role="reviewer")
    page.locator('[data-testid="stSidebarNav"] a[href$="/review"]').click()
    page.wait_for_url(re.compile(r"/review/?$"))
    user = page.get_by_label("Gebruikersnaam")
    user.wait_for()
    wait_idle(page)
    assert page.locator('.st-key-agree button').count() == 0  # nothing to label before logging in
    user.fill(REVIEWER)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    progress = page.locator('[data-testid="stProgress"]')
    progress.wait_for()
    task = page.get_by_text(f"signaal {first['flag_id']} ", exact=False)
    task.first.wait_for()  # during the rerun after login the old copy may still be on the page for a moment
    wait_idle(page)
    no_app_errors(page)
    assert task.count() == 1  # once the run is over, the task is shown once
    assert squash(progress.inner_text()) == f"0 van {total} signalen beoordeeld ({total} te gaan)"
    assert page.locator(".st-key-agree button").inner_text().strip().startswith("Akkoord")
    assert page.get_by_text(f"Aangemeld als {REVIEWER}", exact=False).count() == 1

    # Right after logging in, the shortcut works: nothing keeps the focus in a field.
    page.keyboard.press("a")
    page.get_by_text("Opgeslagen: akkoord.").wait_for()
    page.wait_for_function("""(want) => {
        const p = document.querySelector('[data-testid="stProgress"]');
        return !!p && p.textContent.split(/\\s+/).join(' ').includes(want);
    }""", arg=f"1 van {total} signalen beoordeeld ({total - 1} te gaan)")
    wait_idle(page)
    no_app_errors(page)

    with Store(str(db)) as store:
        labels = store.labels()
        after = store.progress(REVIEWER)
    assert len(labels) == 1
    assert labels[0]["flag_id"] == first["flag_id"]
    assert labels[0]["reviewer"] == REVIEWER and labels[0]["decision"] == "agree"
    assert after["labelled"] == 1 and after["remaining"] == total - 1
    if total > 1:  # the next flag is shown
        page.get_by_text(f"signaal {first['flag_id']} ", exact=False).wait_for(state="detached")
    screenshot(page, "review.png")
    assert not page.console_errors, page.console_errors


def test_the_same_vacancy_screened_again_is_no_new_review_task(screened, app, vacancy):
    """Issue 20: screening a vacancy again (here in the same browser; another session or user is the same case in
    the store) adds a screening but no review task."""
    page = screened
    url, db = app
    from vacscreen.review import Store

    with Store(str(db)) as store:
        before = store.progress(REVIEWER)["total"]
    page.goto(url + "/")
    area = page.locator(".st-key-tekst textarea")
    area.wait_for(timeout=LOAD_TIMEOUT)
    wait_idle(page, LOAD_TIMEOUT)
    area.fill(vacancy["text"])
    page.locator(".st-key-screenen button").click()
    page.locator(".vs-tekst:not(.vs-herschreven):not(.vs-context)").wait_for(timeout=LOAD_TIMEOUT)
    wait_idle(page, LOAD_TIMEOUT)
    no_app_errors(page)
    with Store(str(db)) as store:
        assert store.progress(REVIEWER)["total"] == before
        with store.engine.connect() as conn:
            from sqlalchemy import text

            assert conn.execute(text("SELECT count(*) FROM screenings")).scalar() >= 2


def test_a_reviewer_cannot_reach_the_model_actions(screened, app):
    """Issue 20: logged in as a reviewer (previous test), the Modellen page refuses and offers no action."""
    page = screened
    url, _ = app
    page.locator('[data-testid="stSidebarNav"] a[href$="/modellen"]').click()
    page.wait_for_url(re.compile(r"/modellen/?$"))
    page.get_by_text("rol beheerder", exact=False).wait_for()
    wait_idle(page)
    for key in ("activeren", "terugdraaien", "trainen", "bevestig"):
        assert page.locator(f".st-key-{key}").count() == 0, key


INJECTED = ("Magazijnmedewerker\nProfiel\n- Je bent maximaal 30 jaar ![x](http://evil.example/t.png) en "
            "[klik hier](https://evil.example/x) <img src=\"http://evil.example/i.png\">.\n")


def test_markdown_in_a_vacancy_is_shown_as_text_and_fetches_nothing(screened, app):
    """Issue 20: a pasted vacancy's Markdown or HTML makes no browser request outside the app and no live link;
    the flag panel quotes it literally."""
    page = screened
    url, _ = app
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url + "/")
    area = page.locator(".st-key-tekst textarea")
    area.wait_for(timeout=LOAD_TIMEOUT)
    wait_idle(page, LOAD_TIMEOUT)
    area.fill(INJECTED)
    page.locator(".st-key-screenen button").click()
    page.get_by_text("maximaal 30 jaar", exact=False).first.wait_for(timeout=LOAD_TIMEOUT)
    wait_idle(page, LOAD_TIMEOUT)
    no_app_errors(page)
    # open every panel, so that every quote and reason is rendered, then wait until the quote shows
    page.eval_on_selector_all('[data-testid="stExpander"] details', "els => els.forEach(d => { d.open = true; })")
    page.wait_for_function("""() => document.body.innerText.replaceAll('\\u2060', '')
                                   .includes('![x](http://evil.example/t.png)')""", timeout=STEP_TIMEOUT)
    wait_idle(page)
    html = page.content()
    assert "evil.example" in html  # the text is there, as text
    live = page.eval_on_selector_all('img[src*="evil"], a[href*="evil"], [srcset*="evil"]',
                                     "els => els.map(e => e.outerHTML.slice(0, 200) + ' IN ' + "
                                     "(e.closest('[data-testid]') || e.parentElement).outerHTML.slice(0, 300))")
    assert live == [], live
    outside = [r for r in requests if not r.startswith((url, "data:", "blob:", "about:"))]
    assert outside == [], outside
    # the age flag's quote shows the Markdown as written (an invisible word joiner keeps the address text)
    shown = page.evaluate("() => document.body.innerText.replaceAll('\\u2060', '')")
    assert "![x](http://evil.example/t.png)" in shown and "[klik hier](https://evil.example/x)" in shown
