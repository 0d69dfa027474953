"""Real vacancy texts for tests, read from the shared data folder (vacscreen/corpus.py), never from the repository.
Without the folder the tests that need them skip and say why; CI sets VACSCREEN_REQUIRE_SHARED=1, where they fail."""
from __future__ import annotations

import json
import os

import pytest

from vacscreen import corpus


def require() -> None:
    why = corpus.available()
    if why is None:
        return
    if os.environ.get("VACSCREEN_REQUIRE_SHARED") == "1":
        pytest.fail(f"VACSCREEN_REQUIRE_SHARED=1 but {why}", pytrace=False)
    pytest.skip(why, allow_module_level=True)


def vdab_path():
    """The JSONL file of the 100 real VDAB pages (vdab_number, title, vdab_occupation, source_url, text)."""
    require()
    return corpus.shared_dir() / corpus.SOURCES["vdab"]


def vdab_rows() -> list[dict]:
    with vdab_path().open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
