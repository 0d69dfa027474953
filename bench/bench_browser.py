"""Speed of the Screenen page in a real browser: paste a vacancy, click Screenen, see the result.

    python bench/bench_browser.py                 # the 100 real VDAB vacancies of ../shared/data
    python bench/bench_browser.py --n 20 --out /tmp/browser.json

The app is started as `make run` starts it (`streamlit run app.py --server.headless true`, here on a free loopback
port, VACSCREEN_DB = a fresh SQLite file, so every screening is also saved to the label store as in real use) and
driven by Playwright in Debian's headless Chromium (/usr/bin/chromium or VACSCREEN_CHROMIUM; no browser download).

Excluded from the figures and reported apart: the first page load and the first screening (the server loads
spaCy, the occupation linker and the flag model then; a short text not among the 100). Then, for each vacancy: clear
the text area, fill in the vacancy, click "Screenen", and wait until the page shows the result *of this text*:
- the highlighted copy (.vs-tekst) contains two snippets of the new text (its start and a piece from the middle,
  a pair checked not to occur in the previous vacancy, so the previous result can never count),
- the flags panel is there (a flag expander, or the "Geen te hoge ..." message),
- the script run is over (stApp data-test-script-state="notRunning", no "Running..." status widget, no stale
  element left).

Timing, in the browser: performance.now() in a capture-phase click listener on the Screenen button (t0) and in a
MutationObserver callback the moment the condition above first holds (t1); latency = t1 - t0. The Python wall time
(time.perf_counter() around Playwright's click and wait, which adds Playwright's actionability checks and the
round trips to the browser) is reported too. Each rendered result is then checked against vacscreen.screen() of the
same text, screened in this process beforehand: number of flag expanders and the requirement count in the tab
"Eisen (N)".

Writes bench/results/browser.json (figures, per-vacancy latencies, machine) and prints a table.
Target: p95 < 1 s after the first load.

Results of 2026-12-07 (issue 20, second session): the app started as `make run` now starts it (`vacscreen app`: the
label store and the models are loaded before Streamlit serves; the encoder loads as a saved TorchScript graph without
transformers). Server up 6.6 s after start; page opened at once: loaded in 1.2 s, first screening 0.95 s, so the
first result 2.1 s after page load (target 3 s met) and 9.6 s after the process started; then over the 100 vacancies
browser median 95 ms, p95 168 ms, max 366 ms, every result matching screen(). Before (models warmed in a
background thread from the first page load, encoder through transformers): first page load 3.1 s, first
screening 8.8 s; median 106 ms, p95 140 ms.
Earlier (2 cores, AMD EPYC, Chromium 156, Streamlit 1.67): first page load 2.8 s, first
screening 13 s (models); then over the 100 vacancies browser median 476 ms, p95 719 ms, max 794 ms (target met; an
earlier run: 482/633/731 ms), every result matching screen(). screen() itself takes ~10-20 ms and the page script
~40 ms (AppTest): most of the rest is Streamlit's post-run `gc.collect(2)` (config runner.postScriptGC, on by
default), which walks the ~530k Python objects of the loaded spaCy/linker/flag models (~300 ms in a bare process,
more in the server) after every script run, holding the GIL so that the server sends the rest of the page only
afterwards (py-spy: the script thread sits in ScriptRunner._on_script_finished). With `--streamlit-option
runner.postScriptGC=false`: median 138 ms, p95 254 ms, max 334 ms. Every rerun pays it, on every page (a Review
keypress too); `gc.freeze()` once the models are loaded, or runner.postScriptGC = false in .streamlit/config.toml,
removes it.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from vacscreen import corpus

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

APP = ROOT / "app.py"
VACANCIES = corpus.shared_dir() / corpus.SOURCES["vdab"]  # the real texts stay in ../shared/data
OUT = ROOT / "bench" / "results" / "browser.json"
CHROMIUM = os.environ.get("VACSCREEN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TARGET_P95_S = 1.0
TARGET_FIRST_S = 3.0  # from opening the page (as soon as the server answers) to the first result
WARMUP_TEXT = ("Magazijnier\nProfiel\n- Je hebt minstens 2 jaar ervaring als magazijnier.\n"
               "- Je spreekt vloeiend Nederlands.\n- Rijbewijs B is een must.\n- VCA is een troef.\n")

IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
      && app.getAttribute('data-test-connection-state') === 'CONNECTED'
      && !document.querySelector('[data-testid="stStatusWidget"]');
}"""

# Installed before each click: t0 at the click on Screenen, t1 when the result of this text is on the page.
ARM_JS = """([snippets]) => {
  const squash = s => s.split(/\\s+/).join(' ');
  const done = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
    if (document.querySelector('[data-stale="true"]')) return false;
    const el = document.querySelector('.vs-tekst:not(.vs-herschreven):not(.vs-context)');
    if (!el) return false;
    const t = squash(el.textContent);
    if (!snippets.every(s => t.includes(s))) return false;
    if (document.querySelector('[data-testid="stExpander"]')) return true;
    return [...document.querySelectorAll('[data-testid="stAlert"]')]
      .some(a => a.textContent.includes('Geen te hoge'));
  };
  const m = {t0: null, t1: null};
  window.__vsBench = m;
  window.addEventListener('click', e => {
    if (m.t0 === null && e.target.closest('.st-key-screenen')) m.t0 = performance.now();
  }, {capture: true});
  const obs = new MutationObserver(() => {
    if (m.t0 !== null && m.t1 === null && done()) { m.t1 = performance.now(); obs.disconnect(); }
  });
  obs.observe(document.documentElement, {subtree: true, childList: true, attributes: true, characterData: true});
  window.__vsBenchObs = obs;
}"""
# Python polls the mark the observer sets (the latency itself is the browser's t1 - t0, not this polling).
DONE_JS = "() => window.__vsBench && window.__vsBench.t1 !== null"
RESULT_JS = """() => {
  const tabs = [...document.querySelectorAll('[data-testid="stTab"]')].map(t => t.textContent);
  const eisen = tabs.map(t => /^\\s*Eisen \\((\\d+)\\)/.exec(t)).find(Boolean);
  // flag expanders only: their label ends in the severity and score (the occupation's description is one too)
  const flagExpanders = [...document.querySelectorAll('[data-testid="stExpander"] summary [data-testid="stMarkdownContainer"]')]
    .filter(e => / — (sterk|licht) \\(score /.test(e.textContent)).length;
  return {expanders: flagExpanders,
          geen: [...document.querySelectorAll('[data-testid="stAlert"]')]
                  .some(a => a.textContent.includes('Geen te hoge')),
          requirements: eisen ? Number(eisen[1]) : null,
          errors: [...document.querySelectorAll('[data-testid="stAlertContentError"], [data-testid="stException"]')]
                    .map(e => e.textContent.slice(0, 300))};
}"""


def squash(s: str) -> str:
    return " ".join(s.split())


def percentile(xs: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    s = sorted(xs)
    k = max(0, min(len(s) - 1, int(round(q / 100 * len(s) + 0.5)) - 1))
    return s[k]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(db: Path, log: Path, extra: tuple[str, ...] = ()) -> tuple[subprocess.Popen, str, float]:
    """`make run` on a free port: vacscreen app --server.headless true; waits for /_stcore/health. Returns the
    process, its address and the perf_counter() time it was started at.
    extra: more `streamlit run` options (experiments, e.g. --runner.postScriptGC false)."""
    env = dict(os.environ, VACSCREEN_DB=str(db), PYTHONUNBUFFERED="1")
    for attempt in range(3):
        port = free_port()
        started = time.perf_counter()
        cmd = [sys.executable, "-m", "vacscreen.cli", "app", "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none", *extra]
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                                start_new_session=True)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        return proc, url, started
            except OSError:
                time.sleep(0.2)
        stop_app(proc)
    raise RuntimeError(f"the app did not start:\n{log.read_text()[-3000:]}")


def stop_app(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


def snippets(text: str, previous: str | None) -> list[str]:
    """Two pieces of `text` (its start, a piece of its middle) that together do not occur in `previous`."""
    t = squash(text)
    head = t[:60].strip()
    for frac in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8):
        i = int(len(t) * frac)
        i = t.find(" ", i) + 1 or i
        mid = t[i:i + 50].strip()
        if previous is None or not (head in squash(previous) and mid in squash(previous)):
            return [head, mid]
    raise ValueError("no snippet tells this vacancy from the previous one")


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    from importlib.metadata import version

    import streamlit

    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "cores_available": len(os.sched_getaffinity(0)),
            "memory_gb": mem, "python": platform.python_version(), "platform": platform.platform(),
            "streamlit": streamlit.__version__, "playwright": version("playwright"),
            "chromium": chromium}


def revision() -> dict:
    """The commit benchmarked, and whether the app's files differ from it (work in progress)."""
    def git(*a):
        return subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    return {"commit": git("rev-parse", "--short", "HEAD"),
            "app_files_modified": bool(git("status", "--porcelain", "--", "app.py", "vacscreen"))}


def stats(xs: list[float]) -> dict:
    return {"median": round(statistics.median(xs), 4), "p95": round(percentile(xs, 95), 4),
            "max": round(max(xs), 4), "min": round(min(xs), 4), "mean": round(statistics.fmean(xs), 4)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100, help="vacancies to screen (default: all 100)")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--timeout", type=float, default=60.0, help="s to wait for one result")
    ap.add_argument("--streamlit-option", action="append", default=[], metavar="NAME=VALUE",
                    help="extra `streamlit run` option for an experiment, e.g. runner.postScriptGC=false")
    args = ap.parse_args()

    if not os.access(CHROMIUM, os.X_OK):
        sys.exit(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    rows = [json.loads(line) for line in VACANCIES.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = rows[: args.n]

    # What each result must show, from the library itself (called as the Screenen page calls it).
    from vacscreen import screen

    expected = []
    for r in rows:
        res = screen(r["text"]).to_dict()
        expected.append({"flags": len(res["flags"]), "requirements": len(res["requirements"])})

    rev = revision()
    tmp = Path(tempfile.mkdtemp(prefix="vacscreen-bench-browser-"))
    extra = tuple(a for o in args.streamlit_option for a in (f"--{o.split('=', 1)[0]}", o.split("=", 1)[1]))
    proc, url, started = start_app(tmp / "labels.db", tmp / "streamlit.log", extra)
    server_up_s = time.perf_counter() - started
    per: list[dict] = []
    try:
        with sync_playwright() as pw:
            ctx = pw.chromium.launch_persistent_context(str(tmp / "profile"), executable_path=CHROMIUM,
                                                        headless=True, args=CHROMIUM_ARGS,
                                                        viewport={"width": 1400, "height": 1000})
            ctx.set_default_timeout(args.timeout * 1000)
            page = ctx.pages[0] if ctx.pages else ctx.new_page()
            page_errors: list[str] = []
            page.on("pageerror", lambda e: page_errors.append(str(e)))
            area = page.locator(".st-key-tekst textarea")
            button = page.locator(".st-key-screenen button")

            t = time.perf_counter()
            page.goto(url + "/")
            area.wait_for()
            page.wait_for_function(IDLE_JS)
            first_load_s = time.perf_counter() - t

            def screen_once(text: str, previous: str | None) -> dict:
                area.clear()
                area.fill(text)
                page.evaluate(ARM_JS, [snippets(text, previous)])
                t_py = time.perf_counter()
                button.click()
                page.wait_for_function(DONE_JS, polling=50, timeout=args.timeout * 1000)
                wall = time.perf_counter() - t_py
                m = page.evaluate("() => window.__vsBench")
                return {"browser_s": (m["t1"] - m["t0"]) / 1000, "wall_s": wall, **page.evaluate(RESULT_JS)}

            first = screen_once(WARMUP_TEXT, None)
            first_after_start_s = time.perf_counter() - started
            previous = WARMUP_TEXT
            for i, (r, exp) in enumerate(zip(rows, expected)):
                res = screen_once(r["text"], previous)
                previous = r["text"]
                problems = []
                if exp["flags"] and res["expanders"] != exp["flags"]:
                    problems.append(f"{res['expanders']} flag expanders, screen() gives {exp['flags']} flags")
                if not exp["flags"] and not res["geen"]:
                    problems.append("no flags but no 'Geen te hoge' message")
                if res["requirements"] != exp["requirements"]:
                    problems.append(f"tab 'Eisen ({res['requirements']})', screen() gives {exp['requirements']}")
                if res["errors"]:
                    problems.append("errors on the page: " + " | ".join(res["errors"]))
                per.append({"i": i, "vdab_number": r.get("vdab_number"), "chars": len(r["text"]),
                            "flags": exp["flags"], "requirements": exp["requirements"],
                            "browser_ms": round(res["browser_s"] * 1000, 1), "wall_ms": round(res["wall_s"] * 1000, 1),
                            "problems": problems})
                print(f"{i + 1:3d}/{len(rows)} {res['browser_s'] * 1000:7.0f} ms  {len(r['text']):5d} chars  "
                      f"{exp['flags']} flags  {'; '.join(problems)}", file=sys.stderr)
            ctx.close()
    finally:
        stop_app(proc)
        log_tail = (tmp / "streamlit.log").read_text(errors="replace")[-2000:]
        shutil.rmtree(tmp, ignore_errors=True)

    browser = [p["browser_ms"] / 1000 for p in per]
    wall = [p["wall_ms"] / 1000 for p in per]
    b, w = stats(browser), stats(wall)
    out = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "what": "Screenen page: click on Screenen -> result of this text rendered (highlighted text with snippets "
                "of it, flags panel, script run over)",
        "timing": "browser: performance.now() from a capture-phase click listener to the MutationObserver callback "
                  "that first sees the result; wall: Python time.perf_counter() around Playwright's click() and "
                  "wait_for_function()",
        "vacancies": len(per),
        "characters": sum(p["chars"] for p in per),
        "server_up_s": round(server_up_s, 3),
        "first_page_load_s": round(first_load_s, 3),
        "first_result_after_page_load_s": round(first_load_s + first["wall_s"], 3),
        "first_result_after_start_s": round(first_after_start_s, 3),
        "target_first_result_after_page_load_s": TARGET_FIRST_S,
        "first_screening_s": {"browser": round(first["browser_s"], 3), "wall": round(first["wall_s"], 3),
                              "note": "a short warm-up text; includes loading the models on the server"},
        "latency_s": {"browser": b, "wall": w},
        "target_p95_s": TARGET_P95_S,
        "meets_target": b["p95"] < TARGET_P95_S,
        "results_checked": {"mismatches": sum(1 for p in per if p["problems"]),
                            "page_errors": page_errors},
        "slowest": sorted(per, key=lambda p: -p["browser_ms"])[:5],
        "per_vacancy": per,
        "app": {"command": "vacscreen app --server.headless true --server.port PORT --server.address "
                           "127.0.0.1 --browser.gatherUsageStats false --server.fileWatcherType none",
                "VACSCREEN_DB": "fresh SQLite file"},
        "browser": {"executable": CHROMIUM, "args": CHROMIUM_ARGS, "viewport": "1400x1000"},
        "machine": machine(),
        "revision": rev,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n")

    print(f"\nScreenen page in Chromium, {len(per)} real vacancies ({out['characters']:,} characters), "
          "after the first load")
    print(f"server up {server_up_s:.2f} s after start; page opened then: loaded in {first_load_s:.2f} s, first "
          f"screening {first['wall_s']:.2f} s; first result {first_load_s + first['wall_s']:.2f} s after page load "
          f"(target {TARGET_FIRST_S:.0f} s: {'met' if first_load_s + first['wall_s'] < TARGET_FIRST_S else 'NOT met'}), "
          f"{first_after_start_s:.2f} s after start\n")
    print(f"{'':24s} {'median':>8s} {'p95':>8s} {'max':>8s} {'mean':>8s}")
    for name, s in (("browser (performance.now)", b), ("wall (perf_counter)", w)):
        print(f"{name:24s} " + " ".join(f"{s[k] * 1000:6.0f}ms" for k in ("median", "p95", "max", "mean")))
    print(f"\ntarget p95 < {TARGET_P95_S:.0f} s: {'met' if out['meets_target'] else 'NOT met'}; "
          f"results not matching screen(): {out['results_checked']['mismatches']}; page errors: {len(page_errors)}")
    if out["results_checked"]["mismatches"]:
        for p in per:
            if p["problems"]:
                print(f"  vacancy {p['i']} ({p['vdab_number']}): {'; '.join(p['problems'])}")
    if page_errors:
        print("page errors:", page_errors[:3], "\nstreamlit log tail:", log_tail)
    print(f"-> {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
