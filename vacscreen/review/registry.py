"""Model registry on disk: every trained flag model is a version folder; one of them is active.

    models/flags/versions/<version>/   flags.joblib, meta.json, MODEL_CARD.md
    models/flags/ACTIVE                the active version's name (replaced atomically)
    models/flags/HISTORY.jsonl         one line per activation (for rollback and audit)

A version folder is built under a temporary name and renamed when complete, and ACTIVE is written to a
temporary file and moved over the old one: a training run killed at any moment leaves the active model as it was.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Optional

from vacscreen.flags.flagger import MODEL_DIR

VERSIONS = "versions"


class RegistryError(ValueError):
    """An unknown version, or nothing to roll back to."""


class Registry:
    def __init__(self, root: Path = MODEL_DIR):
        self.root = Path(root)

    # ------------------------------------------------------------------ reading
    def active(self) -> Optional[str]:
        f = self.root / "ACTIVE"
        name = f.read_text(encoding="utf-8").strip() if f.exists() else ""
        return name if name and (self.root / VERSIONS / name / "flags.joblib").exists() else None

    def path(self, version: str) -> Path:
        p = self.root / VERSIONS / version
        if not (p / "flags.joblib").exists():
            raise RegistryError(f"unknown model version {version!r} (known: {', '.join(self.names()) or 'none'})")
        return p

    def names(self) -> list[str]:
        d = self.root / VERSIONS
        if not d.exists():
            return []
        return sorted(p.name for p in d.iterdir() if p.is_dir() and not p.name.startswith(".")
                      and (p / "flags.joblib").exists())

    def meta(self, version: str) -> dict:
        return json.loads((self.path(version) / "meta.json").read_text(encoding="utf-8"))

    def versions(self) -> list[dict]:
        """Every complete version with its date, training data and grouped cross-validation scores on train+dev
        (the sealed test split is not scored per version), oldest first."""
        active = self.active()
        out = []
        for name in self.names():
            m = self.meta(name)
            cv = (m.get("metrics") or {}).get("cv_train", {}).get("micro", {})
            out.append({"version": name, "active": name == active, "date": m.get("date"),
                        "created_at": m.get("created_at") or m.get("date"),
                        "trained_on": m.get("trained_on"), "review_labels": m.get("review_labels", 0),
                        "cv_f1": cv.get("f1"), "cv_p": cv.get("p"), "cv_r": cv.get("r")})
        return sorted(out, key=lambda v: (v["created_at"] or "", v["version"]))

    def history(self) -> list[dict]:
        f = self.root / "HISTORY.jsonl"
        if not f.exists():
            return []
        return [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]

    # ------------------------------------------------------------------ writing
    def add(self, version: str, build: Callable[[Path], None]) -> Path:
        """Create a version: `build(folder)` writes the files into a temporary folder that is renamed to the
        version's name only when build returns."""
        final = self.root / VERSIONS / version
        if final.exists():
            raise RegistryError(f"model version {version!r} exists already")
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=final.parent))
        try:
            build(tmp)
            _fsync_dir(tmp)
            os.rename(tmp, final)
            _fsync_dir(final.parent)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return final

    def activate(self, version: str, reason: str = "activate") -> None:
        self.path(version)  # must exist
        previous = self.active()
        _atomic_write(self.root / "ACTIVE", version + "\n")
        with open(self.root / "HISTORY.jsonl", "a", encoding="utf-8") as f:
            f.write(json.dumps({"version": version, "previous": previous, "reason": reason,
                                "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def deactivate(self, reason: str = "deactivate") -> None:
        """No active version: the rule layer alone flags (rollback re-activates the one before)."""
        previous = self.active()
        if previous is None:
            return
        (self.root / "ACTIVE").unlink()
        with open(self.root / "HISTORY.jsonl", "a", encoding="utf-8") as f:
            f.write(json.dumps({"version": None, "previous": previous, "reason": reason,
                                "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def rollback(self) -> str:
        """Activate the version that was active before the current one."""
        current = self.active()
        for entry in reversed(self.history()):
            if entry.get("version") == current and entry.get("previous") and entry["previous"] in self.names():
                self.activate(entry["previous"], reason=f"rollback from {current}")
                return entry["previous"]
        raise RegistryError("nothing to roll back to: no earlier active version in HISTORY.jsonl")

    def clean_partial(self) -> int:
        """Remove folders left by killed training runs."""
        d = self.root / VERSIONS
        gone = [p for p in d.glob(".building-*")] if d.exists() else []
        for p in gone:
            shutil.rmtree(p, ignore_errors=True)
        return len(gone)


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
