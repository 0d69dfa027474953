"""Start the Streamlit app with the models loaded before it serves, so that the first screening is as fast as any.

    vacscreen app [streamlit options, e.g. --server.headless true --server.port 8600]

`streamlit run app.py` alone runs no code before a browser opens a page, so the ~6 s of loading (imports of
spaCy, skops and torch, then the models) would start then and the first screening would wait for it. Here
vacscreen.api.warm_up() runs first (the console says so), then Streamlit starts in this same process: its pages
share the loaded models. Loading in the background while Streamlit starts was measured too: the page itself then
loads slower (both compete for the CPU and the import locks) and the first result came 5.4 s after page load
(bench/bench_browser.py).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Sequence

APP = Path(__file__).resolve().parents[2] / "app.py"


def _warm() -> None:
    import gc

    t0 = time.perf_counter()
    print("vacscreen: modellen laden …", file=sys.stderr, flush=True)
    try:
        from vacscreen.api import warm_up

        warm_up()
    except Exception as e:  # noqa: BLE001 - the first screening loads again and shows the error in the page
        print(f"vacscreen: models not loaded at start ({e}); the first screening tries again", file=sys.stderr)
        return
    gc.collect()
    gc.freeze()  # see ui.common.pipeline: the loaded models are kept out of Streamlit's gc passes
    print(f"vacscreen: modellen geladen in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)


def _open_store() -> None:
    """Migrate the label store and create its first admin now: the password is printed before Streamlit's address,
    and the first screening does not wait for it (bcrypt)."""
    try:
        from vacscreen.review import default_url
        from vacscreen.ui.common import new_store

        new_store(default_url()).close()
    except Exception as e:  # noqa: BLE001 - the pages say the same in Dutch when they open it
        print(f"vacscreen: label store not opened ({type(e).__name__}: {e})", file=sys.stderr)


def serve(streamlit_args: Sequence[str] = ()) -> int:
    if not APP.exists():
        raise FileNotFoundError(f"{APP} not found: `vacscreen app` runs from a source checkout (pip install -e .)")
    _open_store()
    _warm()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP), *streamlit_args]
    return cli.main()
