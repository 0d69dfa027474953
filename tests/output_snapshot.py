"""What screen_many() gives on every gold vacancy, as one hash per vacancy, so that a refactoring can show it changed
nothing (issue 21). The file holds hashes only, never vacancy text.

    python tests/output_snapshot.py            # record tests/data/gold_outputs.json from the code as it is now

Record again only when a change of behaviour is meant (a retrained model, a new rule), and say so in the commit."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / "tests" / "data" / "gold_outputs.json"


def _rounded(x):
    # Floats to 3 decimals: the last digits of a probability may differ between CPUs; a changed result does not.
    if isinstance(x, float):
        return round(x, 3)
    if isinstance(x, dict):
        return {k: _rounded(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_rounded(v) for v in x]
    return x


def digest(result: dict) -> str:
    return hashlib.sha256(json.dumps(_rounded(result), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def current() -> dict[str, str]:
    """{gold id: digest of its screen_many() result} for every gold vacancy (train, dev and test)."""
    from vacscreen import gold
    from vacscreen.api import screen_many

    records = list(gold.load())
    rows = [{"id": r["id"], "text": r["text"], "title": r.get("title")} for r in records]
    return {res["id"]: digest(res) for res in screen_many(rows, batch_size=32)}


def main() -> int:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    SNAPSHOT.write_text(json.dumps({"recorded_at": commit.strip(), "vacancies": (d := current()), "count": len(d)},
                                   indent=0, sort_keys=True) + "\n")
    print(f"{len(d)} vacancies -> {SNAPSHOT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
